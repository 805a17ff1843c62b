#!/usr/bin/env bash
# An ARM build of the kernel, tensor and int8 tests, cross-compiled for
# aarch64 and run under qemu-user: the portable scalar kernels are the ones
# chosen there, and every x86 kernel reports itself skipped.
# Needs Debian's g++-aarch64-linux-gnu and qemu-user; nlohmann/json and doctest
# are header-only, taken from the host's packages.
#   tests/cross/aarch64.sh [BUILD_DIR (default build-aarch64)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build-aarch64}
mkdir -p "$out/inc"
# Only the two header-only libraries: the host's /usr/include holds x86 libc headers.
ln -sfn /usr/include/nlohmann "$out/inc/nlohmann"
ln -sfn /usr/include/doctest "$out/inc/doctest"
aarch64-linux-gnu-g++ -std=c++17 -O1 -static -Wall -Wextra -Wpedantic -Werror \
  -I"$repo/include" -I"$repo/tests" -I"$repo/train/include" -I"$out/inc" \
  -DTINY_TICKET_SOURCE_DIR="\"$repo\"" -DTINY_TICKET_SHARED_DIR="\"$repo/../shared\"" \
  "$repo/tests/main.cpp" "$repo/tests/test_quant_dispatch.cpp" "$repo/tests/test_kernels.cpp" \
  "$repo/tests/test_tensor.cpp" "$repo/tests/test_quant.cpp" -o "$out/tiny_ticket_arm_tests" -lpthread
file "$out/tiny_ticket_arm_tests" | grep -q "ARM aarch64" || { echo "not an aarch64 executable"; exit 1; }
qemu-aarch64 "$out/tiny_ticket_arm_tests" --no-intro > "$out/run.log" 2>&1 || { tail -40 "$out/run.log"; exit 1; }
grep -m1 "int8 kernels chosen at run time" "$out/run.log" || true
tail -3 "$out/run.log"
