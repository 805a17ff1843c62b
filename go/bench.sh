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
# Each round takes, for every pair, one C++ sample (bench/capi/bench_capi.cpp,
# ~19,000 tickets) and right after it one Go sample (go test -bench, as many
# tickets), so both sides of a pair see nearly the same machine load. Printed:
# each side's median and minimum, the median of the per-round ratios Go/C++,
# and the ratio of the minimums (the least disturbed samples). Targets: single
# calls <= 1.3, batches <= 1.1. GOMAXPROCS is passed through.
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
# As in run_tests.sh: Go's cache must not reuse a build against another library.
export GOCACHE=$build/go-cache
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$here/tinyticket" && go test -c -o "$out/tinyticket.test" .)

models=()
for m in shipped:"$src/models/tiny_ticket-default-v4.json" reference:"$shared/compat/tickets-inf/model.json"; do
  if [ -f "${m#*:}" ]; then models+=("$m"); else echo "bench.sh: ${m#*:} absent, ${m%%:*} skipped"; fi
done
echo "$(go version | cut -d' ' -f3), GOMAXPROCS=${GOMAXPROCS:-$(nproc)},$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

cpp() { # model-name model-path measures...
  "$build/c/tiny_ticket_c_bench" "$2" "$texts" 1 6 "$3" | grep -v '^#' | sed "s/^/$1 /" >>"$out/cpp.txt"
}
gob() { # benchmark-regex benchtime
  (cd "$here/tinyticket" && "$out/tinyticket.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" \
    -test.count 1) | grep '^Benchmark' >>"$out/go.txt" || true
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds"
  for m in "${models[@]}"; do
    name=${m%%:*} path=${m#*:}
    # Go samples: 20,000 tickets a Predict sample, 6 batches of all texts a
    # PredictBatch sample; C++: 6 passes over the texts.
    cpp "$name" "$path" cpp_predict,c_predict_into,c_predict_accessors
    gob "^BenchmarkPredict\$/^$name\$/^(serial|into)\$" 20000x
    cpp "$name" "$path" cpp_predict_batch_t1,c_predict_batch_into_t1
    gob "^BenchmarkPredictBatch\$/^$name\$/^threads=1\$" 6x
    cpp "$name" "$path" cpp_predict_batch_t2,c_predict_batch_into_t2
    gob "^BenchmarkPredictBatch\$/^$name\$/^threads=2\$" 6x
    gob "^BenchmarkPredict\$/^$name\$/^parallel\$" 20000x
    gob "^BenchmarkWorkspace\$/^$name\$/" 20000x
  done
  cpp shipped "${models[0]#*:}" c_noop
  gob '^BenchmarkCgoNoop$' 2000000x
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
    if len(f) >= 3: cpp.setdefault((f[0], f[1]), []).append(float(f[2]))
med = statistics.median
print("\n== ns per ticket over %d rounds: median (min); ratio = median of per-round Go/C++ (ratio of mins)"
      % max(len(v) for v in go.values()))
print(f"{'model':9} {'Go':26} {'C++':24} {'Go':>15} {'C++':>15} {'Go/C++':>13}")
def cell(v): return f"{med(v):7.1f} ({min(v):5.0f})" if v else ""
def row(model, glabel, gkey, clabel="", ckey="", cmodel=None):
    g, c = go.get(gkey, []), cpp.get((cmodel or model, ckey), [])
    if not g and not c: return
    ratio = ""
    if g and c:
        ratio = f"{med([a / b for a, b in zip(g, c)]):5.2f} ({min(g) / min(c):4.2f})"
    print(f"{model:9} {glabel:26} {clabel:24} {cell(g):>15} {cell(c):>15} {ratio:>13}")
for model in ("shipped", "reference"):
    row(model, "Predict", f"Predict/{model}/serial", "predict(text, ws)", "cpp_predict")
    row(model, "PredictInto", f"Predict/{model}/into", "predict(text, ws)", "cpp_predict")
    row(model, "Predict", f"Predict/{model}/serial", "C: tt_predict_into", "c_predict_into")
    row(model, "", "", "C: tt_predict+accessors", "c_predict_accessors")
    row(model, "PredictBatch, 1 thread", f"PredictBatch/{model}/threads=1", "predict_batch(v, 1)", "cpp_predict_batch_t1")
    row(model, "PredictBatch, 1 thread", f"PredictBatch/{model}/threads=1", "C: batch_into, 1 thread", "c_predict_batch_into_t1")
    row(model, "PredictBatch, 2 threads", f"PredictBatch/{model}/threads=2", "predict_batch(v, 2)", "cpp_predict_batch_t2")
    row(model, "PredictBatch, 2 threads", f"PredictBatch/{model}/threads=2", "C: batch_into, 2 threads", "c_predict_batch_into_t2")
    row(model, "Predict, RunParallel", f"Predict/{model}/parallel")
    for ws in ("thread_local", "sync_pool", "per_call"):
        row(model, f"RunParallel, ws {ws}", f"Workspace/{model}/{ws}")
row("-", "cgo call (tt_noop)", "CgoNoop", "C call (tt_noop)", "c_noop", "shipped")
PY
