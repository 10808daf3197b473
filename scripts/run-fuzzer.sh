#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time, starting from the checked-in seeds.
#
#   scripts/run-fuzzer.sh FUZZER SECONDS WORKDIR SEED_DIR
#
# FUZZER   the fuzzer binary from a build configured with -DOXBOW_FUZZ=ON (clang)
# WORKDIR  the working corpus; it keeps growing across runs. Crash inputs go to
#          WORKDIR.artifacts/ (not into the corpus, which would re-crash every later run).
# Exit status: 0 when nothing was found, 1 for a finding (crash, leak, timeout), or 77
# (CTest's SKIP_RETURN_CODE) when the fuzzer binary has not been built, so `ctest` reports
# the test as skipped, not passed.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 FUZZER SECONDS WORKDIR SEED_DIR" >&2
  exit 2
fi
fuzzer=$1 seconds=$2 work=$3 seeds=$4

if [[ ! -x $fuzzer ]]; then
  echo "SKIPPED: libFuzzer build missing at $fuzzer" \
       "(CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DOXBOW_FUZZ=ON" \
       "&& cmake --build build-fuzz)"
  exit 77
fi

mkdir -p "$work" "$work.artifacts"
if [[ -d $seeds ]]; then
  find "$seeds" -maxdepth 1 -type f -exec cp {} "$work"/ \;
fi
# libFuzzer reports a finding with exit status 77 by default — CTest's "skipped": a crash
# must fail the test.
exec "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -error_exitcode=1 \
  -timeout_exitcode=1 -artifact_prefix="$work.artifacts/" "$work"
