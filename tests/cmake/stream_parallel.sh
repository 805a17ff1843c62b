#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scale-out on an existing engine: the stream filter under GNU parallel
# (`parallel --pipe -k`, 4 jobs, small blocks so every job gets several)
# writes exactly the bytes one process writes, in every output mode.
# Input is JSONL with ids: plain-text lines are numbered per process, so
# under --pipe their ids would restart in each block (see the stream README).
# Usage: stream_parallel.sh <stream exe> <model.json>
set -u

stream=$1 model=$2
if ! command -v parallel >/dev/null 2>&1; then
    echo "GNU parallel is not installed (Debian: apt-get install parallel); skipped"
    exit 77
fi
if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    echo "'parallel' is not GNU parallel (moreutils ships another one); skipped"
    exit 77
fi
if [[ ! -f $model ]]; then
    echo "model $model not found; skipped"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

phrases=("where is my order" "refund nahi mila, paisa wapas karo" "app crashes on login" "cancel my subscription"
         "pricing for 50 seats?" "thanks, great support!" "charged twice for one order" "I want to talk to sales")
for i in $(seq 1 3000); do
    printf '{"id":%d,"text":"ticket %d: %s"}\n' "$i" "$i" "${phrases[$((i % ${#phrases[@]}))]}"
done >"$tmp/in"

for output in full compact labels; do
    "$stream" --model "$model" --output $output <"$tmp/in" >"$tmp/one" || fail "$output: one process failed"
    # --block 20k: ~100 blocks of whole lines over 4 jobs; -k keeps block order.
    parallel --will-cite --pipe -k --block 20k -j4 "$stream" --model "$model" --output $output <"$tmp/in" >"$tmp/par" ||
        fail "$output: parallel run failed"
    if cmp -s "$tmp/one" "$tmp/par"; then
        echo "ok   --output $output: $(wc -l <"$tmp/par") lines identical under parallel --pipe -k -j4"
    else
        fail "--output $output: output under parallel differs from one process"
    fi
done
[[ $(wc -l <"$tmp/one") == 3000 ]] || fail "expected 3000 output lines, got $(wc -l <"$tmp/one")"

if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all parallel checks passed"
