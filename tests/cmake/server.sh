#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP server example over loopback: starts it on a free port, sends real
# requests with curl, checks status codes and bodies (classification results
# must equal `tiny-ticket predict` byte for byte), then stops it with SIGTERM
# and expects exit status 0.
# Usage: server.sh <server exe> <tiny-ticket exe> <model.json>
set -u

server=$1 cli=$2 model=$3

if ! command -v curl >/dev/null 2>&1; then
    echo "server test: curl is required but not installed (Debian: apt-get install curl)" >&2
    exit 1
fi
if [[ ! -f $model ]]; then
    echo "server test: model $model not found; skipped"
    exit 77
fi

tmp=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

"$server" --model "$model" --host 127.0.0.1 --port 0 --max-body-bytes 4096 --max-batch 3 --threads 2 \
    2>"$tmp/stderr" &
pid=$!

port=
for _ in $(seq 1 200); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$tmp/stderr")
    [[ -n $port ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
done
if [[ -z $port ]]; then
    echo "server test: server did not start within 20 s" >&2
    cat "$tmp/stderr" >&2
    exit 1
fi
base=http://127.0.0.1:$port
echo "server listening on $base"

# request NAME EXPECTED_STATUS CURL_ARGS... ; leaves the body in $tmp/body, headers in $tmp/headers
request() {
    local name=$1 want=$2
    shift 2
    local got
    got=$(curl -sS --max-time 10 --retry 0 -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' "$@") || got="curl-error"
    if [[ $got != "$want" ]]; then
        fail "$name: expected HTTP $want, got $got; body: $(head -c 300 "$tmp/body" 2>/dev/null)"
        return 1
    fi
    echo "ok   $name ($got)"
}
body_has() {  # NAME STRING
    grep -qF -- "$2" "$tmp/body" || fail "$1: body lacks $2: $(head -c 300 "$tmp/body")"
}
expect_json_error() {  # NAME STATUS
    body_has "$1" "\"error\":{"
    body_has "$1" "\"status\":$2"
}

# Liveness.
request healthz 200 "$base/healthz" && body_has healthz '"status":"ok"'
request "healthz HEAD" 200 -I "$base/healthz"

# One ticket: same bytes as the CLI for the same JSON line.
single='{"id":"t-1","text":"refund nahi mila, paisa wapas karo"}'
printf '%s\n' "$single" | "$cli" predict --model "$model" >"$tmp/expected" || fail "cli predict failed"
if request "classify one" 200 -H 'Content-Type: application/json' --data-binary "$single" "$base/v1/classify"; then
    cmp -s "$tmp/body" "$tmp/expected" || fail "classify one: body differs from tiny-ticket predict: $(head -c 300 "$tmp/body")"
fi

# A batch: results in input order, each equal to the CLI's line.
batch='{"tickets":[{"id":1,"text":"where is my order #4521"},{"id":"b","text":"app crashes on login"},{"text":"thanks, great support!"}]}'
printf '%s\n' '{"id":1,"text":"where is my order #4521"}' '{"id":"b","text":"app crashes on login"}' \
    '{"text":"thanks, great support!"}' | "$cli" predict --model "$model" >"$tmp/lines" || fail "cli predict failed"
{ printf '{"results":['; paste -sd, "$tmp/lines" | tr -d '\n'; printf ']}\n'; } >"$tmp/expected"
if request "classify batch" 200 --data-binary "$batch" "$base/v1/classify"; then
    cmp -s "$tmp/body" "$tmp/expected" || fail "classify batch: body differs from tiny-ticket predict: $(head -c 300 "$tmp/body")"
fi
request "classify empty batch" 200 --data-binary '{"tickets":[]}' "$base/v1/classify" && body_has "empty batch" '{"results":[]}'

# Explanations: one "explain" object per head, as `predict --explain` writes them.
printf '%s\n' "$single" | "$cli" predict --model "$model" --explain >"$tmp/expected" || fail "cli predict --explain failed"
if request "classify explain=1" 200 --data-binary "$single" "$base/v1/classify?explain=1"; then
    body_has "explain=1" '"explain":{'
    body_has "explain=1" '"positive":[{"feature":'
    cmp -s "$tmp/body" "$tmp/expected" || fail "explain=1: body differs from tiny-ticket predict --explain"
fi
request "classify explain=yes" 400 --data-binary "$single" "$base/v1/classify?explain=yes" && expect_json_error "explain=yes" 400

# Client errors, all answered with a JSON error object.
request "malformed JSON" 400 --data-binary '{"text": "refund' "$base/v1/classify" && expect_json_error "malformed JSON" 400
request "missing text" 400 --data-binary '{"id": 7}' "$base/v1/classify" && expect_json_error "missing text" 400
request "text not a string" 400 --data-binary '{"text": 42}' "$base/v1/classify" && expect_json_error "text not a string" 400
request "not an object" 400 --data-binary '["refund"]' "$base/v1/classify" && expect_json_error "not an object" 400
request "batch item without text" 400 --data-binary '{"tickets":[{"id":1}]}' "$base/v1/classify" &&
    body_has "batch item without text" "/tickets/0"
request "batch too large" 413 --data-binary '{"tickets":[{"text":"a"},{"text":"b"},{"text":"c"},{"text":"d"}]}' \
    "$base/v1/classify" && expect_json_error "batch too large" 413
head -c 10000 /dev/zero | tr '\0' 'a' | sed 's/^/{"text":"/; s/$/"}/' >"$tmp/big.json"
request "oversized body" 413 --data-binary @"$tmp/big.json" "$base/v1/classify" && expect_json_error "oversized body" 413
request "unknown path" 404 "$base/v2/nothing" && expect_json_error "unknown path" 404
if request "GET on classify" 405 "$base/v1/classify"; then
    expect_json_error "GET on classify" 405
    grep -qi '^Allow: POST' "$tmp/headers" || fail "GET on classify: no 'Allow: POST' header"
fi
request "DELETE on model" 405 -X DELETE "$base/v1/model" && expect_json_error "DELETE on model" 405

# Model description.
if request model 200 "$base/v1/model"; then
    for key in '"heads":[' '"labels":[' '"producer":' '"metrics":' '"name":"intent"'; do body_has model "$key"; done
fi

# The server still answers after all those errors.
request "healthz again" 200 "$base/healthz"

# Graceful stop.
kill -TERM "$pid"
status=
for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        status=$?
        break
    fi
    sleep 0.1
done
if [[ -z $status ]]; then
    fail "server still running 10 s after SIGTERM"
elif [[ $status != 0 ]]; then
    fail "server exited with status $status after SIGTERM, expected 0"
else
    echo "ok   SIGTERM -> exit 0"
fi
pid=
grep -q "stopped" "$tmp/stderr" || fail "server did not log its shutdown"

if ((failures)); then
    echo "--- server stderr ---" >&2
    cat "$tmp/stderr" >&2
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all server checks passed"
