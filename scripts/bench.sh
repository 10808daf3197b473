#!/usr/bin/env bash
# Runs the log benchmarks and prints medians, with dd's bandwidth on the same filesystem as
# the reference for the append target. Used by `make bench`; figures go to docs/benchmarks.md.
#   scripts/bench.sh [BUILD_DIR]     environment: BENCH_DIR (default ./bench-data), RUNS (5)
set -euo pipefail
build=${1:-build}
dir=${BENCH_DIR:-./bench-data}
runs=${RUNS:-5}
bin=$build/bench/log_bench
mkdir -p "$dir"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }

echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | xargs)"
echo "filesystem of $dir: $(df -hT "$dir" | awk 'NR==2 {print $1, $2}')"

dd_mbs=()
append_mbs=()
for i in $(seq "$runs"); do
  out=$(dd if=/dev/zero of="$dir/dd.bin" bs=1M count=2048 conv=fdatasync 2>&1 | tail -1)
  rm -f "$dir/dd.bin"
  # dd prints e.g. "2147483648 bytes (2.1 GB, 2.0 GiB) copied, 2.9 s, 740 MB/s"
  bytes=$(echo "$out" | awk '{print $1}')
  secs=$(echo "$out" | sed -E 's/.*copied, ([0-9.]+) s.*/\1/')
  dd_mbs+=("$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.1f", b/1e6/s}')")
  append_mbs+=("$($bin append --dir "$dir/append" --mib 2048 --batch-kib 64 | field mb_per_s)")
done
rm -rf "$dir/append"
dd_med=$(printf '%s\n' "${dd_mbs[@]}" | median)
ap_med=$(printf '%s\n' "${append_mbs[@]}" | median)
echo "dd 2 GiB conv=fdatasync MB/s:        ${dd_mbs[*]}  median $dd_med"
echo "append 2 GiB, fsync per MiB, MB/s:   ${append_mbs[*]}  median $ap_med  ($(awk -v a="$ap_med" -v d="$dd_med" 'BEGIN {printf "%.0f%%", 100*a/d}') of dd; target >= 70%)"

read_mbs=()
for i in $(seq "$runs"); do
  read_mbs+=("$($bin read --dir "$dir/read" --mib 1024 --max-kib 1024 | field mb_per_s)")
done
rm -rf "$dir/read"
rd_med=$(printf '%s\n' "${read_mbs[@]}" | median)
echo "read 1 GiB by offset, page cache, MB/s: ${read_mbs[*]}  median $rd_med  (target >= 2000)"

rec=()
for i in $(seq "$runs"); do
  rec+=("$($bin recover --dir "$dir/recover" --mib 1024 | field seconds)")
done
rm -rf "$dir/recover"
rc_med=$(printf '%s\n' "${rec[@]}" | median)
echo "recovery of 1 GiB after kill -9, s:   ${rec[*]}  median $rc_med  (target < 1)"

if [[ -x $build/bench/record_batch_bench ]]; then
  $build/bench/record_batch_bench --benchmark_min_time=0.2
fi
