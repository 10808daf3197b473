#!/usr/bin/env bash
# Installs the Debian packages Oxbow needs to build, test and run — only those missing.
#   scripts/install-deps.sh          install what is missing (uses sudo when not root)
#   scripts/install-deps.sh --check  exit 1 and list what is missing, install nothing
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  # libraries (see ARCHITECTURE.md, "Dependencies")
  libboost-dev libabsl-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libssl-dev libre2-dev
  libpg-query-dev protobuf-compiler libprotobuf-dev
  librocksdb-dev libsimdjson-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 kcat librdkafka-dev nodejs curl
  postgresql-client postgresql libpq-dev openjdk-17-jdk-headless libpostgresql-jdbc-java
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ships inside some nodejs builds (e.g. nodesource's) and as Debian's own npm package for
# Debian's nodejs: ask for the package only when the command is missing.
if ! command -v npm >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' npm 2>/dev/null | grep -q "install ok installed"; then
  missing+=(npm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "missing Debian packages: ${missing[*]}"
  exit 1
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
