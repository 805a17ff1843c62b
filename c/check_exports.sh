#!/usr/bin/env bash
# usage: check_exports.sh LIBRARY.so HEADER
# The shared library must export exactly the tt_ functions the header
# declares: nothing else (no C++ or std symbols leaking), none missing.
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWwDdBbRrVvi]$/ {print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE '^TT_API [^(]*\b(tt_[a-z0-9_]+)\(' "$header" | grep -oE 'tt_[a-z0-9_]+\($' | tr -d '(' | sort -u)
status=0
others=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [ -n "$others" ]; then echo "exported but not declared in $header:"; echo "$others" | sed 's/^/  /'; status=1; fi
if [ -n "$missing" ]; then echo "declared but not exported:"; echo "$missing" | sed 's/^/  /'; status=1; fi
echo "$(echo "$exported" | wc -l) symbols exported, $(echo "$declared" | wc -l) declared"
[ $status -eq 0 ] && echo "exports OK"
exit $status
