#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keeps the command-line synopses in README.md and docs/*.md identical to
what the built binary prints.

A synopsis block is a fenced block without a language (a bare ```) whose
first line starts with "tiny-ticket ". Its lines are grouped by subcommand (a
group runs from a line "tiny-ticket <cmd> ..." over the indented lines that
continue it and further lines of the same <cmd>); each group must equal the
synopsis of `tiny-ticket <cmd> --help`: its usage lines, "usage: " removed,
up to the first description line (two spaces, then text). README.md must
show every subcommand the binary lists.

Usage: docs_cli_synopsis.py <tiny-ticket binary> <source dir>
"""
import glob
import os
import re
import subprocess
import sys


def run(cli, *args):
    r = subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit(f"{cli} {' '.join(args)}: exit status {r.returncode}\n{r.stderr}")
    return r.stdout


def synopsis(cli, cmd):
    lines = run(cli, cmd, "--help").rstrip("\n").split("\n")
    if not lines[0].startswith("usage: "):
        sys.exit(f"tiny-ticket {cmd} --help: expected a first line starting with 'usage: ', got {lines[0]!r}")
    lines[0] = lines[0][len("usage: "):]
    out = []
    for line in lines:
        if re.match(r"  \S", line):
            break
        out.append(line.rstrip())
    return out


def synopsis_blocks(path):
    """(first line number, lines) of every bare fenced block starting with 'tiny-ticket '."""
    blocks, inside, bare, start, cur = [], False, False, 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.lstrip().startswith("```"):
                if not inside:
                    inside, bare, start, cur = True, line.strip() == "```", n + 1, []
                else:
                    if bare and cur and cur[0].startswith("tiny-ticket "):
                        blocks.append((start, cur))
                    inside = False
            elif inside:
                cur.append(line.rstrip())
    return blocks


def groups(lines):
    """Split a block into (command, lines) runs."""
    out = []
    for line in lines:
        m = re.match(r"tiny-ticket (\S+)", line)
        if m and (not out or out[-1][0] != m.group(1)):
            out.append((m.group(1), [line]))
        elif out:
            out[-1][1].append(line)
    return out


def main():
    cli, src = sys.argv[1], sys.argv[2]
    listing = run(cli, "--help")
    commands = re.findall(r"^  ([a-z][a-z0-9-]*) ", listing, re.M)
    if not commands:
        sys.exit(f"tiny-ticket --help lists no commands:\n{listing}")
    want = {c: synopsis(cli, c) for c in commands}
    failures, checked = [], 0
    shown_in_readme = set()
    docs = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "*.md")))
    for doc in docs:
        rel = os.path.relpath(doc, src)
        for start, lines in synopsis_blocks(doc):
            for cmd, got in groups(lines):
                checked += 1
                if rel == "README.md":
                    shown_in_readme.add(cmd)
                if cmd not in want:
                    failures.append(f"{rel}:{start}: 'tiny-ticket {cmd}' is not a command (tiny-ticket --help lists {', '.join(commands)})")
                elif got != want[cmd]:
                    failures.append(f"{rel}:{start}: the synopsis of 'tiny-ticket {cmd}' differs from its --help;\n"
                                    "    in the doc:\n      " + "\n      ".join(got) +
                                    "\n    --help says:\n      " + "\n      ".join(want[cmd]))
    for cmd in commands:
        if cmd not in shown_in_readme:
            failures.append(f"README.md: no synopsis block shows 'tiny-ticket {cmd}' (copy it from 'tiny-ticket {cmd} --help')")
    if failures:
        print("\n".join(failures))
        print(f"{len(failures)} problem(s); synopses are the usage lines of 'tiny-ticket <cmd> --help', without 'usage: '")
        return 1
    print(f"{checked} synopses in {len(docs)} files match --help of {len(commands)} commands: docs synopsis OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
