#!/usr/bin/env bash
# The suite as a user's clone runs it, with no third-party data folder: every
# test that needs that data reports itself skipped with the reason, and none
# fails. Runs the unit-test executable, every CLI script and the quickstart
# test against an empty folder in place of the shared one.
#   no_shared.sh TESTS_EXE CLI_EXE SOURCE_DIR QUICKSTART_EXE
set -uo pipefail
tests_exe=$1 cli=$2 src=$3 quickstart=$4
empty=$(mktemp -d); trap 'rm -rf "$empty"' EXIT
marker='[tiny_ticket: skipped]'
passed=0 failed=0 skipped=0

TINY_TICKET_SHARED_DIR=$empty "$tests_exe" --no-intro > "$empty/unit.log" 2>&1; rc=$?
markers=$(grep -cF "$marker" "$empty/unit.log")
if [ $rc -eq 0 ] && [ "$markers" -ge 1 ]; then
  echo "unit tests: exit 0, $markers cases skipped for missing data"; passed=$((passed + 1))
else
  echo "FAIL: unit tests without the shared folder: exit $rc, $markers skip markers"; tail -20 "$empty/unit.log"
  failed=$((failed + 1))
fi

for t in "$src"/tests/cli/*.sh; do
  name=$(basename "$t" .sh)
  out=$(bash "$t" "$cli" "$src" "$empty" 2>&1); rc=$?
  case $rc in
    0) echo "cli_$name: passed without the shared folder"; passed=$((passed + 1)) ;;
    77) echo "cli_$name: skipped: $(grep -m1 skipped <<<"$out")"; skipped=$((skipped + 1)) ;;
    *) echo "FAIL: cli_$name exited $rc without the shared folder"; tail -5 <<<"$out"; failed=$((failed + 1)) ;;
  esac
done

out=$(bash "$src/tests/cmake/quickstart.sh" "$quickstart" reference "$empty/compat/tickets-inf/model.json" 2>&1); rc=$?
if [ $rc -eq 77 ]; then
  echo "example_quickstart: skipped: $out"; skipped=$((skipped + 1))
else
  echo "FAIL: example_quickstart exited $rc without the reference model (expected 77)"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
