#include "kafka/protocol/wire.h"

namespace oxbow::kafka::protocol::wire {

Status Truncated(std::string_view field) {
  return absl::DataLossError(fmt::format("request truncated in field '{}'", field));
}

Status ReadUuid(ByteReader& in, Uuid* v, std::string_view f) {
  ByteView b = in.ReadBytes(16);
  if (!in.ok()) return Truncated(f);
  std::copy(b.begin(), b.end(), v->bytes.begin());
  return absl::OkStatus();
}

Result<std::optional<size_t>> ReadLength(ByteReader& in, bool flexible, bool wide, bool nullable,
                                         size_t min_item_bytes, std::string_view f) {
  int64_t n;
  if (flexible) {
    uint64_t u = in.ReadUvarint();
    if (!in.ok() || u > INT32_MAX) return Truncated(f);
    n = static_cast<int64_t>(u) - 1;
  } else {
    n = wide ? in.ReadBE32() : in.ReadBE16();
    if (!in.ok()) return Truncated(f);
  }
  if (n < 0) {
    if (n == -1 && nullable) return std::optional<size_t>();
    return absl::DataLossError(fmt::format("field '{}': {} length {}", f,
                                           n == -1 ? "null not allowed, got" : "invalid", n));
  }
  if (static_cast<uint64_t>(n) * min_item_bytes > in.remaining()) {
    return absl::DataLossError(
        fmt::format("field '{}': length {} exceeds the {} bytes left", f, n, in.remaining()));
  }
  return std::optional<size_t>(static_cast<size_t>(n));
}

Status ReadString(ByteReader& in, bool flexible, bool nullable, std::optional<std::string>* v,
                  std::string_view f) {
  ASSIGN_OR_RETURN(std::optional<size_t> n, ReadLength(in, flexible, false, nullable, 1, f));
  if (!n) {
    v->reset();
    return absl::OkStatus();
  }
  ByteView b = in.ReadBytes(*n);
  if (!in.ok()) return Truncated(f);
  v->emplace(AsString(b));
  return absl::OkStatus();
}

Status ReadString(ByteReader& in, bool flexible, bool nullable, std::string* v,
                  std::string_view f) {
  std::optional<std::string> tmp;
  RETURN_IF_ERROR(ReadString(in, flexible, false, &tmp, f));
  *v = std::move(*tmp);
  return absl::OkStatus();
}

Status ReadBytes(ByteReader& in, bool flexible, bool nullable, std::optional<ByteView>* v,
                 std::string_view f) {
  ASSIGN_OR_RETURN(std::optional<size_t> n, ReadLength(in, flexible, true, nullable, 1, f));
  if (!n) {
    v->reset();
    return absl::OkStatus();
  }
  ByteView b = in.ReadBytes(*n);
  if (!in.ok()) return Truncated(f);
  *v = b;
  return absl::OkStatus();
}

Status ReadBytes(ByteReader& in, bool flexible, bool nullable, ByteView* v, std::string_view f) {
  std::optional<ByteView> tmp;
  RETURN_IF_ERROR(ReadBytes(in, flexible, false, &tmp, f));
  *v = *tmp;
  return absl::OkStatus();
}

Status SkipTaggedFields(ByteReader& in) {
  uint64_t count = in.ReadUvarint();
  if (!in.ok() || count > in.remaining()) return Truncated("tagged fields");
  for (uint64_t i = 0; i < count; ++i) {
    in.ReadUvarint();  // tag
    uint64_t size = in.ReadUvarint();
    if (!in.ok() || size > in.remaining()) return Truncated("tagged field");
    in.Skip(size);
  }
  return in.ok() ? absl::OkStatus() : Truncated("tagged fields");
}

void WriteLength(ByteBuffer& out, bool flexible, bool wide, int64_t n) {
  if (flexible) {
    out.AppendUvarint(static_cast<uint64_t>(n + 1));
  } else if (wide) {
    out.AppendBE32(static_cast<uint32_t>(static_cast<int32_t>(n)));
  } else {
    out.AppendBE16(static_cast<uint16_t>(static_cast<int16_t>(n)));
  }
}

void WriteString(ByteBuffer& out, bool flexible, const std::string& v) {
  WriteLength(out, flexible, false, static_cast<int64_t>(v.size()));
  out.Append(v);
}

void WriteString(ByteBuffer& out, bool flexible, const std::optional<std::string>& v) {
  if (!v) {
    WriteLength(out, flexible, false, -1);
    return;
  }
  WriteString(out, flexible, *v);
}

void WriteBytes(ByteBuffer& out, bool flexible, ByteView v) {
  WriteLength(out, flexible, true, static_cast<int64_t>(v.size()));
  out.Append(v);
}

void WriteBytes(ByteBuffer& out, bool flexible, const std::optional<ByteView>& v) {
  if (!v) {
    WriteLength(out, flexible, true, -1);
    return;
  }
  WriteBytes(out, flexible, *v);
}

Status ReadRecords(ByteReader& in, bool flexible, bool nullable, std::optional<Records>* v,
                   std::string_view f) {
  std::optional<ByteView> bytes;
  RETURN_IF_ERROR(ReadBytes(in, flexible, nullable, &bytes, f));
  if (bytes) {
    v->emplace(*bytes);
  } else {
    v->reset();
  }
  return absl::OkStatus();
}

Status ReadRecords(ByteReader& in, bool flexible, bool nullable, Records* v, std::string_view f) {
  ByteView bytes;
  RETURN_IF_ERROR(ReadBytes(in, flexible, nullable, &bytes, f));
  *v = Records(bytes);
  return absl::OkStatus();
}

void WriteRecords(ByteBuffer& out, bool flexible, const Records& v) {
  WriteLength(out, flexible, true, static_cast<int64_t>(v.size()));
  if (v.in_file()) {
    out.AppendFileRange(v.file);
  } else {
    out.Append(v.bytes);
  }
}

void WriteRecords(ByteBuffer& out, bool flexible, const std::optional<Records>& v) {
  if (!v) {
    WriteLength(out, flexible, true, -1);
    return;
  }
  WriteRecords(out, flexible, *v);
}

void WriteEmptyTaggedFields(ByteBuffer& out) { out.AppendUvarint(0); }

}  // namespace oxbow::kafka::protocol::wire
