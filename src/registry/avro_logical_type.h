// Logical types (spec section "Logical Types"): which logicalType attributes Oxbow
// recognises and on which underlying types.
#pragma once

#include "registry/avro_schema.h"

namespace oxbow::registry {

// Interprets the "logicalType" attribute kept in `node.properties` against the node's type
// (and size, for fixed). Returns kNone when there is no attribute, when it names a logical
// type Avro 1.11 does not define, or when it does not fit: the spec says such a schema is read
// as its underlying type, and the Java library (hence Confluent) ignores it the same way.
//
// Rules: decimal on bytes or fixed with an integer "precision" > 0 and an optional integer
// "scale" in [0, precision] (default 0); on fixed of size n the precision is at most
// floor(log10(2^(8n-1) - 1)). uuid on string; date and time-millis on int; time-micros,
// timestamp-* and local-timestamp-* on long; duration on fixed of size 12.
AvroLogical ResolveAvroLogicalType(const AvroNode& node);

}  // namespace oxbow::registry
