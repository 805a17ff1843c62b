#!/usr/bin/env bash
# What emoji tokens (normalizer.emoji) change: two models trained on the same
# hand-written tickets with the same seed and configuration, one with the
# option off, one with it on, scored on the evaluation tickets that carry
# emoji or emoticons and on all of them.
#
#   bench/emoji_effect.sh BUILD_DIR [THREADS]
#
# Uses only the repository's data (tests/data). Prints a Markdown table.
set -euo pipefail
build=${1:?usage: bench/emoji_effect.sh BUILD_DIR [THREADS]}
threads=${2:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=$build/examples/tiny-ticket
[ -x "$cli" ] || { echo "emoji_effect.sh: $cli not built (cmake --build $build --target tiny-ticket)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# The shipped model's configuration without its fixed review thresholds, on
# the hand-written training files only (no generated corpus: what differs is
# the emoji option alone).
python3 - "$here" "$work" <<'PY'
import json, re, sys
here, work = sys.argv[1], sys.argv[2]
cfg = json.load(open(f"{here}/models/default-config.json"))
for on in (False, True):
    c = json.loads(json.dumps(cfg))
    c.setdefault("normalizer", {})["emoji"] = on
    json.dump(c, open(f"{work}/cfg-{'on' if on else 'off'}.json", "w"))
emo = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50]|(^|\\s)(:-?[()DP/]|:'\\(|>:\\(|</?3|xD|XD)(\\s|$|[.,!?])")
rows = [json.loads(l) for l in open(f"{here}/tests/data/eval_tickets.jsonl")]
with open(f"{work}/eval_emoji.jsonl", "w") as f:
    for r in rows:
        if emo.search(r["text"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
data=(--data "$here/tests/data/train_tickets.jsonl" --data "$here/tests/data/dev_tickets.jsonl"
      --data "$here/tests/data/tune_tickets.jsonl")
acc() {  # model, data file, head -> accuracy from eval --json
  "$cli" eval --model "$1" --data "$2" --config "$work/cfg-off.json" --json "$work/r.json" >/dev/null 2>&1
  python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['metrics']['heads']['$3']['accuracy'])" "$work/r.json"
}
n_emoji=$(wc -l < "$work/eval_emoji.jsonl")
echo "| normalizer.emoji | sentiment, $n_emoji tickets with emoji | sentiment, all 404 | intent, all 404 |"
echo "|---|---|---|---|"
for mode in off on; do
  "$cli" train "${data[@]}" --exclude-near "$here/tests/data/eval_tickets.jsonl" --config "$work/cfg-$mode.json" \
    --threads "$threads" --out "$work/$mode.json" --quiet >/dev/null 2>&1
  echo "| $mode | $(acc "$work/$mode.json" "$work/eval_emoji.jsonl" sentiment) |" \
       "$(acc "$work/$mode.json" "$here/tests/data/eval_tickets.jsonl" sentiment) |" \
       "$(acc "$work/$mode.json" "$here/tests/data/eval_tickets.jsonl" intent) |"
done
