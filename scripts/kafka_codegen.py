#!/usr/bin/env python3
"""Generates the Kafka message codecs from src/kafka/protocol/messages.spec.

    kafka_codegen.py SPEC OUT_DIR     writes OUT_DIR/messages.h and OUT_DIR/messages.cc

The spec format is described at the top of messages.spec. Each message becomes a struct
with its fields (nested structs for arrays of structs), a Decode(ByteReader&, version) that
rejects malformed input with a Status, and an Encode(ByteBuffer&, version). Wire helpers
live in src/kafka/protocol/wire.h (hand-written).
"""
import re
import sys

PRIMITIVES = {
    "bool": ("bool", "Bool"),
    "int8": ("int8_t", "Int8"),
    "int16": ("int16_t", "Int16"),
    "int32": ("int32_t", "Int32"),
    "int64": ("int64_t", "Int64"),
    "uuid": ("Uuid", "Uuid"),
    "string": ("std::string", "String"),
    "bytes": ("ByteView", "Bytes"),
    "records": ("Records", "Records"),
}


class SpecError(Exception):
    pass


def parse_versions(text, lo, hi, where):
    if text == "all":
        return (lo, hi)
    if text == "none":
        return None
    m = re.fullmatch(r"(\d+)\+", text)
    if m:
        return (int(m.group(1)), hi)
    m = re.fullmatch(r"(\d+)-(\d+)", text)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d+)", text)
    if m:
        return (int(m.group(1)), int(m.group(1)))
    raise SpecError(f"{where}: bad versions '{text}'")


class Field:
    def __init__(self, name, typ, versions, nullable, default, children, struct_name):
        self.name = name
        self.typ = typ  # primitive name, or "[]" for struct arrays, or "[prim]"
        self.versions = versions
        self.nullable = nullable  # (lo, hi) or None
        self.default = default
        self.children = children
        self.struct_name = struct_name


class Message:
    def __init__(self, name, api_key, kind, lo, hi, flexible):
        self.name, self.api_key, self.kind = name, api_key, kind
        self.lo, self.hi, self.flexible = lo, hi, flexible
        self.fields = []


def parse(path):
    messages = []
    lines = open(path).read().splitlines()
    stack = []  # (indent, list of fields)
    msg = None
    for n, raw in enumerate(lines, 1):
        where = f"{path}:{n}"
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        words = line.split()
        if indent == 0:
            if words[0] != "message" or len(words) != 6:
                raise SpecError(f"{where}: expected 'message Name key kind versions= flexible='")
            _, name, key, kind, vers, flex = words
            m = re.fullmatch(r"versions=(\d+)-(\d+)", vers)
            if not m or kind not in ("request", "response"):
                raise SpecError(f"{where}: bad message line")
            lo, hi = int(m.group(1)), int(m.group(2))
            fm = re.fullmatch(r"flexible=(?:(\d+)\+|none)", flex)
            if not fm:
                raise SpecError(f"{where}: bad flexible=")
            flexible = int(fm.group(1)) if fm.group(1) else -1
            msg = Message(name, int(key), kind, lo, hi, flexible)
            messages.append(msg)
            stack = [(0, msg.fields)]
            continue
        if msg is None:
            raise SpecError(f"{where}: field outside a message")
        while stack and indent <= stack[-1][0] and len(stack) > 1:
            stack.pop()
        if indent != stack[-1][0] + 2 and not (len(stack) == 1 and indent == 2):
            raise SpecError(f"{where}: bad indentation")
        if len(words) < 3:
            raise SpecError(f"{where}: expected 'name type versions'")
        name, typ, vers = words[0], words[1], words[2]
        attrs = dict(w.split("=", 1) for w in words[3:])
        nullable = None
        if typ.endswith("?"):
            typ = typ[:-1]
            nullable = "same"
        versions = parse_versions(vers, msg.lo, msg.hi, where)
        if "nullable" in attrs:
            nullable = parse_versions(attrs["nullable"], msg.lo, msg.hi, where)
        elif nullable == "same":
            nullable = versions
        struct_name = None
        if typ.startswith("[]"):
            struct_name = typ[2:]
            typ = "[]"
        elif typ.startswith("[") and typ.endswith("]"):
            if typ[1:-1] not in PRIMITIVES:
                raise SpecError(f"{where}: unknown array element type {typ}")
        elif typ not in PRIMITIVES:
            raise SpecError(f"{where}: unknown type {typ}")
        field = Field(name, typ, versions, nullable, attrs.get("default"), [], struct_name)
        stack[-1][1].append(field)
        if typ == "[]":
            stack.append((indent, field.children))
    return messages


def cpp_type(f):
    if f.typ == "[]":
        base = f"std::vector<{f.struct_name}>"
    elif f.typ.startswith("["):
        base = f"std::vector<{PRIMITIVES[f.typ[1:-1]][0]}>"
    else:
        base = PRIMITIVES[f.typ][0]
    return f"std::optional<{base}>" if f.nullable else base


def default_init(f):
    if f.default is None:
        if f.typ in ("bool",):
            return "false"
        if f.typ.startswith("int"):
            return "0"
        return None
    if f.default in ("true", "false"):
        return f.default
    return f.default


def has_views(fields):
    return any(f.typ in ("bytes", "records") or (f.typ == "[]" and has_views(f.children))
               for f in fields)


def elem_fn(f):
    # Strings have overloaded readers; arrays of them go through a distinct name.
    t = f.typ[1:-1]
    return "StringElem" if t == "string" else PRIMITIVES[t][1]


def version_cond(vr, var="version"):
    lo, hi = vr
    parts = []
    parts.append(f"{var} >= {lo}")
    parts.append(f"{var} <= {hi}")
    return " && ".join(parts)


def emit_struct_decl(out, name, fields, indent, msg=None):
    pad = " " * indent
    out.append(f"{pad}struct {name} {{")
    if msg:
        out.append(f"{pad}  static constexpr int16_t kApiKey = {msg.api_key};")
        out.append(f"{pad}  static constexpr int16_t kMinVersion = {msg.lo};")
        out.append(f"{pad}  static constexpr int16_t kMaxVersion = {msg.hi};")
        out.append(f"{pad}  // -1: no version of this message is flexible.")
        out.append(f"{pad}  static constexpr int16_t kFirstFlexibleVersion = {msg.flexible};")
        out.append("")
    for f in fields:
        if f.typ == "[]":
            emit_struct_decl(out, f.struct_name, f.children, indent + 2)
    for f in fields:
        d = default_init(f)
        init = f" = {d}" if d is not None and not f.nullable else ""
        lo, hi = f.versions
        out.append(f"{pad}  {cpp_type(f)} {f.name}{init};  // versions {lo}-{hi}")
    out.append("")
    if not has_views(fields):
        # Byte views (records) have no meaningful equality; structs holding them get none.
        out.append(f"{pad}  bool operator==(const {name}&) const = default;")
    out.append(f"{pad}  // Reads this structure for `version`; DataLoss on malformed or truncated input.")
    out.append(f"{pad}  Status Decode(ByteReader& in, int16_t version, bool flexible);")
    out.append(f"{pad}  void Encode(ByteBuffer& out, int16_t version, bool flexible) const;")
    if msg:
        out.append(f"{pad}  Status Decode(ByteReader& in, int16_t version) {{")
        out.append(f"{pad}    return Decode(in, version, kFirstFlexibleVersion >= 0 && version >= kFirstFlexibleVersion);")
        out.append(f"{pad}  }}")
        out.append(f"{pad}  void Encode(ByteBuffer& out, int16_t version) const {{")
        out.append(f"{pad}    Encode(out, version, kFirstFlexibleVersion >= 0 && version >= kFirstFlexibleVersion);")
        out.append(f"{pad}  }}")
    out.append(f"{pad}}};")
    out.append("")


def emit_struct_defs(out, qual, fields):
    for f in fields:
        if f.typ == "[]":
            emit_struct_defs(out, f"{qual}::{f.struct_name}", f.children)
    out.append(f"Status {qual}::Decode(ByteReader& in, int16_t version, bool flexible) {{")
    for f in fields:
        out.append(f"  if ({version_cond(f.versions)}) {{")
        nullable = f"(version >= {f.nullable[0]} && version <= {f.nullable[1]})" if f.nullable else "false"
        if f.typ == "[]":
            out.append(f"    RETURN_IF_ERROR(wire::ReadStructArray(in, flexible, {nullable}, version, &{f.name}, \"{f.name}\"));")
        elif f.typ.startswith("["):
            elem = elem_fn(f)
            out.append(f"    RETURN_IF_ERROR(wire::ReadArray<&wire::Read{elem}>(in, flexible, {nullable}, &{f.name}, \"{f.name}\"));")
        else:
            fn = PRIMITIVES[f.typ][1]
            if f.typ in ("string", "bytes", "records"):
                out.append(f"    RETURN_IF_ERROR(wire::Read{fn}(in, flexible, {nullable}, &{f.name}, \"{f.name}\"));")
            else:
                out.append(f"    RETURN_IF_ERROR(wire::Read{fn}(in, &{f.name}, \"{f.name}\"));")
        out.append("  }")
    out.append("  if (flexible) RETURN_IF_ERROR(wire::SkipTaggedFields(in));")
    out.append("  return absl::OkStatus();")
    out.append("}")
    out.append("")
    out.append(f"void {qual}::Encode(ByteBuffer& out, int16_t version, bool flexible) const {{")
    for f in fields:
        out.append(f"  if ({version_cond(f.versions)}) {{")
        if f.typ == "[]":
            out.append(f"    wire::WriteStructArray(out, flexible, version, {f.name});")
        elif f.typ.startswith("["):
            elem = elem_fn(f)
            out.append(f"    wire::WriteArray<&wire::Write{elem}>(out, flexible, {f.name});")
        else:
            fn = PRIMITIVES[f.typ][1]
            if f.typ in ("string", "bytes", "records"):
                out.append(f"    wire::Write{fn}(out, flexible, {f.name});")
            else:
                out.append(f"    wire::Write{fn}(out, {f.name});")
        out.append("  }")
    out.append("  if (flexible) wire::WriteEmptyTaggedFields(out);")
    out.append("}")
    out.append("")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    spec, out_dir = sys.argv[1], sys.argv[2]
    try:
        messages = parse(spec)
    except SpecError as e:
        print(f"kafka_codegen: {e}", file=sys.stderr)
        sys.exit(1)
    banner = f"// GENERATED by scripts/kafka_codegen.py from src/kafka/protocol/messages.spec. Do not edit.\n"
    h = [banner, "#pragma once", "", "#include <cstdint>", "#include <optional>",
         "#include <string>", "#include <vector>", "", '#include "kafka/protocol/wire.h"', "",
         "namespace oxbow::kafka::protocol {", ""]
    for m in messages:
        emit_struct_decl(h, m.name, m.fields, 0, m)
    h.append("}  // namespace oxbow::kafka::protocol")
    cc = [banner, '#include "kafka/protocol/messages.h"', "", "namespace oxbow::kafka::protocol {", ""]
    for m in messages:
        emit_struct_defs(cc, m.name, m.fields)
    cc.append("}  // namespace oxbow::kafka::protocol")
    open(f"{out_dir}/messages.h", "w").write("\n".join(h) + "\n")
    open(f"{out_dir}/messages.cc", "w").write("\n".join(cc) + "\n")


if __name__ == "__main__":
    main()
