#!/usr/bin/env bash
# What including tiny_ticket costs a consumer's build: CPU seconds to compile
# examples/quickstart/main.cpp as the build compiles it (linking
# tiny_ticket::compiled, which defines TINY_TICKET_COMPILED) and header-only,
# against a file that only includes <nlohmann/json.hpp> and parses one
# document (the floor any JSON-reading program pays), in rounds that
# alternate the three so all see the same machine load.
#
# Usage: bench/compile_time.sh [RUNS (default 5)] [EXTRA COMPILER FLAGS...]
# Environment: CXX (default c++), OPT (default -O2).
# Prints each figure's min / median / max and the ratio of the medians.
set -euo pipefail
runs=${1:-5}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cxx=${CXX:-c++}
opt=${OPT:--O2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/nlohmann_only.cpp" <<'EOF'
#include <iostream>
#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
    const auto j = nlohmann::json::parse(argc > 1 ? argv[1] : R"({"heads": [{"name": "intent", "labels": ["a"]}]})");
    std::cout << j["heads"][0]["name"].get<std::string>() << '\n';
}
EOF

# CPU seconds (user + system) of one compile to an object file.
cpu_seconds() {
    local src=$1
    shift
    /usr/bin/time -f '%U %S' -o "$tmp/t" "$cxx" -std=c++17 "$opt" "$@" -I"$repo/include" -c "$src" -o "$tmp/o.o"
    awk '{printf "%.2f\n", $1 + $2}' "$tmp/t"
}

quick=() header=() json=()
for ((i = 0; i < runs; ++i)); do
    quick+=("$(cpu_seconds "$repo/examples/quickstart/main.cpp" -DTINY_TICKET_COMPILED "$@")")
    header+=("$(cpu_seconds "$repo/examples/quickstart/main.cpp" "$@")")
    json+=("$(cpu_seconds "$tmp/nlohmann_only.cpp" "$@")")
done

stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f %.2f %.2f\n", v[1], m, v[NR]}'; }
read -r qmin qmed qmax <<<"$(stats "${quick[@]}")"
read -r hmin hmed hmax <<<"$(stats "${header[@]}")"
read -r jmin jmed jmax <<<"$(stats "${json[@]}")"
echo "compile CPU seconds, $cxx $opt $*, $runs runs each (min / median / max)"
printf '  %-44s %6s / %6s / %6s\n' "quickstart, linking tiny_ticket::compiled" "$qmin" "$qmed" "$qmax"
printf '  %-44s %6s / %6s / %6s\n' "quickstart, header-only" "$hmin" "$hmed" "$hmax"
printf '  %-44s %6s / %6s / %6s\n' "nlohmann/json.hpp + one parse" "$jmin" "$jmed" "$jmax"
awk -v a="$qmed" -v h="$hmed" -v b="$jmed" \
    'BEGIN {printf "  ratio of medians to nlohmann-only: compiled %.2fx, header-only %.2fx\n", a / b, h / b}'
