#!/usr/bin/env bash
# Fails when a C++ file under src/, tests/ or bench/ differs from what clang-format (with
# the root .clang-format) would write. Fix with `make format`.
#   scripts/check-format.sh [CLANG_FORMAT]
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${1:-clang-format}
mapfile -t files < <(find src tests bench \( -name '*.h' -o -name '*.cc' \) -not -path '*/node_modules/*' | sort)
if ! "$clang_format" --dry-run --Werror "${files[@]}"; then
  echo "formatting differs from .clang-format in the files above: run 'make format'" >&2
  exit 1
fi
echo "${#files[@]} files formatted as .clang-format says"
