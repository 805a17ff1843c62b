#!/usr/bin/env bash
# Go package vs C++ on the same texts, same machine, same run:
#
#   go/bench.sh [BUILD_DIR] [ROUNDS]
#
# BUILD_DIR: a Release CMake build of this checkout (default: build); the
# script builds tiny_ticket_c and tiny_ticket_c_bench in it. Texts: the 3,154
# tickets of ../shared/compat/tickets-inf/golden.jsonl (exit 77 without them),
# on the shipped model and the reference artifact.
#
# ROUNDS (default 10) alternate the C++ program and the Go benchmarks, one
# sample each (~19,000 tickets), so both see the same machine load; printed
# are the medians of each side and the median of the per-round ratios Go/C++
# (targets: single calls <= 1.3, batches <= 1.1). The paired ratio is the
# figure to trust on a shared, busy machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
rounds=${2:-10}
shared=${TINY_TICKET_SHARED_DIR:-$src/../shared}
texts=$shared/compat/tickets-inf/golden.jsonl
[ -f "$texts" ] || { echo "bench.sh: $texts absent, nothing to measure"; exit 77; }
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$build/CMakeCache.txt" ||
  echo "bench.sh: warning: $build is not a Release build"

cmake --build "$build" --target tiny_ticket_c tiny_ticket_c_bench >/dev/null
export PKG_CONFIG_PATH="$build/c/pkgconfig-uninstalled" CGO_ENABLED=1 GOTOOLCHAIN=local TINY_TICKET_SHARED_DIR=$shared
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$here/tinyticket" && go test -c -o "$out/tinyticket.test" .)

models=()
for m in shipped:"$src/models/tiny_ticket-default-v4.json" reference:"$shared/compat/tickets-inf/model.json"; do
  if [ -f "${m#*:}" ]; then models+=("$m"); else echo "bench.sh: ${m#*:} absent, ${m%%:*} skipped"; fi
done
echo "go: $(go version | cut -d' ' -f3), GOMAXPROCS $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r/$rounds"
  for m in "${models[@]}"; do
    "$build/c/tiny_ticket_c_bench" "${m#*:}" "$texts" 1 6 | sed "s/^/${m%%:*} /" >>"$out/cpp.txt"
  done
  # Go ns/op: per ticket for Predict (20,000 tickets a sample), per batch of
  # all texts for PredictBatch (6 batches a sample, as the C++ side).
  (cd "$here/tinyticket" &&
    "$out/tinyticket.test" -test.run '^$' -test.bench '^Benchmark(Predict|Workspace|CgoNoop)$' \
      -test.benchtime 20000x -test.count 1 &&
    "$out/tinyticket.test" -test.run '^$' -test.bench '^BenchmarkPredictBatch$' -test.benchtime 6x -test.count 1) |
    grep '^Benchmark' >>"$out/go.txt"
done

python3 - "$out" <<'PY'
import re, statistics, sys, os
out = sys.argv[1]
go, cpp = {}, {}
for line in open(os.path.join(out, "go.txt")):
    m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)", line)
    if not m: continue
    t = re.search(r"([\d.]+) ns/ticket", m.group(4))
    go.setdefault(m.group(1), []).append(float(t.group(1)) if t else float(m.group(3)))
for line in open(os.path.join(out, "cpp.txt")):
    f = line.split()
    if len(f) >= 3 and f[1] != "#":
        cpp.setdefault((f[0], f[1]), []).append(float(f[2]))
med = statistics.median
print("\n== medians over %d rounds, ns per ticket" % max(len(v) for v in go.values()))
print(f"{'model':9} {'Go':32} {'vs C++':26} {'Go':>8} {'C++':>8} {'Go/C++':>7}")
def row(model, glabel, gkey, clabel, ckey, cmodel=None):
    g, c = go.get(gkey), cpp.get((cmodel or model, ckey))
    if not g: return
    if not c:
        print(f"{model:9} {glabel:32} {'':26} {med(g):8.1f}")
        return
    ratios = [a / b for a, b in zip(g, c)]
    print(f"{model:9} {glabel:32} {clabel:26} {med(g):8.1f} {med(c):8.1f} {med(ratios):7.2f}")
for model in ("shipped", "reference"):
    row(model, "Predict, 1 goroutine", f"Predict/{model}/serial", "predict(text, ws)", "cpp_predict")
    row(model, "Predict, 1 goroutine", f"Predict/{model}/serial", "C: tt_predict_into", "c_predict_into")
    row(model, "PredictBatch, 1 thread", f"PredictBatch/{model}/threads=1", "predict_batch(texts, 1)", "cpp_predict_batch_t1")
    row(model, "PredictBatch, 1 thread", f"PredictBatch/{model}/threads=1", "C: tt_predict_batch_into", "c_predict_batch_into_t1")
    row(model, "PredictBatch, 2 threads", f"PredictBatch/{model}/threads=2", "predict_batch(texts, 2)", "cpp_predict_batch_t2")
    row(model, "PredictBatch, 2 threads", f"PredictBatch/{model}/threads=2", "C: tt_predict_batch_into", "c_predict_batch_into_t2")
    row(model, "Predict, RunParallel", f"Predict/{model}/parallel", "", "")
    for ws in ("thread_local", "sync_pool", "per_call"):
        row(model, f"workspace: {ws} (parallel)", f"Workspace/{model}/{ws}", "", "")
    c = cpp.get((model, "c_predict_accessors"))
    if c: print(f"{model:9} {'':32} {'C: tt_predict + accessors':26} {'':8} {med(c):8.1f}")
row("-", "cgo call (tt_noop)", "CgoNoop", "C call (tt_noop)", "c_noop", "shipped")
PY
