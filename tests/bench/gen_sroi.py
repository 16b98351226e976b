#!/usr/bin/env python3
"""Deterministic programmes for the 'sroi' benchmark workload:
gen_sroi.py N > programmes.csv

Each programme has an investment, an annual outcome value, deadweight,
attribution, displacement and a yearly drop-off (percentages, written as
"12.5%").  Every value is built from integers, so no binary float is ever
printed."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
x = 2024


def rnd(k):
    global x
    x = (x * 1103515245 + 12345) % 2147483648
    return x % k


def pct(tenths):
    return f"{tenths // 10}.{tenths % 10}%"


print("id,name,investment,annual_value,deadweight,attribution,displacement,drop_off")
for i in range(1, n + 1):
    investment = 50000 + rnd(1950000)
    pence = rnd(100)
    annual = 5000 + rnd(495000)
    print(f"{i},P{i:05d},{investment}.{pence:02d},{annual},{pct(rnd(500))},{pct(rnd(400))},"
          f"{pct(rnd(300))},{pct(rnd(250))}")
