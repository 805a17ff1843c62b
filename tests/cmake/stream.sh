#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The stream filter example: output equals `tiny-ticket predict` byte for
# byte, in input order, whatever --threads and --chunk are; stderr carries
# only per-line errors when it is not a terminal (no progress bar).
# Usage: stream.sh <stream exe> <tiny-ticket exe> <model.json>
set -u

stream=$1 cli=$2 model=$3
if [[ ! -f $model ]]; then
    echo "stream test: model $model not found; skipped"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# Mixed input: JSONL with and without ids, plain text, CRLF, an empty line,
# and two broken lines (which make the exit status 1, as for predict).
{
    printf '%s\n' '{"id":1,"text":"refund nahi mila"}' 'where is my order #4521' '{"id":"x","text":"app crashes on login"}'
    printf 'thanks a lot!\r\n'
    printf '\n'
    printf '%s\n' '{"text":' '{"id":9}'
    for i in $(seq 1 60); do
        printf '{"id":%d,"text":"ticket %d: my parcel is late and I want a refund"}\n' "$i" "$i"
        printf 'plain line %d please cancel my subscription\n' "$i"
    done
} >"$tmp/in"

"$cli" predict --model "$model" <"$tmp/in" >"$tmp/expected" 2>"$tmp/expected.err"
want=$?
[[ $want == 1 ]] || fail "tiny-ticket predict exited $want on input with broken lines, expected 1"

run() {  # NAME ARGS...
    local name=$1
    shift
    "$stream" --model "$model" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [[ $got == "$want" ]] || fail "$name: exit status $got, expected $want"
    cmp -s "$tmp/out" "$tmp/expected" || fail "$name: output differs from tiny-ticket predict"
    if grep -v '^stream: stdin:[0-9]*: ' "$tmp/err" | grep -q .; then
        fail "$name: unexpected stderr (progress must stay off when stderr is not a terminal): $(head -c 300 "$tmp/err")"
    fi
    [[ $(wc -l <"$tmp/err") == 2 ]] || fail "$name: expected 2 error lines on stderr, got $(wc -l <"$tmp/err")"
    echo "ok   $name"
}
run "line by line"
run "2 threads, chunks of 7" --threads 2 --chunk 7
run "all cores" --threads 0
run "chunk of 1" --threads 2 --chunk 1
run "4 threads, chunks of 3" --threads 4 --chunk 3

# Every output mode and format: the same bytes as predict, whatever the threads.
for output in full compact labels; do
    for format in jsonl tsv csv; do
        [[ $output == full && $format != jsonl ]] && continue
        "$cli" predict --model "$model" --output $output --format $format <"$tmp/in" >"$tmp/expected" 2>/dev/null
        want=$?
        run "--output $output --format $format" --output $output --format $format
        run "--output $output --format $format, 2 threads" --output $output --format $format --threads 2 --chunk 5
    done
done
# The contract itself (field by field) is tests/cli/predict.sh's; here the shapes.
"$stream" --model "$model" --output labels --format tsv <"$tmp/in" >"$tmp/out" 2>/dev/null
[[ $(head -n 1 "$tmp/out" | cut -f 1) == id ]] || fail "tsv: no header line starting with id"
[[ $(wc -l <"$tmp/out") == $(($(wc -l <"$tmp/in") + 1)) ]] || fail "tsv: expected one line per input line plus the header"
[[ $(sed -n 3p "$tmp/out" | cut -f 1) == 2 ]] || fail "tsv: a plain-text line's id is its line number"
"$stream" --model "$model" --output labels <"$tmp/in" >"$tmp/out" 2>/dev/null
head -n 1 "$tmp/out" | grep -q '^{"id":1,' || fail "jsonl: id is not first: $(head -n 1 "$tmp/out")"
sed -n 2p "$tmp/out" | grep -q '^{"id":2,' || fail "jsonl: plain text line 2 lacks id 2: $(sed -n 2p "$tmp/out")"

# Input arriving in pieces (a slow pipe): nothing waits for a full chunk.
{
    printf '%s\n' '{"id":1,"text":"refund please"}'
    sleep 2
    printf '%s\n' '{"id":2,"text":"where is my order"}'
} | "$stream" --model "$model" --threads 2 >"$tmp/out" 2>"$tmp/err" &
slow=$!
wait $slow || fail "slow input: non-zero exit"
[[ $(wc -l <"$tmp/out") == 2 ]] || fail "slow input: expected 2 lines, got $(wc -l <"$tmp/out")"

# Clean input exits 0; --explain matches predict --explain.
head -n 3 "$tmp/in" >"$tmp/clean"
"$cli" predict --model "$model" --explain <"$tmp/clean" >"$tmp/expected"
"$stream" --model "$model" --explain --threads 2 <"$tmp/clean" >"$tmp/out" 2>"$tmp/err" || fail "clean input: non-zero exit"
cmp -s "$tmp/out" "$tmp/expected" || fail "--explain output differs from tiny-ticket predict --explain"
[[ -s $tmp/err ]] && fail "clean input: unexpected stderr: $(head -c 300 "$tmp/err")"

# Usage errors exit 2.
for bad in "--threads nope" "--output brief" "--format xml" "--output full --format csv" "--output compact --explain"; do
    "$stream" --model "$model" $bad </dev/null >/dev/null 2>&1
    [[ $? == 2 ]] || fail "$bad: expected exit status 2"
done

if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all stream checks passed"
