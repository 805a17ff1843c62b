#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP server example over loopback: starts it on a free port, sends real
# requests with curl, checks status codes and bodies (classification results
# must equal `tiny-ticket predict` byte for byte, in every ?output= mode),
# then stops it with SIGTERM and expects exit status 0. Also: the body limit
# for JSON, form-encoded and chunked bodies; a POST without a body answered
# at once; 200 requests on one keep-alive connection (bounded in time: the
# Nagle/delayed-ACK stall made each take 40 ms); GET /metrics parsed as the
# Prometheus text format with counters that move; an int8 model served
# (explain=1 refused with the reason) with short --read-timeout and
# --idle-timeout. All traffic stays on 127.0.0.1.
# Needs curl and python3 (Debian: curl, python3).
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
pid= pid8=
cleanup() {
    for p in $pid $pid8; do
        if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null; fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# start_server STDERR_FILE ARGS... ; sets $started_pid and $started_port
start_server() {
    local log=$1
    shift
    "$server" --host 127.0.0.1 --port 0 "$@" 2>"$log" &
    started_pid=$!
    started_port=
    for _ in $(seq 1 200); do
        started_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log")
        [[ -n $started_port ]] && return 0
        if ! kill -0 "$started_pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "server test: server did not start within 20 s" >&2
    cat "$log" >&2
    exit 1
}
start_server "$tmp/stderr" --model "$model" --max-body-bytes 4096 --max-batch 3 --threads 2
pid=$started_pid port=$started_port
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

# ?output= picks the output mode, as `predict --output` does.
for output in compact labels full; do
    printf '%s\n' "$single" | "$cli" predict --model "$model" --output $output >"$tmp/expected" || fail "cli predict --output $output"
    if request "classify output=$output" 200 --data-binary "$single" "$base/v1/classify?output=$output"; then
        cmp -s "$tmp/body" "$tmp/expected" || fail "output=$output: body differs from tiny-ticket predict --output $output"
    fi
done
request "classify output=brief" 400 --data-binary "$single" "$base/v1/classify?output=brief" && body_has "output=brief" "output=full, compact or labels"
request "explain with output=labels" 400 --data-binary "$single" "$base/v1/classify?explain=1&output=labels" &&
    expect_json_error "explain with output=labels" 400

# The body limit holds whatever the Content-Type (JSON, chunked) ...
head -c 4500 /dev/zero | tr '\0' 'a' | sed 's/^/{"text":"/; s/$/"}/' >"$tmp/4k.json"
request "oversized JSON body" 413 -H 'Content-Type: application/json' --data-binary @"$tmp/4k.json" "$base/v1/classify" &&
    expect_json_error "oversized JSON body" 413
request "oversized chunked body" 413 -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/4k.json" "$base/v1/classify" &&
    expect_json_error "oversized chunked body" 413
request "small chunked body" 200 -H 'Transfer-Encoding: chunked' --data-binary "$single" "$base/v1/classify"
# ... and a POST without Content-Length or chunking is answered at once, not
# after the read timeout (5 s), with the connection closed.
start=$(date +%s%N)
request "POST without a body" 400 -X POST "$base/v1/classify" && body_has "POST without a body" "Content-Length"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
((elapsed_ms < 2500)) || fail "POST without a body took ${elapsed_ms} ms; it must not wait for the read timeout"

# Keep-alive: 200 requests on one connection (curl reuses it for every URL).
# With Nagle's algorithm against delayed ACKs each took ~40 ms (8 s in all);
# with TCP_NODELAY they take well under a millisecond each.
urls=()
for _ in $(seq 1 200); do urls+=("$base/v1/classify?output=labels"); done
start=$(date +%s%N)
connects=$(curl -sS --max-time 30 -o /dev/null -w '%{num_connects}\n' --data-binary "$single" "${urls[@]}" | awk '{ s += $1 } END { print s }')
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [[ $connects != 1 ]]; then
    fail "keep-alive loop: curl opened $connects connections for 200 requests, expected 1"
elif ((elapsed_ms > 4000)); then
    fail "keep-alive loop: 200 requests on one connection took ${elapsed_ms} ms (Nagle/delayed-ACK stalls?)"
else
    echo "ok   keep-alive loop: 200 requests on 1 connection in ${elapsed_ms} ms"
fi

# Metrics: the Prometheus text format, and counters that move with requests.
metrics() {  # FILE
    curl -sS --max-time 10 -o "$1" -w '%{http_code} %{content_type}' "$base/metrics"
}
got=$(metrics "$tmp/m1") || got=curl-error
[[ $got == "200 text/plain; version=0.0.4"* ]] || fail "metrics: expected 200 text/plain; version=0.0.4, got $got"
for i in 1 2 3; do request "classify for metrics $i" 200 --data-binary "$single" "$base/v1/classify" >/dev/null; done
request "batch for metrics" 200 --data-binary "$batch" "$base/v1/classify" >/dev/null
request "404 for metrics" 404 "$base/nowhere" >/dev/null
metrics "$tmp/m2" >/dev/null
python3 - "$tmp/m1" "$tmp/m2" <<'PY' || fail "metrics exposition checks failed"
import re, sys

def parse(path):
    """Prometheus text format 0.0.4: HELP and TYPE before each family's samples."""
    samples, types, helps = {}, {}, set()
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$')
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            assert name in helps, "TYPE before HELP for " + name
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            types[name] = kind
        else:
            m = sample.match(line)
            assert m, "not a sample line: %r" % line
            name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
            family = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in types else name
            assert family in types, "sample before its TYPE: " + line
            samples[name + labels] = value
    for name, kind in types.items():
        if kind == "counter":
            assert name.endswith("_total"), "counter without _total: " + name
    return samples, types

a, types = parse(sys.argv[1])
b, _ = parse(sys.argv[2])
assert types["tiny_ticket_http_request_duration_seconds"] == "histogram"
for k in ("tiny_ticket_http_requests_total", "tiny_ticket_tickets_classified_total", "tiny_ticket_predictions_total",
          "tiny_ticket_review_total"):
    assert types.get(k) == "counter", k
ok200 = 'tiny_ticket_http_requests_total{route="/v1/classify",status="200"}'
assert b[ok200] - a.get(ok200, 0) == 4, (a.get(ok200), b[ok200])
assert b.get('tiny_ticket_http_requests_total{route="other",status="404"}', 0) >= 1
assert b["tiny_ticket_tickets_classified_total"] - a["tiny_ticket_tickets_classified_total"] == 6
for s in (a, b):
    buckets = [(k, v) for k, v in s.items() if k.startswith("tiny_ticket_http_request_duration_seconds_bucket")]
    values = [v for _, v in buckets]
    assert values == sorted(values), "buckets not cumulative"
    assert buckets[-1][0].endswith('{le="+Inf"}'), buckets[-1]
    assert buckets[-1][1] == s["tiny_ticket_http_request_duration_seconds_count"]
    assert s["tiny_ticket_http_request_duration_seconds_sum"] >= 0
    tickets = s["tiny_ticket_tickets_classified_total"]
    per_head = {}
    for k, v in s.items():
        m = re.match(r'tiny_ticket_predictions_total\{head="([^"]+)",label="[^"]+"\}', k)
        if m:
            per_head[m.group(1)] = per_head.get(m.group(1), 0) + v
    assert per_head and all(v == tickets for v in per_head.values()), (per_head, tickets)
    reviews = [k for k in s if k.startswith("tiny_ticket_review_total{head=")]
    assert sorted(r.split('"')[1] for r in reviews) == sorted(per_head), reviews
assert b["tiny_ticket_http_request_duration_seconds_count"] > a["tiny_ticket_http_request_duration_seconds_count"]
print("ok   metrics exposition parses; counters moved by the requests sent")
PY

# Model description.
if request model 200 "$base/v1/model"; then
    for key in '"heads":[' '"labels":[' '"producer":' '"metrics":' '"name":"intent"'; do body_has model "$key"; done
fi

# The server still answers after all those errors.
request "healthz again" 200 "$base/healthz"

# An int8 model is served; only explanations need float weights. This server
# runs with the default body limit and short timeouts.
if "$cli" quantize "$model" "$tmp/int8.json" >/dev/null 2>"$tmp/quantize.err"; then
    start_server "$tmp/stderr8" --model "$tmp/int8.json" --threads 2 --read-timeout 0.5 --idle-timeout 1
    pid8=$started_pid
    base8=http://127.0.0.1:$started_port
    printf '%s\n' "$single" | "$cli" predict --model "$tmp/int8.json" >"$tmp/expected" || fail "cli predict on int8 failed"
    if request "int8 classify" 200 --data-binary "$single" "$base8/v1/classify"; then
        cmp -s "$tmp/body" "$tmp/expected" || fail "int8 classify: body differs from tiny-ticket predict"
    fi
    request "int8 explain=1" 400 --data-binary "$single" "$base8/v1/classify?explain=1" &&
        body_has "int8 explain=1" "int8" && body_has "int8 explain=1" "explain=1 is not available"
    request "int8 model" 200 "$base8/v1/model" && body_has "int8 model" '"explain":false'
    # `curl -d` sends application/x-www-form-urlencoded; httplib alone capped those at 8 KB.
    head -c 20000 /dev/zero | tr '\0' 'a' | sed 's/^/{"text":"/; s/$/"}/' >"$tmp/20k.json"
    request "20 KB form-encoded body" 200 -d @"$tmp/20k.json" "$base8/v1/classify"
    # --read-timeout: a request whose body stops coming is dropped after 0.5 s.
    start=$(date +%s%N)
    exec 3<>"/dev/tcp/127.0.0.1/$started_port"
    printf 'POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"te' >&3
    timeout 10 cat <&3 >/dev/null
    exec 3<&-
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    ((elapsed_ms < 3000)) && echo "ok   --read-timeout 0.5: stalled body dropped after ${elapsed_ms} ms" ||
        fail "--read-timeout 0.5: stalled body held for ${elapsed_ms} ms"
    # --idle-timeout: an idle connection is closed after 1 s.
    start=$(date +%s%N)
    exec 3<>"/dev/tcp/127.0.0.1/$started_port"
    timeout 10 cat <&3 >/dev/null
    exec 3<&-
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    ((elapsed_ms < 4000)) && echo "ok   --idle-timeout 1: idle connection closed after ${elapsed_ms} ms" ||
        fail "--idle-timeout 1: idle connection held for ${elapsed_ms} ms"
    kill -TERM "$pid8"
    wait "$pid8" || fail "int8 server: non-zero exit after SIGTERM"
    pid8=
else
    fail "tiny-ticket quantize failed: $(cat "$tmp/quantize.err")"
fi
# ?explain=1 when the out-of-scope threshold decided: the model with a 0.9
# threshold on its intent head's out_of_scope label answers it for "need some info";
# the explanation is of the in-scope intent that fell short, with the reason,
# byte for byte what `predict --explain` writes.
oos_field='"out_of_scope":{"label":"out_of_scope","min_confidence":0.0}'
if grep -qF "$oos_field" "$model"; then
    sed 's/"out_of_scope":{"label":"out_of_scope","min_confidence":0.0}/"out_of_scope":{"label":"out_of_scope","min_confidence":0.9}/' \
        "$model" >"$tmp/strict.json"
    start_server "$tmp/stderr_strict" --model "$tmp/strict.json" --threads 1
    pid8=$started_pid
    hello='{"id":"h","text":"need some info"}'
    printf '%s\n' "$hello" | "$cli" predict --model "$tmp/strict.json" --explain >"$tmp/expected" ||
        fail "cli predict --explain on the threshold model failed"
    if request "threshold out of scope explain=1" 200 --data-binary "$hello" "http://127.0.0.1:$started_port/v1/classify?explain=1"; then
        cmp -s "$tmp/body" "$tmp/expected" || fail "threshold explain=1: body differs from tiny-ticket predict --explain"
        body_has "threshold explain=1" '"out_of_scope":true'
        body_has "threshold explain=1" '"answer":"out_of_scope"'
        body_has "threshold explain=1" 'below min_confidence 0.9000: answered out_of_scope'
    fi
    kill -TERM "$pid8"
    wait "$pid8" || fail "threshold model server: non-zero exit after SIGTERM"
    pid8=
fi
"$server" --model "$model" --read-timeout soon >/dev/null 2>&1
[[ $? == 2 ]] || fail "--read-timeout soon: expected usage error (exit 2)"

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
