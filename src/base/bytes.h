// Byte views, owned buffers and bounds-checked big-endian encoding.
//
// ByteView is a borrow: it never owns and must not outlive what it points into.
// ByteReader decodes untrusted input; every read is bounds-checked, and the first failure
// makes the reader sticky-failed (later reads return zero), so decoders check `ok()` once
// at the end of a structure instead of after every field.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oxbow {

using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline uint16_t LoadBE16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t LoadBE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t LoadBE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void StoreBE16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreBE32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void StoreBE64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// A range of an open file that a buffer refers to instead of holding its bytes (see
// ByteBuffer::AppendFileRange). `owner` keeps the file descriptor open until it is sent.
struct FileRange {
  int fd = -1;
  uint64_t position = 0;
  uint64_t size = 0;
  std::shared_ptr<const void> owner;
};

// A growable byte buffer for encoding. Appends big-endian integers and Kafka varints.
//
// File ranges: a buffer may also refer to byte ranges of files (AppendFileRange), so that
// large payloads — a Fetch response's records — go from the page cache to the socket with
// sendfile instead of being copied into the buffer. Such a buffer's content is its bytes
// with each range's bytes inserted at the point it was appended; data()/size()/view()
// cover the in-memory bytes only, and only a writer that knows (the Kafka connection)
// may send it. total_size() counts both.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t reserve) { data_.reserve(reserve); }

  const uint8_t* data() const { return data_.data(); }
  uint8_t* mutable_data() { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteView view() const { return {data_.data(), data_.size()}; }
  void clear() { data_.clear(); }
  void reserve(size_t n) { data_.reserve(n); }
  void resize(size_t n) { data_.resize(n); }
  std::vector<uint8_t> Release() { return std::move(data_); }

  void Append(ByteView b) { data_.insert(data_.end(), b.begin(), b.end()); }
  void Append(std::string_view s) { Append(AsBytes(s)); }
  void AppendInt8(int8_t v) { data_.push_back(static_cast<uint8_t>(v)); }
  void AppendBE16(uint16_t v);
  void AppendBE32(uint32_t v);
  void AppendBE64(uint64_t v);
  // Unsigned LEB128 varint (Kafka's UNSIGNED_VARINT).
  void AppendUvarint(uint64_t v);
  // Zigzag varints: Kafka's VARINT (int32) and VARLONG (int64).
  void AppendVarint(int32_t v);
  void AppendVarlong(int64_t v);

  // A file range whose bytes belong here, after the bytes appended so far.
  struct Splice {
    size_t at;  // position in the in-memory bytes
    FileRange range;
  };
  void AppendFileRange(FileRange range) {
    total_file_bytes_ += range.size;
    splices_.push_back({data_.size(), std::move(range)});
  }
  const std::vector<Splice>& splices() const { return splices_; }
  uint64_t total_size() const { return data_.size() + total_file_bytes_; }

 private:
  std::vector<uint8_t> data_;
  std::vector<Splice> splices_;
  uint64_t total_file_bytes_ = 0;
};

// Bounds-checked decoder over a ByteView. See the file comment for the failure model.
class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }

  int8_t ReadInt8();
  int16_t ReadBE16();
  int32_t ReadBE32();
  int64_t ReadBE64();
  uint64_t ReadUvarint();
  int32_t ReadVarint();
  int64_t ReadVarlong();
  // Returns a view of the next n bytes (empty and failed if fewer remain).
  ByteView ReadBytes(size_t n);
  void Skip(size_t n) { ReadBytes(n); }
  // Marks the reader failed, e.g. when a decoded length is invalid.
  void Fail() { ok_ = false; }

 private:
  bool Need(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) [[unlikely]] {
      ok_ = false;
      return false;
    }
    return true;
  }

  ByteView data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace oxbow
