#!/usr/bin/env bash
# Builds the tiny_ticket Python module from this checkout into a virtual
# environment and runs its pytest suite; exits with pytest's status and ends
# with its summary line.
#
#   python/run_tests.sh [pytest args...]
#
# TINY_TICKET_VENV    the venv to use or create (default: <repo>/.venv)
# TINY_TICKET_FRESH=1 delete and recreate that venv first
# TINY_TICKET_CLI     the tiny-ticket executable for the CLI comparison test
#                     (default: <repo>/build/examples/tiny-ticket if built;
#                     the test is skipped without it)
# PYTHON              the interpreter that creates the venv (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="${TINY_TICKET_VENV:-$repo/.venv}"

if [[ "${TINY_TICKET_FRESH:-0}" == 1 ]]; then rm -rf "$venv"; fi
if [[ ! -x "$venv/bin/python" ]]; then
  echo "run_tests.sh: creating $venv"
  "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install -q --disable-pip-version-check -r "$here/requirements-test.txt"
# Without build isolation the build tools come from the venv (pinned above),
# so python/build/ stays valid between runs.
echo "run_tests.sh: building the extension (pip install ./python)"
"$py" -m pip install -q --disable-pip-version-check --no-build-isolation "$here"

if [[ -z "${TINY_TICKET_CLI:-}" && -x "$repo/build/examples/tiny-ticket" ]]; then
  export TINY_TICKET_CLI="$repo/build/examples/tiny-ticket"
fi
echo "run_tests.sh: TINY_TICKET_CLI=${TINY_TICKET_CLI:-<unset: CLI comparison skipped>}"

# From python/ but through the venv's pytest script, so `import tiny_ticket`
# finds the installed module, not the source folder beside the tests.
cd "$here"
exec "$venv/bin/pytest" -p no:cacheprovider -rs tests "$@"
