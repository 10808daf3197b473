// Strong types for the numbers that must not be mixed up. An Offset cannot be passed where
// a PartitionId is expected, and neither silently converts to an integer: `.value()` is the
// explicit way out, at protocol and storage edges.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>

#include "fmt/format.h"

namespace oxbow {

template <typename Tag, typename T>
class StrongInt {
 public:
  using ValueType = T;

  constexpr StrongInt() = default;
  constexpr explicit StrongInt(T v) : value_(v) {}

  constexpr T value() const { return value_; }

  static constexpr StrongInt Min() { return StrongInt(std::numeric_limits<T>::min()); }
  static constexpr StrongInt Max() { return StrongInt(std::numeric_limits<T>::max()); }

  constexpr auto operator<=>(const StrongInt&) const = default;

  // Offsets and sequences advance by counts; the difference of two is a count.
  constexpr StrongInt operator+(T delta) const { return StrongInt(value_ + delta); }
  constexpr StrongInt operator-(T delta) const { return StrongInt(value_ - delta); }
  constexpr T operator-(StrongInt other) const { return value_ - other.value_; }
  constexpr StrongInt& operator+=(T delta) {
    value_ += delta;
    return *this;
  }
  constexpr StrongInt& operator++() {
    ++value_;
    return *this;
  }

  template <typename H>
  friend H AbslHashValue(H h, StrongInt v) {
    return H::combine(std::move(h), v.value_);
  }
  friend std::ostream& operator<<(std::ostream& os, StrongInt v) { return os << +v.value_; }

 private:
  T value_ = 0;
};

// Position of a record in a partition. Kafka offsets are int64 and start at 0.
using Offset = StrongInt<struct OffsetTag, int64_t>;
using PartitionId = StrongInt<struct PartitionIdTag, int32_t>;
// Partition leader epoch as written in record batch headers.
using LeaderEpoch = StrongInt<struct LeaderEpochTag, int32_t>;
// Idempotent producer identity (InitProducerId) and its fencing epoch.
using ProducerId = StrongInt<struct ProducerIdTag, int64_t>;
using ProducerEpoch = StrongInt<struct ProducerEpochTag, int16_t>;
// Milliseconds since the Unix epoch, as Kafka timestamps are.
using TimestampMs = StrongInt<struct TimestampMsTag, int64_t>;

}  // namespace oxbow

template <typename Tag, typename T>
struct fmt::formatter<oxbow::StrongInt<Tag, T>> : fmt::formatter<int64_t> {
  auto format(oxbow::StrongInt<Tag, T> v, format_context& ctx) const {
    return fmt::formatter<int64_t>::format(static_cast<int64_t>(v.value()), ctx);
  }
};
