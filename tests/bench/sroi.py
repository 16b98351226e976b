#!/usr/bin/env python3
"""Peer for the 'sroi' benchmark workload. sroi.py programmes.csv [float]"""
import sys, csv
from decimal import Decimal, getcontext, ROUND_HALF_UP
getcontext().prec = 34
use_float = len(sys.argv) > 2 and sys.argv[2] == "float"
N = float if use_float else Decimal
RATE = N("0.035")
YEARS = 10
ONE = N("1")


def pct(s):
    return N(s[:-1]) / 100


def present_value(p):
    impact = p["annual_value"] * (ONE - p["deadweight"]) * (ONE - p["attribution"]) * (ONE - p["displacement"])
    return sum((impact * (ONE - p["drop_off"]) ** (t - 1) / (ONE + RATE) ** t for t in range(1, YEARS + 1)), N("0"))


results = []
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        p = {"id": int(r["id"]), "name": r["name"], "investment": N(r["investment"]),
             "annual_value": N(r["annual_value"]), "deadweight": pct(r["deadweight"]),
             "attribution": pct(r["attribution"]), "displacement": pct(r["displacement"]),
             "drop_off": pct(r["drop_off"])}
        pv = present_value(p)
        results.append({"id": p["id"], "name": p["name"], "pv": pv, "npv": pv - p["investment"],
                        "ratio": pv / p["investment"]})


def fmt(x, places):
    if use_float:
        return f"{x:.{places}f}"
    return str(x.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


print("programmes", len(results))
for r in sorted(results, key=lambda r: (-r["ratio"], r["id"]))[:5]:
    print(r["name"], fmt(r["ratio"], 4))
print("pv", fmt(sum((r["pv"] for r in results), N("0")), 2), "npv", fmt(sum((r["npv"] for r in results), N("0")), 2),
      "positive", sum(1 for r in results if r["npv"] > 0))
