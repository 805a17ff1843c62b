#!/usr/bin/env bash
# Runs the Go package's tests (go test -race) against the C library.
#
#   go/run_tests.sh [BUILD_DIR]
#
# BUILD_DIR: a configured CMake build of this checkout; its tiny_ticket_c
# library is built if needed and used in place through the build tree's
# pkg-config file (what the go_tinyticket ctest test does). Without it, the
# C library is configured, built and installed into a temporary prefix and
# the test goes through the installed tiny_ticket_c.pc, as a user's would.
#
# Environment: GO (default: go), GO_TEST_FLAGS (default: -race -count=1),
# TINY_TICKET_CLI (the tiny-ticket executable: enables the comparisons with
# the C++ CLI), TINY_TICKET_SHARED_DIR (third-party data, default ../shared).
# Exits with go test's status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
go=${GO:-go}
command -v "$go" >/dev/null || { echo "run_tests.sh: '$go' not found"; exit 1; }

if [ $# -ge 1 ]; then
  build=$(cd "$1" && pwd)
  cmake --build "$build" --target tiny_ticket_c
  pc_dir=$build/c/pkgconfig-uninstalled
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  build=$tmp/build
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTINY_TICKET_BUILD_TESTS=OFF \
    -DTINY_TICKET_BUILD_BENCHMARKS=OFF -DTINY_TICKET_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$tmp/prefix" >/dev/null
  cmake --build "$build" --target tiny_ticket_c tiny_ticket_c_static
  cmake --install "$build" >/dev/null
  pc_dir=$(dirname "$(find "$tmp/prefix" -name tiny_ticket_c.pc | head -1)")
  # The installed .pc carries no rpath (a system install needs none).
  export LD_LIBRARY_PATH="$(cd "$pc_dir/.." && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
[ -f "$pc_dir/tiny_ticket_c.pc" ] || { echo "run_tests.sh: no tiny_ticket_c.pc in $pc_dir"; exit 1; }
# Go's build cache does not key cgo packages on pkg-config's answer: a
# package built against another copy of the library would be reused, with
# that copy's -L and rpath. One cache per library location.
export GOCACHE=${TINY_TICKET_GOCACHE:-$build/go-cache}
export PKG_CONFIG_PATH="$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export CGO_ENABLED=1 GOTOOLCHAIN=local GOFLAGS=${GOFLAGS:-}
[ -n "${TINY_TICKET_SHARED_DIR:-}" ] || export TINY_TICKET_SHARED_DIR="$src/../shared"
echo "tiny_ticket_c: $(pkg-config --modversion tiny_ticket_c) from $pc_dir"
cd "$here/tinyticket"
"$go" vet ./...
# shellcheck disable=SC2086
"$go" test ${GO_TEST_FLAGS:--race -count=1} ./...
