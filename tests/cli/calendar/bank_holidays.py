#!/usr/bin/env python3
"""Bank holidays of 2019-2027 computed from the published rules, compared
with the dates stdlib/calendar.svl ships (read from `svl run` output on
stdin: one line per division, "name: YYYY-MM-DD YYYY-MM-DD ...").

The rules: Banking and Financial Dealings Act 1971, Schedule 1 (as amended
by the St Andrew's Day Bank Holiday (Scotland) Act 2007), the days added
every year by Royal Proclamation (New Year's Day in England, Wales and
Northern Ireland; Boxing Day and the spring holiday in Scotland; the
Battle of the Boyne in Northern Ireland), the customary substitute days
(a holiday on a Saturday or Sunday moves to the next weekday that is not
already a holiday), and the one-off proclamations of these years: the
early May holiday moved to Friday 8 May 2020 (VE day), the spring holiday
moved to Thursday 2 June 2022 with Friday 3 June added (Platinum
Jubilee), 19 September 2022 (state funeral) and 8 May 2023 (coronation).
Prints TAP."""
import datetime as dt
import sys


def easter(y):
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(y, month, day)


def first_monday(y, m):
    d = dt.date(y, m, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def last_monday(y, m):
    d = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=d.weekday())


def substitute(fixed, movable):
    """fixed: days on a set date, substituted when on a weekend;
    movable: days that are always weekdays."""
    taken = set(movable) | {d for d in fixed if d.weekday() < 5}
    for d in sorted(x for x in fixed if x.weekday() >= 5):
        s = d
        while s.weekday() >= 5 or s in taken:
            s += dt.timedelta(days=1)
        taken.add(s)
    return taken


def division(name, y):
    e = easter(y)
    early_may = dt.date(2020, 5, 8) if y == 2020 else first_monday(y, 5)
    spring = dt.date(2022, 6, 2) if y == 2022 else last_monday(y, 5)
    movable = [e - dt.timedelta(days=2), early_may, spring]
    fixed = [dt.date(y, 1, 1), dt.date(y, 12, 25), dt.date(y, 12, 26)]
    if name == "scotland":
        fixed += [dt.date(y, 1, 2), dt.date(y, 11, 30)]
        movable += [first_monday(y, 8)]
    else:
        movable += [e + dt.timedelta(days=1), last_monday(y, 8)]
    if name == "northern-ireland":
        fixed += [dt.date(y, 3, 17), dt.date(y, 7, 12)]
    extra = {2022: [dt.date(2022, 6, 3), dt.date(2022, 9, 19)], 2023: [dt.date(2023, 5, 8)]}
    return substitute(fixed, movable + extra.get(y, []))


def main():
    n = 0
    failed = 0
    for line in sys.stdin:
        name, _, dates = line.strip().partition(": ")
        shipped = sorted(dt.date.fromisoformat(d) for d in dates.split())
        expected = sorted(d for y in range(2019, 2028) for d in division(name, y))
        n += 1
        if shipped == expected:
            print(f"ok {n} - {name}: {len(shipped)} bank holidays 2019-2027 follow the statutory rules")
        else:
            failed += 1
            print(f"not ok {n} - {name}: shipped and computed bank holidays differ")
            print("# only shipped: " + " ".join(str(d) for d in sorted(set(shipped) - set(expected))))
            print("# only computed: " + " ".join(str(d) for d in sorted(set(expected) - set(shipped))))
    print(f"1..{n}")
    return 1 if failed or n != 3 else 0


if __name__ == "__main__":
    sys.exit(main())
