#!/usr/bin/env python3
"""Cross-checks of the error catalogue (docs/errors.md) against the sources,
for tests/cli/errors.t.  Prints one line per problem; exits 1 if any.

  error_codes.py ROOT documented   codes with a "## E...." section
  error_codes.py ROOT used         codes at raise sites in the library
  error_codes.py ROOT lint         raise sites whose message has no code
"""
import os
import re
import sys

ROOT = sys.argv[1]
LIB_DIRS = ("core", "lang", "eval", "stdlib", "api", "tools")
# raise function -> index of its format argument
RAISERS = {"vm_error": 2, "vm_error_hint": 3, "vm_error_kind": 3,
           "fail": 2, "perr": 2, "rerr": 3}
CODE = re.compile(r'"(E\d{4}) ')


def sources():
    for d in LIB_DIRS:
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith((".c", ".re", ".y")):
                yield os.path.join(d, name)


def skip_literal(s, i):
    i += 1
    while s[i] != '"':
        i += 2 if s[i] == "\\" else 1
    return i + 1


def call_args(s, i):
    """i just after '('; the (start, end) of each top-level argument."""
    args, depth, start = [], 0, i
    while i < len(s):
        c = s[i]
        if c == '"':
            i = skip_literal(s, i)
            continue
        if c == "'":
            i += 4 if s[i + 1] == "\\" else 3
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append((start, i))
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append((start, i))
            start = i + 1
        i += 1
    return args


def raise_sites():
    """(file, line, format argument text) of every call of a raiser."""
    pat = re.compile(r"\b(%s)\s*\(" % "|".join(RAISERS))
    for f in sources():
        s = open(os.path.join(ROOT, f), encoding="utf-8", errors="replace").read()
        for m in pat.finditer(s):
            line_start = s.rfind("\n", 0, m.start()) + 1
            before = s[line_start:m.start()]
            if re.search(r"\b(void|bool|static)\b", before):
                continue  # a definition or prototype
            if m.group(1) == "fail" and not f.endswith("lexer.re"):
                continue
            args = call_args(s, m.end())
            k = RAISERS[m.group(1)]
            if len(args) <= k:
                continue
            a, b = args[k]
            yield f, s.count("\n", 0, a) + 1, s[a:b].strip()


def main():
    what = sys.argv[2]
    if what == "documented":
        doc = open(os.path.join(ROOT, "docs", "errors.md"), encoding="utf-8").read()
        print("\n".join(re.findall(r"^## (E\d{4}) ", doc, re.M)))
        return 0
    if what == "used":
        codes = set()
        for f in sources():
            codes |= set(CODE.findall(open(os.path.join(ROOT, f), encoding="utf-8",
                                           errors="replace").read()))
            codes |= set(re.findall(r'code = "(E\d{4})"', open(os.path.join(ROOT, f),
                                    encoding="utf-8", errors="replace").read()))
        print("\n".join(sorted(codes)))
        return 0
    if what == "lint":
        bad = 0
        for f, line, fmt in raise_sites():
            # "a" "b" is one literal; a format chosen at run time
            # (cond ? "E.. a" : "E.. b") needs a code in every branch
            fmt1 = re.sub(r'"\s*\n?\s*"', "", fmt)
            lits = re.findall(r'"(?:[^"\\]|\\.)*"', fmt1)
            if not lits or not all(re.match(r'"E\d{4} ', l) for l in lits):
                if fmt in ("msg", "b.s", "buf"):
                    continue  # forwarding a message built (and coded) elsewhere
                print("%s:%d: message without an error code: %s" % (f, line, fmt[:70]))
                bad += 1
        return 1 if bad else 0
    return 2


sys.exit(main())
