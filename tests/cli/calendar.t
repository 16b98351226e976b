#!/bin/bash
# The calendar module through the real binary: the shipped bank holidays
# against the statutory rules (computed independently in
# calendar/bank_holidays.py), the errors outside the years the data covers,
# and the rule file a commissioner writes first: when may we sign, for an
# award notice published on the Friday before a bank holiday?
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
cd "$tmp" || exit 1

# ---- the data against the Banking and Financial Dealings Act 1971 ----
cat >dump.svl <<'SVL'
import calendar
let cals = [calendar.england_and_wales, calendar.scotland, calendar.northern_ireland]
print join(["{c.name}: {join(c.holidays, " ")}" for c in cals], "\n")
SVL
if out=$("$SVL" run dump.svl 2>&1 | python3 "$root/tests/cli/calendar/bank_holidays.py"); then
  ok "GOV.UK bank holidays 2019-2027 follow the statutory rules in all three divisions"
else
  not_ok "GOV.UK bank holidays 2019-2027 follow the statutory rules in all three divisions" "$out"
fi

# ---- the commissioner's first file ----
cat >standstill.svl <<'SVL'
# Home care contract: the award notice goes out on Friday 22 May 2026,
# the Friday before the spring bank holiday.  When may we sign?
import calendar

let notice = date("2026-05-22")
let s = calendar.standstill(notice, cal: calendar.england_and_wales)
print "Award notice published {s.notice}."
print "Standstill ({s.rule}) ends at midnight on {s.last_day}."
print "The contract may be entered into from {s.contract_from}."
SVL
expect_out "standstill after a notice on the Friday before a bank holiday" "Award notice published 2026-05-22.
Standstill (8 working days beginning with the day the contract award notice is published) ends at midnight on 2026-06-03.
The contract may be entered into from 2026-06-04." "$SVL" run standstill.svl

# ---- the Act's standstill: s.51(2) and s.123(1) ----
# An English council's notice before St Andrew's Day, written from
# docs/stdlib/calendar.md alone: s.123(1) makes a bank holiday in any part
# of the UK a non-working day, so Monday 30 November 2026 (Scotland only)
# does not count.  By hand: Wed 25, Thu 26, Fri 27 Nov are days 1-3,
# Tue 1 to Fri 4 Dec days 4-7, Mon 7 Dec day 8.
cat >andrew.svl <<'SVL'
# Library services contract (an English county council): the award notice
# is published on Wednesday 25 November 2026.  When may we sign?
import calendar

let s = calendar.standstill(date("2026-11-25"))
print "Standstill ends at midnight on {s.last_day} ({s.calendar} working days); sign from {s.contract_from}."
print "Counting England and Wales's bank holidays only, it would end on {calendar.standstill_end(date("2026-11-25"), cal: calendar.england_and_wales)}."
SVL
expect_out "standstill over St Andrew's Day: a bank holiday in any part of the UK stops the count" "Standstill ends at midnight on 2026-12-07 (uk working days); sign from 2026-12-08.
Counting England and Wales's bank holidays only, it would end on 2026-12-04." "$SVL" run andrew.svl

# Every notice day of 2019 to 20 December 2027 against the Act's words,
# computed independently from the 1971 Act's rules.
cat >every.svl <<'SVL'
import calendar
let first = date("2019-01-01")
let days = [first + k * 1 day for k in 0..(date("2027-12-20") - first) / 1 day]
print join(["{d} {calendar.standstill_end(d)}" for d in days], "\n")
SVL
if out=$(timeout 300 "$SVL" run every.svl 2>&1 | (cd "$root/tests/cli/calendar" && python3 standstill_pa2023.py)); then
  ok "the pa2023 standstill for every notice day 2019-2027 is s.51(2) counted in s.123(1) working days"
else
  not_ok "the pa2023 standstill for every notice day 2019-2027 is s.51(2) counted in s.123(1) working days" "$out"
fi

# ---- errors ----
cat >late.svl <<'SVL'
import calendar
print calendar.standstill_end(date("2027-12-22"))
SVL
expect_status "a standstill running into 2028: exit 1" 1 "$SVL" run late.svl
expect_err "a standstill running into 2028: says what is known" "no bank holidays are known for 2028 in calendar uk (its data covers 2019 to 2027), so whether 2028-01-03 is a working day is unknown [E0407]"
expect_err "a standstill running into 2028: points back to the rule file" "called at late.svl:2:7"

cat >month.svl <<'SVL'
let start = date("2026-01-31")
print start + 1.5 months
SVL
expect_status "half a month added to a date: exit 1" 1 "$SVL" run month.svl
expect_err "half a month added to a date: message" "month.svl:2:7: error: a date moves by a whole number of months, got 1.5 months [E0407]"
expect_err "half a month added to a date: hint" "hint: add the part of a month as days: d + 1 month + 15 days"

cat >units.svl <<'SVL'
print [£18m / 36 months, 90 minutes as hours, date("2024-02-29") + 1 year, 12 months == 1 year]
SVL
expect_out "months and minutes" '[£500,000.00/month, 1.5 hours, date("2025-02-28"), true]' "$SVL" run units.svl

done_testing
