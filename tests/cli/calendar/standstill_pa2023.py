#!/usr/bin/env python3
"""The Procurement Act 2023 standstill, computed from the Act's own words,
compared with what stdlib/calendar.svl gives (read from `svl run` output on
stdin: one line per notice day, "YYYY-MM-DD YYYY-MM-DD", the notice and the
last day of the standstill under the default calendar).

The words (legislation.gov.uk, docs/stdlib/calendar.md [A1]):
  s.51(2)  the mandatory standstill period is "the period of eight working
           days beginning with the day on which a contract award notice is
           published";
  s.123(1) "working day" means a day other than a Saturday or Sunday, or
           "a day which is a bank holiday in any part of the United Kingdom
           under the Banking and Financial Dealings Act 1971".
The bank holidays of each part are those bank_holidays.py computes from the
1971 Act's Schedule 1 and the proclamations; "any part" is their union.
Prints TAP."""
import datetime as dt
import sys

from bank_holidays import division

YEARS = range(2019, 2028)
ANY_PART = {d for y in YEARS for name in ("england-and-wales", "scotland", "northern-ireland")
            for d in division(name, y)}


def working_day(d):
    return d.weekday() < 5 and d not in ANY_PART


def last_day(notice):
    # "eight working days beginning with the day ... published": the notice
    # day is the first of them if it is a working day.
    d, n = notice, 0
    while True:
        if working_day(d):
            n += 1
            if n == 8:
                return d
        d += dt.timedelta(days=1)


def main():
    rows = [line.split() for line in sys.stdin if line.strip()]
    bad = [(n, got, str(last_day(dt.date.fromisoformat(n)))) for n, got in rows
           if got != str(last_day(dt.date.fromisoformat(n)))]
    ok = rows and not bad
    print(f"{'ok' if ok else 'not ok'} 1 - the s.51(2)/s.123(1) standstill for {len(rows)} notice days")
    for n, got, want in bad[:10]:
        print(f"# notice {n}: shipped {got}, the Act gives {want}")
    print("1..1")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
