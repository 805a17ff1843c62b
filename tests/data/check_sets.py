#!/usr/bin/env python3
"""Check the hand-written ticket sets in tests/data and print their label counts.

Usage: python3 tests/data/check_sets.py [--markdown]

Checks every tests/data/*.jsonl file against the schema of tests/data/README.md:
required fields, known labels, ids unique across all files and shaped like the
file's prefix, `out_of_scope` only in the files written for it, a `style` on the
rows of the files that are scored per style. The rows of the newer files
(eval2 and every file after it) must not come near a row of the older files or of
each other: a word-set Jaccard of 0.5 or more is reported as a near-duplicate,
because a paraphrase of a training row in an evaluation set measures memory.

Exits 1 when anything is wrong, 0 otherwise. Standard library only.
"""

import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

HEADS = {
    "department": ["billing", "general", "logistics", "sales", "technical"],
    "sentiment": ["negative", "neutral", "positive"],
    "lead_intent": ["high", "low", "medium"],
    "churn_risk": ["high", "low"],
    "intent": ["account_access", "billing_issue", "cancellation", "complaint",
               "delivery_issue", "demo_request", "feature_request",
               "general_query", "order_change", "order_tracking", "praise",
               "pricing_inquiry", "refund", "technical_issue"],
}
OOS = "out_of_scope"
STYLES = ["long_email", "formal_oneliner", "shouting", "hinglish", "typos",
          "chat", "plain"]

# file -> (id prefix, out_of_scope allowed, style required, intent forced)
FILES = {
    "eval_tickets.jsonl": ("ev", False, False, None),
    "dev_tickets.jsonl": ("dv", False, False, None),
    "tune_tickets.jsonl": ("tn", False, False, None),
    "train_tickets.jsonl": ("tr", False, False, None),
    "eval2_tickets.jsonl": ("e2", True, True, None),
    "negation_tickets.jsonl": ("ng", True, True, None),
    "oos_train_tickets.jsonl": ("oo", True, False, OOS),
    "negation_train_tickets.jsonl": ("nt", True, False, None),
    "eval3_tickets.jsonl": ("e3", True, True, None),
    "style_train_tickets.jsonl": ("st", True, True, None),
}
OLD = ["eval_tickets.jsonl", "dev_tickets.jsonl", "tune_tickets.jsonl",
       "train_tickets.jsonl"]
NEW = ["eval2_tickets.jsonl", "negation_tickets.jsonl",
       "oos_train_tickets.jsonl", "negation_train_tickets.jsonl",
       "eval3_tickets.jsonl", "style_train_tickets.jsonl"]
NEAR = 0.5

EMOTICON = re.compile(r"(?<![\w/]):-?[()DPp/]|;-?\)|>:-?\(|</3|<3|\bxD\b|\^_\^|:'\(|T_T")
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def text_of(row):
    text = row.get("text")
    return text if isinstance(text, str) else ""


def has_emoji(text):
    return any(unicodedata.category(c) == "So" or 0x1F000 <= ord(c) <= 0x1FAFF
               for c in text)


def words(text):
    return set(WORD.findall(text.lower()))


def jaccard(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def style_problem(row):
    """A style label the text plainly contradicts; None when it fits."""
    text, style = row["text"], row["style"]
    n_words = len(text.split())
    if style == "long_email":
        if "\n\n" not in text:
            return "long_email without a blank line between paragraphs"
        if not 80 <= n_words <= 250:
            return "long_email of %d words (80-250)" % n_words
    if style == "formal_oneliner" and ("\n" in text or n_words > 45):
        return "formal_oneliner longer than one sentence line"
    if style == "shouting":
        letters = [c for c in text if c.isalpha() and c.isascii()]
        upper = sum(c.isupper() for c in letters)
        if "!!" not in text and (not letters or upper < 0.6 * len(letters)):
            return "shouting without caps or !!"
    if style == "hinglish" and not row.get("hinglish"):
        return "hinglish style on a row not marked hinglish"
    if style in ("plain", "chat", "typos") and "\n\n" in text:
        return "%s with paragraphs" % style
    return None


def load(path, errors):
    rows = []
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                errors.append("%s:%d: empty line" % (name, lineno))
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append("%s:%d: not JSON: %s" % (name, lineno, e))
                continue
            if not isinstance(row, dict):
                errors.append("%s:%d: not an object" % (name, lineno))
                continue
            row["_where"] = "%s:%d" % (name, lineno)
            rows.append(row)
    return rows


def check_row(name, row, errors):
    prefix, oos_ok, style_needed, forced = FILES.get(name, (None, False, False, None))
    where = row["_where"]
    for field in ["id", "text", "hinglish"] + list(HEADS):
        if field not in row:
            errors.append("%s: missing field %s" % (where, field))
    if not isinstance(row.get("text"), str) or not text_of(row).strip():
        errors.append("%s: text must be a non-empty string" % where)
    if not isinstance(row.get("hinglish"), bool):
        errors.append("%s: hinglish must be true or false" % where)
    rid = row.get("id")
    if not isinstance(rid, str):
        errors.append("%s: id must be a string" % where)
    elif prefix and not re.fullmatch(prefix + r"-\d{4}", rid):
        errors.append("%s: id %r is not %s-NNNN" % (where, rid, prefix))
    for head, labels in HEADS.items():
        value = row.get(head)
        allowed = labels + ([OOS] if head == "intent" and oos_ok else [])
        if value not in allowed:
            errors.append("%s: %s %r is not one of %s" % (where, head, value, ", ".join(allowed)))
    if forced and row.get("intent") != forced:
        errors.append("%s: every row of %s has intent %s" % (where, name, forced))
    if style_needed:
        if row.get("style") not in STYLES:
            errors.append("%s: style %r is not one of %s" % (where, row.get("style"), ", ".join(STYLES)))
        elif isinstance(row.get("text"), str):
            problem = style_problem(row)
            if problem:
                errors.append("%s: %s" % (where, problem))
    known = set(HEADS) | {"id", "text", "hinglish", "style", "_where"}
    for field in row:
        if field not in known:
            errors.append("%s: unknown field %s" % (where, field))


def counts_table(rows, with_style, markdown):
    lines = []
    heads = list(HEADS) + (["style"] if with_style else [])
    for head in heads:
        c = Counter(v if isinstance(v, str) else repr(v)
                    for v in (r.get(head) for r in rows))
        cells = ", ".join("%s %d" % (k, c[k]) for k in sorted(c, key=str))
        lines.append("| %s | %s |" % (head, cells) if markdown else "  %-12s %s" % (head, cells))
    extra = [("hinglish", sum(1 for r in rows if r.get("hinglish") is True)),
             ("emoji", sum(1 for r in rows if has_emoji(text_of(r)))),
             ("emoticon", sum(1 for r in rows if EMOTICON.search(text_of(r))))]
    cells = ", ".join("%s %d" % kv for kv in extra)
    lines.append("| rows with | %s |" % cells if markdown else "  %-12s %s" % ("rows with", cells))
    if markdown:
        lines = ["| head | counts |", "|---|---|"] + lines
    return lines


def main(argv):
    markdown = "--markdown" in argv
    errors = []
    data = {}
    for path in sorted(glob.glob(os.path.join(HERE, "*.jsonl"))):
        name = os.path.basename(path)
        if name not in FILES:
            errors.append("%s: unknown file; add it to FILES in check_sets.py" % name)
        data[name] = load(path, errors)
        for row in data[name]:
            check_row(name, row, errors)

    seen = {}
    for name, rows in data.items():
        for row in rows:
            rid = row.get("id")
            if not isinstance(rid, str):
                continue
            if rid in seen:
                errors.append("%s: id %s already used at %s" % (row["_where"], rid, seen[rid]))
            else:
                seen[rid] = row["_where"]

    # Near-duplicates: each new row against every older row, against the rows
    # of the other new files, and against earlier rows of its own file.
    near = []
    old_rows = [(r, words(text_of(r))) for n in OLD for r in data.get(n, [])]
    new_done = []
    for name in NEW:
        for row in data.get(name, []):
            w = words(text_of(row))
            for other, ow in old_rows + new_done:
                j = jaccard(w, ow)
                if j >= NEAR:
                    near.append((j, row, other))
            new_done.append((row, w))

    for name, rows in data.items():
        with_style = FILES.get(name, (None, False, False))[2]
        print("%s: %d rows" % (name, len(rows)))
        for line in counts_table(rows, with_style, markdown):
            print(line)
        print()

    for j, row, other in sorted(near, key=lambda t: -t[0]):
        errors.append("near-duplicate (Jaccard %.2f): %s %s\n    %r\n  ~ %s %s\n    %r" % (
            j, row["_where"], row.get("id"), row.get("text"),
            other["_where"], other.get("id"), other.get("text")))

    for e in errors:
        print("error: " + e)
    print("%d error(s), %d near-duplicate(s)" % (len(errors), len(near)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
