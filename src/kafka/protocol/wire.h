// Primitive encodings of the Kafka protocol, used by the generated message codecs
// (messages.h, made by scripts/kafka_codegen.py from messages.spec).
//
// Classic encodings: STRING is int16 length + bytes, BYTES int32 length + bytes, ARRAY int32
// count, -1 meaning null where nullable. Flexible versions (KIP-482) use COMPACT forms:
// unsigned varint of length+1 (0 = null) and a tagged-fields section after every structure.
// Decoders treat their input as untrusted: every length is checked against the bytes that
// remain, so a hostile count cannot make them allocate or read beyond the request.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "fmt/format.h"

namespace oxbow::kafka::protocol {

struct Uuid {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Uuid&) const = default;
};

// A RECORDS field: record batches, either bytes in memory (always so when decoded: a view
// into the request) or, in responses, a range of a segment file, which the connection
// sends with sendfile instead of copying (Fetch, docs/design/concurrency.md).
struct Records {
  Records() = default;
  explicit Records(ByteView b) : bytes(b) {}
  explicit Records(FileRange f) : file(std::move(f)) {}

  ByteView bytes;
  FileRange file;  // used when file.fd >= 0

  bool in_file() const { return file.fd >= 0; }
  size_t size() const { return in_file() ? file.size : bytes.size(); }
  bool empty() const { return size() == 0; }
  // The in-memory bytes (nullptr for a file range).
  const uint8_t* data() const { return in_file() ? nullptr : bytes.data(); }
};

namespace wire {

Status Truncated(std::string_view field);

inline Status ReadBool(ByteReader& in, bool* v, std::string_view f) {
  *v = in.ReadInt8() != 0;
  return in.ok() ? absl::OkStatus() : Truncated(f);
}
inline Status ReadInt8(ByteReader& in, int8_t* v, std::string_view f) {
  *v = in.ReadInt8();
  return in.ok() ? absl::OkStatus() : Truncated(f);
}
inline Status ReadInt16(ByteReader& in, int16_t* v, std::string_view f) {
  *v = in.ReadBE16();
  return in.ok() ? absl::OkStatus() : Truncated(f);
}
inline Status ReadInt32(ByteReader& in, int32_t* v, std::string_view f) {
  *v = in.ReadBE32();
  return in.ok() ? absl::OkStatus() : Truncated(f);
}
inline Status ReadInt64(ByteReader& in, int64_t* v, std::string_view f) {
  *v = in.ReadBE64();
  return in.ok() ? absl::OkStatus() : Truncated(f);
}
Status ReadUuid(ByteReader& in, Uuid* v, std::string_view f);

// Reads a length (or count) prefix: nullopt for null. Errors when null is not allowed or
// the length exceeds what remains (min_item_bytes per item for counts).
Result<std::optional<size_t>> ReadLength(ByteReader& in, bool flexible, bool wide, bool nullable,
                                         size_t min_item_bytes, std::string_view f);

Status ReadString(ByteReader& in, bool flexible, bool nullable, std::string* v, std::string_view f);
Status ReadString(ByteReader& in, bool flexible, bool nullable, std::optional<std::string>* v,
                  std::string_view f);
// Views into the request: valid as long as the bytes being decoded.
Status ReadBytes(ByteReader& in, bool flexible, bool nullable, ByteView* v, std::string_view f);
Status ReadBytes(ByteReader& in, bool flexible, bool nullable, std::optional<ByteView>* v,
                 std::string_view f);
Status ReadRecords(ByteReader& in, bool flexible, bool nullable, std::optional<Records>* v,
                   std::string_view f);
Status ReadRecords(ByteReader& in, bool flexible, bool nullable, Records* v, std::string_view f);
Status SkipTaggedFields(ByteReader& in);

template <typename T>
using ElementReader = Status (*)(ByteReader&, T*, std::string_view);

// Arrays of primitives (ints) and of strings.
template <auto ReadElem, typename T>
Status ReadArrayInto(ByteReader& in, bool flexible, bool nullable, std::optional<std::vector<T>>* v,
                     std::string_view f) {
  ASSIGN_OR_RETURN(std::optional<size_t> n, ReadLength(in, flexible, true, nullable, 1, f));
  if (!n) {
    v->reset();
    return absl::OkStatus();
  }
  v->emplace();
  (*v)->resize(*n);
  for (size_t i = 0; i < *n; ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      RETURN_IF_ERROR(ReadString(in, flexible, false, &(**v)[i], f));
    } else {
      RETURN_IF_ERROR(ReadElem(in, &(**v)[i], f));
    }
  }
  return absl::OkStatus();
}
template <auto ReadElem, typename T>
Status ReadArray(ByteReader& in, bool flexible, bool nullable, std::vector<T>* v,
                 std::string_view f) {
  std::optional<std::vector<T>> tmp;
  RETURN_IF_ERROR((ReadArrayInto<ReadElem, T>(in, flexible, false, &tmp, f)));
  *v = std::move(*tmp);
  return absl::OkStatus();
}
template <auto ReadElem, typename T>
Status ReadArray(ByteReader& in, bool flexible, bool nullable, std::optional<std::vector<T>>* v,
                 std::string_view f) {
  return ReadArrayInto<ReadElem, T>(in, flexible, nullable, v, f);
}
// Strings have a different reader signature; the generated code names ReadString.
inline Status ReadStringElem(ByteReader&, std::string*, std::string_view) {
  return absl::OkStatus();
}

template <typename T>
Status ReadStructArrayInto(ByteReader& in, bool flexible, bool nullable, int16_t version,
                           std::optional<std::vector<T>>* v, std::string_view f) {
  ASSIGN_OR_RETURN(std::optional<size_t> n, ReadLength(in, flexible, true, nullable, 1, f));
  if (!n) {
    v->reset();
    return absl::OkStatus();
  }
  v->emplace();
  (*v)->resize(*n);
  for (T& item : **v) RETURN_IF_ERROR(item.Decode(in, version, flexible));
  return absl::OkStatus();
}
template <typename T>
Status ReadStructArray(ByteReader& in, bool flexible, bool nullable, int16_t version,
                       std::vector<T>* v, std::string_view f) {
  std::optional<std::vector<T>> tmp;
  RETURN_IF_ERROR(ReadStructArrayInto(in, flexible, false, version, &tmp, f));
  *v = std::move(*tmp);
  return absl::OkStatus();
}
template <typename T>
Status ReadStructArray(ByteReader& in, bool flexible, bool nullable, int16_t version,
                       std::optional<std::vector<T>>* v, std::string_view f) {
  return ReadStructArrayInto(in, flexible, nullable, version, v, f);
}

inline void WriteBool(ByteBuffer& out, bool v) { out.AppendInt8(v ? 1 : 0); }
inline void WriteInt8(ByteBuffer& out, int8_t v) { out.AppendInt8(v); }
inline void WriteInt16(ByteBuffer& out, int16_t v) { out.AppendBE16(static_cast<uint16_t>(v)); }
inline void WriteInt32(ByteBuffer& out, int32_t v) { out.AppendBE32(static_cast<uint32_t>(v)); }
inline void WriteInt64(ByteBuffer& out, int64_t v) { out.AppendBE64(static_cast<uint64_t>(v)); }
inline void WriteUuid(ByteBuffer& out, const Uuid& v) { out.Append(ByteView(v.bytes)); }

// Writes a length/count prefix; -1 for null.
void WriteLength(ByteBuffer& out, bool flexible, bool wide, int64_t n);
void WriteString(ByteBuffer& out, bool flexible, const std::string& v);
void WriteString(ByteBuffer& out, bool flexible, const std::optional<std::string>& v);
void WriteBytes(ByteBuffer& out, bool flexible, ByteView v);
void WriteBytes(ByteBuffer& out, bool flexible, const std::optional<ByteView>& v);
void WriteRecords(ByteBuffer& out, bool flexible, const Records& v);
void WriteRecords(ByteBuffer& out, bool flexible, const std::optional<Records>& v);
void WriteEmptyTaggedFields(ByteBuffer& out);

template <auto WriteElem, typename T>
void WriteArray(ByteBuffer& out, bool flexible, const std::vector<T>& v) {
  WriteLength(out, flexible, true, static_cast<int64_t>(v.size()));
  for (const T& e : v) {
    if constexpr (std::is_same_v<T, std::string>) {
      WriteString(out, flexible, e);
    } else {
      WriteElem(out, e);
    }
  }
}
template <auto WriteElem, typename T>
void WriteArray(ByteBuffer& out, bool flexible, const std::optional<std::vector<T>>& v) {
  if (!v) {
    WriteLength(out, flexible, true, -1);
    return;
  }
  WriteArray<WriteElem, T>(out, flexible, *v);
}
inline void WriteStringElem(ByteBuffer&, const std::string&) {}

template <typename T>
void WriteStructArray(ByteBuffer& out, bool flexible, int16_t version, const std::vector<T>& v) {
  WriteLength(out, flexible, true, static_cast<int64_t>(v.size()));
  for (const T& e : v) e.Encode(out, version, flexible);
}
template <typename T>
void WriteStructArray(ByteBuffer& out, bool flexible, int16_t version,
                      const std::optional<std::vector<T>>& v) {
  if (!v) {
    WriteLength(out, flexible, true, -1);
    return;
  }
  WriteStructArray(out, flexible, version, *v);
}

}  // namespace wire
}  // namespace oxbow::kafka::protocol
