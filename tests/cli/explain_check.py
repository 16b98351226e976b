#!/usr/bin/env python3
"""svl explain on every example (tests/cli/explain.t): one bid's total,
explained (tree and --plain) and compared with a golden file in
tests/cli/explain/golden/; each also checked for what the issue asks of
it: it names the bid, shows no _name and no path outside the example's
folder, and the plain narrative fits in 25 lines.  --vs of the winner and
the runner-up: the parts shown add up exactly to the difference shown, and
in JSON the exact parts add up to the exact difference.

  python3 tests/cli/explain_check.py SVL [--write]
--write rewrites the golden files from the binary's output (read them
before committing)."""
import json
import os
import re
import subprocess
import sys
from decimal import Decimal, getcontext

getcontext().prec = 80
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SVL, WRITE = sys.argv[1], "--write" in sys.argv
GOLDEN = os.path.join(ROOT, "tests", "cli", "explain", "golden")

# name, file, extra args, one bid's total, the bid it names, (winner, runner-up) or None
CASES = [
    ("waste", "tests/cli/explain/waste/evaluation.svl", [], "total(bids[3])", "Clearway Recycling CIC",
     ("total(winner)", "total(ranking[2])")),
    ("home_care", "examples/home_care/evaluation.svl", ["--input", "bids=examples/home_care/bids.csv"],
     "score(valid[3])", "Cedar Support CIC", ("score(valid[3])", "score(valid[1])")),
    ("home_care_sv", "examples/home_care_sv/report.svl", [], "total(ranking[1])", "Cedar Support CIC",
     ("total(ranking[1])", "total(ranking[2])")),
    ("scoring", "examples/scoring/report.svl", [], "total(ev.ranking[1])", "Beacon Mobility CIC",
     ("total(ev.ranking[1])", "total(ev.ranking[2])")),
    ("ocds", "examples/ocds/score.svl", [], "score(main[1])", "Valley Community Buses",
     ("score(main[1])", "score(main[2])")),
    ("pipeline", "examples/pipeline/pipeline.svl", [], "ready_to_go(pipeline[1])", "Office cleaning, northern estate", None),
    ("sroi_programme", "examples/sroi_programme/programme.svl", [], "sroi_outcome(outcomes[1], greenbook.wellby)",
     "Sustained employment", None),
]

n = 0
failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {desc}")
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:30]:
            print("# " + line)


def run(args):
    p = subprocess.run([SVL, "explain"] + args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def golden(name, text):
    path = os.path.join(GOLDEN, name)
    if WRITE:
        with open(path, "w") as f:
            f.write(text)
    try:
        with open(path) as f:
            want = f.read()
    except OSError:
        want = None
    return want


UNDERSCORE = re.compile(r"(?<![\w.])_[A-Za-z]")
ABS_PATH = re.compile(r"(^|[\s(\"'])/[A-Za-z]")


def properties(label, text, who, plain):
    ok(who in text, f"{label} names the bid ({who})", text)
    bad = UNDERSCORE.findall(text)
    ok(not bad, f"{label} shows no _name", "\n".join(l for l in text.splitlines() if UNDERSCORE.search(l)))
    ok(not ABS_PATH.search(text) and "../" not in text, f"{label} shows no path outside the example's folder",
       "\n".join(l for l in text.splitlines() if ABS_PATH.search(l) or "../" in l))
    if plain:
        lines = text.rstrip("\n").split("\n")
        ok(len(lines) <= 25, f"{label} fits in 25 lines ({len(lines)})", text)


def shown(s):
    """'+2.34', '−0.98', '£1,234.00' -> Decimal"""
    s = s.replace("−", "-").replace(",", "").replace("£", "").replace("+", "")
    return Decimal(s)


for name, path, extra, expr, who, vs in CASES:
    for plain in (False, True):
        flag = ["--plain"] if plain else []
        rc, out, err = run([path, expr] + extra + flag)
        label = f"{name}: explain {expr}{' --plain' if plain else ''}"
        ok(rc == 0, f"{label} runs", err)
        want = golden(f"{name}{'.plain' if plain else ''}.txt", out)
        ok(want == out, f"{label} is as in its golden file", "golden file missing" if want is None else
           "\n".join(l for l in __import__("difflib").unified_diff(want.splitlines(), out.splitlines(), lineterm="")))
        properties(label, out, who, plain)
    if not vs:
        continue
    a, b = vs
    rc, out, err = run([path, a, "--vs", b] + extra)
    label = f"{name}: explain {a} --vs {b}"
    ok(rc == 0, f"{label} runs", err)
    want = golden(f"{name}.vs.txt", out)
    ok(want == out, f"{label} is as in its golden file", "golden file missing" if want is None else
       "\n".join(l for l in __import__("difflib").unified_diff(want.splitlines(), out.splitlines(), lineterm="")))
    head = out.split("\n")[0]
    m = re.search(r": ([+−]?[\d,.]+)$", head)
    parts = [shown(x) for x in re.findall(r"^  \S.*? ([+−][\d,.]+)(?: \(|$)", out.split("\n\n")[0], re.M)]
    ok(m is not None and parts and sum(parts) == shown(m.group(1)),
       f"{label}: the parts shown add up to the difference shown", out.split("\n\n")[0])
    subs_ok = True
    block = out.split("\n\n")[0].split("\n")[1:]
    i = 0
    while i < len(block):
        top = re.match(r"^  \S.*? ([+−][\d,.]+)", block[i])
        subs = []
        j = i + 1
        while j < len(block) and block[j].startswith("    "):
            subs.append(shown(re.match(r"^    .*? ([+−][\d,.]+) \(", block[j]).group(1)))
            j += 1
        if top and subs and sum(subs) != shown(top.group(1)):
            subs_ok = False
        i = j
    ok(subs_ok, f"{label}: each criterion's sub-criteria add up to it", out)
    rc, out, err = run([path, a, "--vs", b, "--format", "json"] + extra)
    try:
        d = json.loads(out)
        exact = sum(Decimal(p["difference"]) for p in d["parts"])
        total = Decimal(d["difference"]["number"])
        ok(exact == total and sum(Decimal(p["shown"]) for p in d["parts"]) == Decimal(d["difference"]["shown"]),
           f"{label} as JSON: the exact parts add up to the exact difference", out[:2000])
        ok(who in (d["a"].get("record"), d["b"].get("record")), f"{label} as JSON names the bids", out[:500])
    except (ValueError, KeyError) as e:
        ok(False, f"{label} as JSON", f"{e}: {out[:500]} {err}")

print(f"1..{n}")
sys.exit(1 if failed else 0)
