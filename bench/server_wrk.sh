#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP server under wrk on 127.0.0.1, bounded in time: single-ticket
# requests on keep-alive connections (requests/s and p99 from --latency) and
# batch requests of 64 tickets (tickets/s = requests/s x 64), each with
# ?output=full (the default) and ?output=labels.
#
# Usage: bench/server_wrk.sh [BUILD_DIR] [MODEL] [SECONDS] [CONNECTIONS]
#   defaults: build, models/tiny_ticket-default-v6.json, 10, 8
# Needs: wrk (Debian: apt-get install wrk). Traffic stays on 127.0.0.1.
set -euo pipefail

build=${1:-build} model=${2:-models/tiny_ticket-default-v6.json} secs=${3:-10} conns=${4:-8}
server=$build/examples/server
command -v wrk >/dev/null || { echo "wrk not found (Debian: apt-get install wrk)" >&2; exit 1; }
[[ -x $server ]] || { echo "$server not built" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
# A connection holds a worker thread while it is kept alive: one per connection.
"$server" --model "$model" --host 127.0.0.1 --port 0 --threads "$conns" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$tmp/err")
    [[ -n $port ]] && break
    sleep 0.1
done
[[ -n $port ]] || { cat "$tmp/err" >&2; exit 1; }

# wrk scripts: a fixed POST body per run.
single='{"id":"t-1","text":"hi, I was charged twice for my order #4521, please refund the second payment"}'
python3 - "$tmp" <<'PY'
import json, sys
texts = ["where is my order #4521", "app crashes on login since the update", "refund nahi mila, paisa wapas karo",
         "I want to cancel my subscription", "pricing for 50 seats?", "thanks, great support!",
         "charged twice for one order", "can I get a demo for my team next week"]
body = {"tickets": [{"id": i, "text": texts[i % len(texts)] + " (ticket %d)" % i} for i in range(64)]}
open(sys.argv[1] + "/batch.json", "w").write(json.dumps(body))
PY
lua_script() {  # BODY_FILE > script
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
    printf 'local f = io.open("%s", "rb")\nwrk.body = f:read("*a")\nf:close()\n' "$1"
}
printf '%s' "$single" >"$tmp/single.json"
lua_script "$tmp/single.json" >"$tmp/single.lua"
lua_script "$tmp/batch.json" >"$tmp/batch.lua"

echo "server: $server --model $model --threads $conns, wrk -t1 -c$conns -d${secs}s --latency"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # NAME SCRIPT PATH TICKETS_PER_REQUEST
    local out rps p99
    out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$2" "http://127.0.0.1:$port$3")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
    printf '| %-34s | %10.0f | %8s | %12.0f |%s\n' "$1" "$rps" "$p99" "$(awk -v r="$rps" -v n="$4" 'BEGIN { print r * n }')" \
        "${errors:+ $errors}"
}
printf '| %-34s | %10s | %8s | %12s |\n' request "req/s" p99 "tickets/s"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------" "----------" "--------------"
run "single, ?output=full" "$tmp/single.lua" "/v1/classify" 1
run "single, ?output=labels" "$tmp/single.lua" "/v1/classify?output=labels" 1
run "batch of 64, ?output=full" "$tmp/batch.lua" "/v1/classify" 64
run "batch of 64, ?output=labels" "$tmp/batch.lua" "/v1/classify?output=labels" 64
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^tiny_ticket_(tickets_classified_total|http_request_duration_seconds_(count|sum))'
