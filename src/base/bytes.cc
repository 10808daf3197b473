#include "base/bytes.h"

#include "base/varint.h"

namespace oxbow {

void ByteBuffer::AppendBE16(uint16_t v) {
  uint8_t b[2];
  StoreBE16(b, v);
  Append(ByteView(b, 2));
}

void ByteBuffer::AppendBE32(uint32_t v) {
  uint8_t b[4];
  StoreBE32(b, v);
  Append(ByteView(b, 4));
}

void ByteBuffer::AppendBE64(uint64_t v) {
  uint8_t b[8];
  StoreBE64(b, v);
  Append(ByteView(b, 8));
}

void ByteBuffer::AppendUvarint(uint64_t v) {
  uint8_t b[kMaxVarint64Bytes];
  Append(ByteView(b, PutUvarint64(b, v)));
}

void ByteBuffer::AppendVarint(int32_t v) { AppendUvarint(ZigZagEncode32(v)); }
void ByteBuffer::AppendVarlong(int64_t v) { AppendUvarint(ZigZagEncode64(v)); }

int8_t ByteReader::ReadInt8() {
  if (!Need(1)) return 0;
  return static_cast<int8_t>(data_[pos_++]);
}

int16_t ByteReader::ReadBE16() {
  if (!Need(2)) return 0;
  uint16_t v = LoadBE16(data_.data() + pos_);
  pos_ += 2;
  return static_cast<int16_t>(v);
}

int32_t ByteReader::ReadBE32() {
  if (!Need(4)) return 0;
  uint32_t v = LoadBE32(data_.data() + pos_);
  pos_ += 4;
  return static_cast<int32_t>(v);
}

int64_t ByteReader::ReadBE64() {
  if (!Need(8)) return 0;
  uint64_t v = LoadBE64(data_.data() + pos_);
  pos_ += 8;
  return static_cast<int64_t>(v);
}

uint64_t ByteReader::ReadUvarint() {
  if (!ok_) return 0;
  // Most varints of a record (lengths, deltas) are one or two bytes.
  if (pos_ < data_.size() && data_[pos_] < 0x80) return data_[pos_++];
  if (pos_ + 1 < data_.size() && data_[pos_ + 1] < 0x80) {
    uint64_t v = (data_[pos_] & 0x7fu) | (uint64_t{data_[pos_ + 1]} << 7);
    pos_ += 2;
    return v;
  }
  uint64_t v = 0;
  const uint8_t* p = data_.data() + pos_;
  size_t n = GetUvarint64(p, data_.data() + data_.size(), &v);
  if (n == 0) {
    ok_ = false;
    return 0;
  }
  pos_ += n;
  return v;
}

int32_t ByteReader::ReadVarint() {
  if (!ok_) return 0;
  if (pos_ < data_.size() && data_[pos_] < 0x80) {
    return ZigZagDecode32(static_cast<uint32_t>(data_[pos_++]));
  }
  if (pos_ + 1 < data_.size() && data_[pos_ + 1] < 0x80) {
    uint32_t v = (data_[pos_] & 0x7fu) | (uint32_t{data_[pos_ + 1]} << 7);
    pos_ += 2;
    return ZigZagDecode32(v);
  }
  uint64_t v = 0;
  const uint8_t* p = data_.data() + pos_;
  size_t n = GetUvarint64(p, data_.data() + data_.size(), &v, kMaxVarint32Bytes);
  if (n == 0 || v > UINT32_MAX) {
    ok_ = false;
    return 0;
  }
  pos_ += n;
  return ZigZagDecode32(static_cast<uint32_t>(v));
}

int64_t ByteReader::ReadVarlong() { return ZigZagDecode64(ReadUvarint()); }

ByteView ByteReader::ReadBytes(size_t n) {
  if (!Need(n)) return {};
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

}  // namespace oxbow
