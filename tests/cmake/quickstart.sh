#!/usr/bin/env bash
# Runs the quickstart as a user would.
#   quickstart.sh QUICKSTART reference MODEL   classify with a given model
#   quickstart.sh QUICKSTART elsewhere          no argument, run outside the
#       repository: the default model is not found, and the error says how to
#       point at one (exit 1, nothing classified)
set -uo pipefail
exe=$1 mode=$2
case $mode in
  reference)
    model=$3
    # Third-party data beside the checkout: absent, the test is skipped (77).
    [ -f "$model" ] || { echo "skipped: reference model $model is not there (set TINY_TICKET_SHARED_DIR)"; exit 77; }
    out=$("$exe" "$model") || { echo "FAIL: quickstart exited $?"; exit 1; }
    echo "$out"
    grep -q "intent: refund" <<<"$out" || { echo "FAIL: the Hinglish refund ticket is not intent refund"; exit 1; }
    ;;
  elsewhere)
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    cd "$tmp"
    err=$("$exe" 2>&1 >/dev/null); rc=$?
    echo "$err"
    [ $rc -eq 1 ] || { echo "FAIL: expected exit 1 without the model, got $rc"; exit 1; }
    grep -q "tiny_ticket-default-v6.json" <<<"$err" && grep -q "usage: quickstart \[MODEL.json\]" <<<"$err" \
      || { echo "FAIL: the error neither names the model nor says how to pass one"; exit 1; }
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
echo "quickstart $mode ok"
