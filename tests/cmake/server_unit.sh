#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The systemd unit shipped for the server (examples/server/tiny-ticket-server.service)
# runs the server with options it accepts, and those options serve the
# shipped model: starts the server with exactly the unit's ExecStart options
# (only --model pointed at this checkout's model and --port 0, a free loopback
# port), then checks what docs/deploy.md tells an operator to check:
# /healthz, /v1/model (heads with the label descriptions of
# docs/label-descriptions.json), one /v1/classify, /metrics; then SIGTERM and
# exit status 0.
# Needs curl and python3.
# Usage: server_unit.sh <server exe> <source dir>
set -u
server=$1 src=$2
unit=$src/examples/server/tiny-ticket-server.service
model=$src/models/tiny_ticket-default-v6.json
for tool in curl python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "server unit test: $tool not found; skipped"; exit 77; }
done

# ExecStart with its continuation lines joined.
exec_start=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$unit" | sed -n 's/^ExecStart=//p')
[[ -n $exec_start ]] || { echo "FAIL: no ExecStart in $unit"; exit 1; }
read -r -a words <<<"$exec_start"
args=()
for ((i = 1; i < ${#words[@]}; i++)); do
    case ${words[i]} in
        --model) args+=(--model "$model"); i=$((i + 1)) ;;
        --port) args+=(--port 0); i=$((i + 1)) ;;
        *) args+=("${words[i]}") ;;
    esac
done
echo "unit options: ${words[*]:1}"
[[ " ${args[*]} " == *" --host 127.0.0.1 "* ]] || { echo "FAIL: the unit does not bind 127.0.0.1"; exit 1; }

tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill -KILL $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$server" "${args[@]}" 2>"$tmp/stderr" &
pid=$!
port=
for _ in $(seq 1 200); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$tmp/stderr")
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $port ]]; then
    echo "FAIL: the server did not start with the unit's options:"
    cat "$tmp/stderr"
    exit 1
fi
base=http://127.0.0.1:$port
failures=0
get() {  # NAME URL [CURL ARGS...]: body in $tmp/body
    local name=$1 url=$2
    shift 2
    local code
    code=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' "$@" "$url") || code=curl-error
    if [[ $code != 200 ]]; then
        echo "FAIL: $name: HTTP $code"
        failures=$((failures + 1))
        return 1
    fi
    echo "ok   $name"
}
get healthz "$base/healthz" && { grep -qF '{"status":"ok"}' "$tmp/body" || { echo "FAIL: healthz body"; failures=$((failures + 1)); }; }
if get model "$base/v1/model"; then
    python3 - "$tmp/body" "$src/docs/label-descriptions.json" <<'PY' || failures=$((failures + 1))
import json, sys
model = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))
heads = {h["name"]: h for h in model["heads"]}
assert set(heads) == set(want), (sorted(heads), sorted(want))
for name, descriptions in want.items():
    h = heads[name]
    assert h.get("descriptions") == descriptions, (name, h.get("descriptions"))
    assert set(descriptions) == set(h["labels"]), (name, h["labels"])
    assert 0 < h["review"]["min_confidence"] <= 1, h["review"]
print("ok   /v1/model: every label of every head described as in docs/label-descriptions.json")
PY
fi
if get classify "$base/v1/classify" -H 'Content-Type: application/json' -d '{"id":"t-1","text":"refund nahi mila, paisa wapas karo"}'; then
    python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); assert p["id"] == "t-1" and p["intent"]["label"] == "refund", p' \
        "$tmp/body" || { echo "FAIL: classify body: $(head -c 300 "$tmp/body")"; failures=$((failures + 1)); }
fi
if get metrics "$base/metrics"; then
    grep -q '^tiny_ticket_tickets_classified_total 1$' "$tmp/body" ||
        { echo "FAIL: metrics: tiny_ticket_tickets_classified_total is not 1"; failures=$((failures + 1)); }
fi
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[[ $status == 0 ]] || { echo "FAIL: exit status $status after SIGTERM"; failures=$((failures + 1)); }
((failures == 0)) && echo "server unit OK" || exit 1
