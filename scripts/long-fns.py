#!/usr/bin/env python3
"""Lists the functions in src/ longer than a limit (default 100 lines), longest first.

The house rule is no function over ~100 lines; this is how it is checked. A function's
length runs from its `fn` line to its closing brace, comments and blank lines included.
Strings, characters and comments are skipped when matching braces, so a `{` inside a
string literal does not count.

Usage: scripts/long-fns.py [--limit N] [DIR]   (exit status 1 when any is listed)
"""
import os
import re
import sys

FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)")


def code_only(text):
    """The text with strings, char literals and comments blanked out (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 20]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('x', '\n', '\u{..}') rather than a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(path, limit):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = code_only(text).split("\n")
    found = []
    for start, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, opened = 0, False
        for end in range(start, len(lines)):
            for ch in lines[end]:
                if ch == "{":
                    depth, opened = depth + 1, True
                elif ch == "}":
                    depth -= 1
                elif ch == ";" and not opened and depth == 0:
                    break  # a declaration without a body (trait method)
            else:
                if opened and depth == 0:
                    length = end - start + 1
                    if length > limit:
                        found.append((length, path, start + 1, m.group(1)))
                    break
                continue
            break
    return found


def main():
    args = sys.argv[1:]
    limit = 100
    if args[:1] == ["--limit"]:
        limit, args = int(args[1]), args[2:]
    root = args[0] if args else "src"
    found = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.endswith(".rs"):
                found += long_functions(os.path.join(dirpath, name), limit)
    for length, path, line, name in sorted(found, reverse=True):
        print(f"{length:5} {path}:{line} {name}")
    print(f"{len(found)} functions over {limit} lines", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
