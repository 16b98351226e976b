#!/usr/bin/env python3
"""svl check against the evaluator, for tests/cli/check_exact.t.

Random `hit unique` tables of one or two number inputs (a fixed seed, so
every run tests the same tables) are checked with `svl check --format
json`, then the same rows under `hit collect` are evaluated on a grid that
holds a point of every segment the constants cut the inputs into.  The
check is exact when:
  - it reports a gap if and only if some grid point matches no row;
  - the pairs of rows it reports as overlapping are exactly the pairs that
    match together somewhere on the grid;
  - each gap's example matches no row, and each overlap's example matches
    both of its rows.
Prints TAP; exits 1 on any failure.

  check_exact.py SVL SEED COUNT
"""
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction

SVL, SEED, COUNT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CONSTANTS = ["0", "5", "10", "10.5", "-3"]
rng = random.Random(SEED)


def num(x):
    return str(x.numerator) if x.denominator == 1 else str(float(x))


def constant():
    return rng.choice(CONSTANTS)


def ordered_range():
    a, b = sorted([Fraction(constant()), Fraction(constant())])
    return "%s..%s" % (num(a), num(b))


def cell():
    r = rng.random()
    if r < 0.15:
        return "-"
    if r < 0.45:
        return rng.choice(["<", "<=", ">", ">=", "!="]) + " " + constant()
    if r < 0.60:
        return constant()
    if r < 0.75:
        return ordered_range()
    if r < 0.87:
        return "%s, %s %s" % (constant(), rng.choice(["<", ">"]), constant())
    return "not(%s)" % rng.choice([constant(), "< " + constant(), ordered_range()])


def grid_points():
    bounds = sorted({Fraction(c) for c in CONSTANTS})
    pts = set(bounds) | {bounds[0] - 1, bounds[-1] + 1}
    pts |= {(a + b) / 2 for a, b in zip(bounds, bounds[1:])}
    return sorted(pts)


def run_json(path):
    r = subprocess.run([SVL, "run", path, "--format", "json"], capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)


def main():
    work = tempfile.mkdtemp()
    path, probe = os.path.join(work, "t.svl"), os.path.join(work, "probe.svl")
    failed = 0
    print("1..%d" % COUNT)
    for n in range(1, COUNT + 1):
        cols = ["x", "y"][: rng.choice([1, 1, 2])]
        rows = [[cell() for _ in cols] for _ in range(rng.randint(1, 5))]

        def table(name, hit):
            t = ["table %s(%s) %s {" % (name, ", ".join(cols), hit), "  | %s || r |" % " | ".join(cols)]
            t += ["  | %s || %d |" % (" | ".join(r), i + 1) for i, r in enumerate(rows)]
            return t + ["}"]

        src = table("t", "hit unique") + table("c", "hit collect")
        grid = list(itertools.product(grid_points(), repeat=len(cols)))
        with open(path, "w") as f:
            f.write("\n".join(src + ["let main = [%s]" % ", ".join(
                "c(%s)" % ", ".join(num(v) for v in g) for g in grid)]) + "\n")
        r = subprocess.run([SVL, "check", "--format", "json", path], capture_output=True, text=True, timeout=60)
        found = [f for f in json.loads(r.stdout) if f["message"].startswith("table t:")]
        gaps = [f for f in found if f["code"] == "E0601"]
        overlaps = [f for f in found if f["code"] == "E0602"]
        matches = run_json(path)
        unmatched = [g for g, m in zip(grid, matches) if not m]
        together = {p for m in matches for p in itertools.combinations(m, 2)}
        reported = set()
        for f in overlaps:
            a, b = f["message"].split("rows ")[1].split(" overlap")[0].split(" and ")
            reported.add((int(a), int(b)))

        def at(example):
            values = dict(kv.split(" = ") for kv in example.split(", ")) if example else {}
            with open(probe, "w") as f:
                f.write("\n".join(src + ["let main = c(%s)" % ", ".join(values.get(c, "0") for c in cols)]) + "\n")
            return run_json(probe)

        why = None
        if bool(unmatched) != bool(gaps):
            why = "gaps: unmatched grid points %s, check found %s" % (unmatched[:3], [f["message"] for f in gaps])
        elif together != reported:
            why = "overlapping pairs: evaluator %s, check %s" % (sorted(together), sorted(reported))
        for f in gaps:
            if not why and at(f["example"]):
                why = "the gap example %s matches a row" % f["example"]
        for f in overlaps:
            a, b = f["message"].split("rows ")[1].split(" overlap")[0].split(" and ")
            m = at(f["example"])
            if not why and not (int(a) in m and int(b) in m):
                why = "the overlap example %s matches rows %s" % (f["example"], m)
        if why:
            failed += 1
            print("not ok %d - table %d\n# %s\n# %s" % (n, n, why, "\n# ".join(src[: len(rows) + 3])))
        else:
            print("ok %d - table %d: %d rows, %d inputs, %d gaps, %d overlaps" % (
                n, n, len(rows), len(cols), len(gaps), len(overlaps)))
    return 1 if failed else 0


sys.exit(main())
