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
for m in shipped:"$src/models/tiny_ticket-default-v6.json" reference:"$shared/compat/tickets-inf/model.json"; do
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
    gob "^BenchmarkWrapper\$/^$name\$/^(c_predict_into|Predict|PredictInto)\$" 20000x
    gob "^BenchmarkWrapper\$/^$name\$/^(c_batch_into_t1|PredictBatch_t1|PredictBatchInto_t1)\$" 6x
    gob "^BenchmarkPredict\$/^$name\$/^parallel\$" 20000x
    gob "^BenchmarkWorkspace\$/^$name\$/" 20000x
  done
  cpp shipped "${models[0]#*:}" c_noop
  gob '^BenchmarkCgoNoop$' 2000000x
done

python3 - "$out" <<'PY'
import re, statistics, sys, os
out = sys.argv[1]
med = statistics.median
# wall[name] / cpu[name]: per-round samples, ns per ticket
gw, gc, cw, cc = {}, {}, {}, {}
for line in open(os.path.join(out, "go.txt")):
    m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)", line)
    if not m: continue
    t = re.search(r"([\d.]+) ns/ticket", m.group(4))
    gw.setdefault(m.group(1), []).append(float(t.group(1)) if t else float(m.group(3)))
    u = re.search(r"([\d.]+) cpu-ns/ticket", m.group(4))
    if u: gc.setdefault(m.group(1), []).append(float(u.group(1)))
for line in open(os.path.join(out, "cpp.txt")):
    f = line.split()
    if len(f) >= 5:
        cw.setdefault((f[0], f[1]), []).append(float(f[2]))
        cc.setdefault((f[0], f[1]), []).append(float(f[4]))
rounds = max(len(v) for v in gw.values())

def table(title, go, cpp, pairs):
    print(f"\n== {title}, ns per ticket, {rounds} rounds: median (min); Go/C++ = median of per-round ratios")
    print(f"{'model':9} {'Go':24} {'C++ / C':26} {'Go':>15} {'C++ / C':>15} {'Go/C++':>7}")
    for model, glabel, gkey, clabel, ckey in pairs:
        g, c = go.get(gkey, []), cpp.get(ckey, []) if isinstance(cpp, dict) else []
        if not g and not c: continue
        cell = lambda v: f"{med(v):7.0f} ({min(v):5.0f})" if v else ""
        ratio = f"{med([a / b for a, b in zip(g, c)]):7.2f}" if g and c else ""
        print(f"{model:9} {glabel:24} {clabel:26} {cell(g):>15} {cell(c):>15} {ratio:>7}")

pairs = []
for m in ("shipped", "reference"):
    pairs += [(m, "Predict", f"Predict/{m}/serial", "C++ predict(text, ws)", (m, "cpp_predict")),
              (m, "PredictInto", f"Predict/{m}/into", "C++ predict(text, ws)", (m, "cpp_predict")),
              (m, "Predict", f"Predict/{m}/serial", "C tt_predict_into", (m, "c_predict_into")),
              (m, "PredictBatch, 1 thread", f"PredictBatch/{m}/threads=1", "C++ predict_batch(v, 1)", (m, "cpp_predict_batch_t1")),
              (m, "PredictBatch, 1 thread", f"PredictBatch/{m}/threads=1", "C tt_predict_batch_into", (m, "c_predict_batch_into_t1")),
              (m, "PredictBatchInto, 1 th.", f"Wrapper/{m}/PredictBatchInto_t1", "C++ predict_batch(v, 1)", (m, "cpp_predict_batch_t1")),
              (m, "PredictBatchInto, 1 th.", f"Wrapper/{m}/PredictBatchInto_t1", "C tt_predict_batch_into", (m, "c_predict_batch_into_t1")),
              (m, "PredictBatch, 2 threads", f"PredictBatch/{m}/threads=2", "C++ predict_batch(v, 2)", (m, "cpp_predict_batch_t2")),
              (m, "PredictBatch, 2 threads", f"PredictBatch/{m}/threads=2", "C tt_predict_batch_into", (m, "c_predict_batch_into_t2"))]
pairs.append(("-", "cgo call (tt_noop)", "CgoNoop", "C call (tt_noop)", ("shipped", "c_noop")))
table("wall time", gw, cw, pairs)
table("CPU time (process, all threads)", gc, cc, [p for p in pairs if p[2] != "CgoNoop"])

# The same process, back to back: the bare cgo call against the method.
wp = []
for m in ("shipped", "reference"):
    wp += [(m, f"Wrapper/{m}/Predict", f"Wrapper/{m}/c_predict_into"),
           (m, f"Wrapper/{m}/PredictInto", f"Wrapper/{m}/c_predict_into"),
           (m, f"Wrapper/{m}/PredictBatch_t1", f"Wrapper/{m}/c_batch_into_t1"),
           (m, f"Wrapper/{m}/PredictBatchInto_t1", f"Wrapper/{m}/c_batch_into_t1")]
print("\n== Go wrapper vs the bare cgo call in the same process (wall, CPU): median; ratio = median of per-round ratios")
for m, a, b in wp:
    for name, d in (("wall", gw), ("CPU", gc)):
        x, y = d.get(a, []), d.get(b, [])
        if x and y:
            print(f"{m:9} {a.split('/')[-1]:19} vs {b.split('/')[-1]:16} {name:4} {med(x):7.0f} {med(y):7.0f}"
                  f" {med([p / q for p, q in zip(x, y)]):6.2f}")
print("\n== Go only (wall): RunParallel over GOMAXPROCS goroutines, by workspace source")
for m in ("shipped", "reference"):
    for k in (f"Predict/{m}/parallel", f"Workspace/{m}/thread_local", f"Workspace/{m}/sync_pool", f"Workspace/{m}/per_call"):
        if k in gw: print(f"{m:9} {k.split('/', 2)[0] + ' ' + k.split('/')[-1]:26} {med(gw[k]):7.0f} ({min(gw[k]):5.0f})")
PY
