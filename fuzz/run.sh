#!/usr/bin/env bash
# Builds every fuzz target with libFuzzer + ASan + UBSan and runs each for a
# bounded time on a seed corpus generated from the project's own fixtures.
# Exits non-zero if any target finds a crash, leak, timeout or oversized
# allocation (reproducers are kept under $FUZZ_BUILD_DIR/crashes/<target>/).
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]
# Environment: CXX (default clang++), FUZZ_BUILD_DIR (default build-fuzz in
# the repository), TINY_TICKET_FUZZ_MODEL (a reference-format artifact the
# predict target also classifies with; defaults to the shared test data when
# present), FUZZ_JOBS (parallel compile jobs, default 2).
set -uo pipefail

seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${FUZZ_BUILD_DIR:-$repo/build-fuzz}
cxx=${CXX:-clang++}
jobs=${FUZZ_JOBS:-2}
if [ -z "${TINY_TICKET_FUZZ_MODEL:-}" ] && [ -f "$repo/../shared/compat/tickets-inf/model.json" ]; then
  export TINY_TICKET_FUZZ_MODEL="$repo/../shared/compat/tickets-inf/model.json"
fi

flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
       -I"$repo/include" -I"$repo/train/include" -I"$repo/tests" -I"$here" -Wall -Wextra)
mkdir -p "$build"

# Targets: fuzz_<name>.cpp; the data-reader target only exists once the
# training readers do.
mapfile -t all < <(cd "$here" && ls fuzz_*.cpp | sed 's/\.cpp$//')
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

echo "== building seed generator and ${#targets[@]} targets in $build"
$cxx "${flags[@]}" "$here/make_seeds.cpp" -o "$build/make_seeds" || exit 1
rm -rf "$build/seeds"
"$build/make_seeds" "$build/seeds" "$repo/examples/data/tickets.txt" || exit 1

pids=()
for t in "${targets[@]}"; do
  $cxx "${flags[@]}" -fsanitize=fuzzer "$here/$t.cpp" -o "$build/$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done

status=0
summary=()
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  corpus="$build/corpus/$name"
  crashes="$build/crashes/$name"
  mkdir -p "$corpus" "$crashes" "$build/seeds/$name"
  opts=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024
        -print_final_stats=1 -artifact_prefix="$crashes/")
  case $name in
    predict) opts+=(-max_len=65536) ;;
    load) opts+=(-max_len=16384 -dict="$here/artifact.dict") ;;
    *) opts+=(-max_len=4096) ;;
  esac
  echo "== $name: ${seconds}s"
  log="$build/$name.log"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/$t" "${opts[@]}" "$corpus" "$build/seeds/$name" >"$log" 2>&1
  rc=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  corpus_size=$(ls "$corpus" | wc -l)
  if [ $rc -ne 0 ]; then
    status=1
    echo "!! $name FAILED (exit $rc), see $log and $crashes"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant|.*runtime error)' "$log" | head -5
  fi
  summary+=("$(printf '%-18s exit=%-3s executions=%-10s corpus=%s' "$name" "$rc" "${runs:-?}" "$corpus_size")")
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit $status
