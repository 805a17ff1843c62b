#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Whole-process bulk classification, side by side in one run:
#   tiny-ticket predict --output labels|compact|full   (every core, the default,
#   and --threads 1)   against
#   fasttext predict  and  fasttext predict-prob ... -1
# on the 3,080 BANKING77 test texts x16 (49,280 lines), both models trained on
# the BANKING77 train split (tiny-ticket train defaults, fastText supervised
# defaults); then the stream filter with --threads 1 against --threads 2.
# Runs are interleaved so both sides see the same machine load; prints the
# best and the median of RUNS runs (wall time, output to /dev/null).
#
# Usage: bench/bulk_vs_fasttext.sh [BUILD_DIR] [SHARED_DIR] [RUNS]
#   BUILD_DIR   a Release build with the tiny-ticket and stream targets (default: build)
#   SHARED_DIR  holds data/banking77/{train,test}.csv (default: ../shared)
#   RUNS        timed runs per command (default 7)
# Needs: python3, fasttext (Debian: apt-get install fasttext).
set -euo pipefail

build=${1:-build} shared=${2:-../shared} runs=${3:-7}
cli=$build/examples/tiny-ticket stream=$build/examples/stream
data=$shared/data/banking77
command -v fasttext >/dev/null || { echo "fasttext not found (Debian: apt-get install fasttext)" >&2; exit 1; }
[[ -x $cli && -x $stream ]] || { echo "build $build lacks examples/tiny-ticket or examples/stream" >&2; exit 1; }
[[ -f $data/train.csv && -f $data/test.csv ]] || { echo "BANKING77 not found under $data" >&2; exit 1; }

work=$build/bench-bulk
mkdir -p "$work"
python3 - "$data" "$work" <<'PY'
import csv, json, sys
data, work = sys.argv[1], sys.argv[2]
def rows(name):
    with open(f"{data}/{name}", newline="", encoding="utf-8") as f:
        return [(" ".join(r["text"].split()), r["category"]) for r in csv.DictReader(f)]
test = rows("test.csv")
with open(f"{work}/ft_train.txt", "w", encoding="utf-8") as f:
    for text, cat in rows("train.csv"):
        f.write(f"__label__{cat} {text}\n")
with open(f"{work}/test_x16.txt", "w", encoding="utf-8") as f, open(f"{work}/test_x16.jsonl", "w", encoding="utf-8") as g:
    n = 0
    for _ in range(16):
        for text, _cat in test:
            n += 1
            f.write(text + "\n")
            g.write(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n")
PY
echo "input: $(wc -l <"$work/test_x16.txt") lines ($(du -k "$work/test_x16.txt" | cut -f1) KB)"

if [[ ! -f $work/tt_model.json ]]; then
    echo "training tiny-ticket on BANKING77 train (defaults) ..."
    "$cli" train --data "$data/train.csv" --out "$work/tt_model.json" >"$work/tt_train.log" 2>&1
fi
if [[ ! -f $work/ft_model.bin ]]; then
    echo "training fastText on BANKING77 train (supervised defaults) ..."
    fasttext supervised -input "$work/ft_train.txt" -output "$work/ft_model" >"$work/ft_train.log" 2>&1
fi
if [[ ! -f $work/tt_model_int8.json ]]; then
    "$cli" quantize "$work/tt_model.json" "$work/tt_model_int8.json" >/dev/null
fi
tt=$work/tt_model.json tt8=$work/tt_model_int8.json ft=$work/ft_model.bin in=$work/test_x16.txt jin=$work/test_x16.jsonl
echo "models: tiny-ticket $(du -k "$tt" | cut -f1) KB (int8: $(du -k "$tt8" | cut -f1) KB), fastText $(du -k "$ft" | cut -f1) KB"

names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "fasttext predict"                     "fasttext predict $ft $in"
add "fasttext predict-prob -1"             "fasttext predict-prob $ft $in -1"
add "tiny-ticket predict --output labels"  "$cli predict --model $tt --output labels < $in"
add "tiny-ticket predict --output compact" "$cli predict --model $tt --output compact < $in"
add "tiny-ticket predict --output full"    "$cli predict --model $tt --output full < $in"
add "tiny-ticket predict --output labels (JSONL in)" "$cli predict --model $tt --output labels < $jin"
add "tiny-ticket predict --text x (model load only)" "$cli predict --model $tt --output labels --text x"
add "tiny-ticket predict --output labels, int8" "$cli predict --model $tt8 --output labels < $in"
add "tiny-ticket predict --output full, int8" "$cli predict --model $tt8 --output full < $in"
add "stream --output full --threads 1"     "$stream --model $tt --output full --threads 1 < $jin"
add "stream --output full --threads 2"     "$stream --model $tt --output full --threads 2 < $jin"
add "stream --output labels --threads 1"   "$stream --model $tt --output labels --threads 1 < $jin"
add "stream --output labels --threads 2"   "$stream --model $tt --output labels --threads 2 < $jin"
# predict uses every core by default; the same commands on one thread.
add "tiny-ticket predict --output labels --threads 1" "$cli predict --model $tt --output labels --threads 1 < $in"
add "tiny-ticket predict --output full --threads 1"   "$cli predict --model $tt --output full --threads 1 < $in"

declare -A times
for ((r = 0; r < runs; r++)); do
    for i in "${!cmds[@]}"; do
        s=$(date +%s%N)
        bash -c "${cmds[$i]}" >/dev/null 2>"$work/err" || { echo "failed: ${cmds[$i]}: $(head -c 300 "$work/err")" >&2; exit 1; }
        times[$i]+="$((($(date +%s%N) - s) / 1000)) "
    done
done
stats() {  # prints "best median" in ms
    tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f\n", v[1] / 1000, m / 1000 }'
}
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, interleaved"
printf '| %-48s | %9s | %9s | %12s |\n' command "best ms" "median ms" "lines/s (med)"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" "-----------" "-----------" "--------------"
declare -A med
for i in "${!cmds[@]}"; do
    read -r best median < <(stats "${times[$i]}")
    med[$i]=$median
    printf '| %-48s | %9s | %9s | %12.0f |\n' "${names[$i]}" "$best" "$median" "$(awk -v m="$median" 'BEGIN { print 49280 / (m / 1000) }')"
done
ratio() { awk -v a="${med[$1]}" -v b="${med[$2]}" 'BEGIN { printf "%.2fx", a / b }'; }
echo
echo "labels vs fasttext predict:            $(ratio 0 2) (goal >= 5x; $(nproc) cores)"
echo "full vs fasttext predict-prob -1:      $(ratio 1 4) (goal >= 2x; $(nproc) cores)"
echo "labels, 1 thread vs fasttext predict:  $(ratio 0 13)"
echo "full, 1 thread vs predict-prob -1:     $(ratio 1 14)"
echo "labels, int8 vs fasttext predict:      $(ratio 0 7)"
echo "full, int8 vs fasttext predict-prob:   $(ratio 1 8)"
echo "stream full, 2 threads vs 1:           $(ratio 9 10) (goal >= 1.7x)"
echo "stream labels, 2 threads vs 1:         $(ratio 11 12)"
# The same ratios with tiny-ticket's model load (row 7) taken out of its side.
ratio_ex() { awk -v a="${med[$1]}" -v b="${med[$2]}" -v l="${med[6]}" -v s="$3" 'BEGIN { if (s == 1) a -= l; b -= l; printf "%.2fx", a / b }'; }
echo "without tiny-ticket's model load (${med[6]} ms median):"
echo "  labels vs fasttext predict:          $(ratio_ex 0 2 0)"
echo "  full vs fasttext predict-prob -1:    $(ratio_ex 1 4 0)"
echo "  stream full, 2 threads vs 1:         $(ratio_ex 9 10 1)"
echo "  stream labels, 2 threads vs 1:       $(ratio_ex 11 12 1)"
echo "commands:"
for i in "${!cmds[@]}"; do echo "  ${cmds[$i]}"; done
