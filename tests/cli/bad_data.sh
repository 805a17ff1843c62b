#!/usr/bin/env bash
# Bad data stops `train` before training with a file:line error, or is
# repaired with a warning; never a crash after training. Also --folds and the
# small-validation warning.
set -euo pipefail
exe=$1 src=$2 shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 36 rows, two heads; the texts are distinct enough to train in a few epochs.
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
words = {"billing": ["invoice", "refund", "charge", "payment", "receipt", "price"],
         "technical": ["crash", "login", "error", "password", "sync", "upload"],
         "shipping": ["parcel", "courier", "delivery", "tracking", "package", "return"]}
with open(d + "/ok.csv", "w") as f:
    f.write("text,queue,priority\n")
    for q, ws in words.items():
        for i in range(12):
            f.write(f"my {ws[i % 6]} problem number {i} with the {ws[(i + 1) % 6]},{q},{('low', 'high')[i % 2]}\n")
with open(d + "/cfg_typo.json", "w") as f:
    f.write('{"heads": [{"name": "queue"}, {"name": "prority"}]}')
with open(d + "/cfg_empty.json", "w") as f:
    f.write('{"data": {"columns": {"queue": "queue", "note": "note"}}, "heads": [{"name": "queue"}, {"name": "note", "labels": ["a", "b"]}]}')
PY
quick=(--seed 1)

# A header-only CSV.
printf 'text,queue\n' > "$tmp/header.csv"
if "$exe" train --data "$tmp/header.csv" --out "$tmp/m.json" 2> "$tmp/err"; then fail "header-only CSV trained"; fi
grep -q '^tiny-ticket train: \[tiny_ticket.data\] .*header.csv:1: no data rows' "$tmp/err" || fail "header-only: $(cat "$tmp/err")"

# A Latin-1 byte in a label: an error naming file:line, before training.
{ head -5 "$tmp/ok.csv"; printf 'caf\xe9 au lait order,b\xe9lling,low\n'; tail -n +6 "$tmp/ok.csv"; } > "$tmp/latin_label.csv"
if "$exe" train --data "$tmp/latin_label.csv" --out "$tmp/m.json" 2> "$tmp/err"; then fail "Latin-1 label trained"; fi
grep -q '\[tiny_ticket.data\] .*latin_label.csv:6: the label of head "queue" holds bytes that are not UTF-8' "$tmp/err" \
  || fail "Latin-1 label: $(cat "$tmp/err")"
if grep -q "epoch" "$tmp/err"; then fail "Latin-1 label: training started"; fi
# The same in JSONL.
printf '{"text": "hello there", "queue": "b\xe9lling"}\n{"text": "hi", "queue": "x"}\n' > "$tmp/latin_label.jsonl"
if "$exe" train --data "$tmp/latin_label.jsonl" --out "$tmp/m.json" 2> "$tmp/err"; then fail "JSONL Latin-1 label trained"; fi
grep -q 'latin_label.jsonl:1: the label of head "queue" holds bytes that are not UTF-8' "$tmp/err" \
  || fail "JSONL Latin-1 label: $(cat "$tmp/err")"

# Latin-1 bytes in texts: repaired, counted, and the artifact is written whatever the seed
# (the self-test texts stored in it are picked by the seed).
{ head -1 "$tmp/ok.csv"; sed -e 's/problem/probl\xe8me/' <(tail -n +2 "$tmp/ok.csv"); } > "$tmp/latin_text.csv"
for seed in 1 2 3 4; do
  "$exe" train --data "$tmp/latin_text.csv" --out "$tmp/m$seed.json" --seed $seed > /dev/null 2> "$tmp/err" \
    || fail "Latin-1 texts, seed $seed: $(tail -3 "$tmp/err")"
  grep -q 'latin_text.csv:2: 36 byte(s) that are not UTF-8 in 36 text(s) replaced by U+FFFD' "$tmp/err" \
    || fail "no repair count: $(cat "$tmp/err")"
done
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/m1.json" || fail "artifact is not UTF-8 JSON"

# A misspelled head in the config: names the config file and the closest column.
if "$exe" train --data "$tmp/ok.csv" --config "$tmp/cfg_typo.json" --out "$tmp/m.json" 2> "$tmp/err"; then fail "typo trained"; fi
grep -q "\[tiny_ticket.argument\] .*cfg_typo.json:/heads/1/name: head \"prority\" names no column of the data (closest: \"priority\")" \
  "$tmp/err" || fail "config head typo: $(cat "$tmp/err")"
if grep -q "epoch" "$tmp/err"; then fail "config typo: training started"; fi

# A configured head whose column holds no label (even with labels given).
python3 -c '
import sys
rows = open(sys.argv[1]).read().splitlines()
open(sys.argv[2], "w").write("\n".join([rows[0] + ",note"] + [r + ", " for r in rows[1:]]) + "\n")' "$tmp/ok.csv" "$tmp/empty_col.csv"
if "$exe" train --data "$tmp/empty_col.csv" --config "$tmp/cfg_empty.json" --out "$tmp/m.json" 2> "$tmp/err"; then
  fail "head without labels trained"; fi
grep -q "\[tiny_ticket.data\] .*cfg_empty.json:/heads/1/name: head \"note\" has no labels in the data" "$tmp/err" \
  || fail "head without labels: $(cat "$tmp/err")"

# --head naming a missing column: the closest one is suggested.
if "$exe" train --data "$tmp/ok.csv" --head queu --out "$tmp/m.json" 2> "$tmp/err"; then fail "--head queu trained"; fi
grep -q 'ok.csv:1: expected a column "queu" (mapped to head "queu") in the header (closest: "queue")' "$tmp/err" \
  || fail "--head typo: $(cat "$tmp/err")"

# --folds: a cross-validation report per head, and the small-split warning names the fix.
"$exe" train --data "$tmp/ok.csv" --folds 3 --stratify queue --out "$tmp/m.json" "${quick[@]}" > "$tmp/out" 2> "$tmp/err" \
  || fail "--folds: $(cat "$tmp/err")"
grep -q 'cross-validation: 3 folds over 36 rows, stratified on "queue"' "$tmp/out" || fail "no CV header: $(cat "$tmp/out")"
for h in queue priority; do
  grep -Eq "^  $h +3 +12\.0 +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4}$" "$tmp/out" \
    || fail "no CV line for $h: $(cat "$tmp/out")"
done
"$exe" train --data "$tmp/ok.csv" --out "$tmp/m.json" "${quick[@]}" > /dev/null 2> "$tmp/err" || fail "train ok.csv"
grep -q 'warning: the validation split holds [0-9]* rows for the [0-9]* labels of head .*fewer than 5.*--folds 5' "$tmp/err" \
  || fail "no small-validation warning: $(cat "$tmp/err")"
if "$exe" train --data "$tmp/ok.csv" --folds 1 --out "$tmp/m.json" 2> /dev/null; then fail "--folds 1 accepted"; fi

# eval on a file with 30 labels the model does not know: 20 warnings, then a count.
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("text,queue,priority\n")
    for i in range(30):
        f.write(f"my invoice problem number {i},queue_{i},low\n")' "$tmp/unknown.csv"
"$exe" eval --model "$tmp/m.json" --data "$tmp/unknown.csv" > /dev/null 2> "$tmp/err" || fail "eval unknown: $(cat "$tmp/err")"
[ "$(grep -c '^tiny-ticket eval: warning: ' "$tmp/err")" = 20 ] || fail "eval: expected 20 warnings shown: $(cat "$tmp/err")"
grep -q '^tiny-ticket eval: 10 more warnings not shown (--json REPORT lists them all)$' "$tmp/err" \
  || fail "eval: no summary of the warnings not shown: $(tail -2 "$tmp/err")"
echo ok
