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
run "all cores, one chunk" --threads 0
run "chunk of 1" --threads 2 --chunk 1

# Clean input exits 0; --explain matches predict --explain.
head -n 3 "$tmp/in" >"$tmp/clean"
"$cli" predict --model "$model" --explain <"$tmp/clean" >"$tmp/expected"
"$stream" --model "$model" --explain --threads 2 <"$tmp/clean" >"$tmp/out" 2>"$tmp/err" || fail "clean input: non-zero exit"
cmp -s "$tmp/out" "$tmp/expected" || fail "--explain output differs from tiny-ticket predict --explain"
[[ -s $tmp/err ]] && fail "clean input: unexpected stderr: $(head -c 300 "$tmp/err")"

# Usage errors exit 2.
"$stream" --model "$model" --threads nope </dev/null >/dev/null 2>&1
[[ $? == 2 ]] || fail "bad --threads: expected exit status 2"

if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all stream checks passed"
