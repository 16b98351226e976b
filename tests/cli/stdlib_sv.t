#!/bin/bash
# Errors of the sroi, greenbook and toms stdlib modules through the real
# binary (`svl test` cannot expect an error): each is a runtime error
# (exit 1) whose message says what is wrong, with the call stack leading
# back to the rule file's line.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
cd "$tmp" || exit 1

# fails NAME 'SVL SOURCE' 'STDERR FRAGMENT': the file runs to exit 1 and
# says the fragment.
fails() {
  printf '%s\n' "$2" >r.svl
  expect_status "$1: exit 1" 1 "$SVL" run r.svl
  expect_err "$1: message" "$3"
}

# ---- sroi: rates ----
fails "negative deadweight" 'import sroi
print sroi.impact(£100, deadweight: -5%)' "deadweight cannot be negative, got -5%"
expect_err "negative deadweight: points back to the caller" "in impact, called at r.svl:2:7"
fails "attribution over 100%" 'import sroi
print sroi.impact(£100, attribution: 120%)' "attribution cannot be over 100%, got 120%"
fails "a bare 20 is not 20%" 'import sroi
print sroi.impact(£100, displacement: 20)' "displacement must be a percentage such as 20%, got 20 (write 20% for 20 per cent)"
fails "a bare 1 is neither 1% nor 100%" 'import sroi
print sroi.impact(£100, deadweight: 1)' "deadweight must be a percentage such as 20%, got 1 (write 1% for 1 per cent, or 100% if 1 is a fraction)"
fails "a bare fraction is not a rate" 'import sroi
print sroi.impact(£100, attribution: 0.2)' "attribution must be a percentage such as 20%, got 0.2 (write 0.2% for 0.2 per cent, or 20% if 0.2 is a fraction)"
fails "a rate must be a number" 'import sroi
print sroi.impact(£100, deadweight: "20%")' "deadweight must be a rate such as 20%, got 20% (text)"
fails "unknown combination" 'import sroi
print sroi.impact(£100, combine: "add")' 'combine must be "multiplicative" or "additive", got add'
fails "additive sum over 100%" 'import sroi
print sroi.impact(£100, deadweight: 60%, attribution: 50%, combine: "additive")' "deadweight + displacement + attribution cannot exceed 100%, got 110%"
fails "negative drop-off" 'import sroi
print sroi.project(£100, 3, drop_off: -1%)' "drop_off cannot be negative"
fails "fractional years" 'import sroi
print sroi.project(£100, 2.5)' "years must be a whole number, got 2.5"
fails "discount rate over 100%" 'import sroi
print sroi.present_value([£100], rate: 150%)' "rate cannot be over 100%, got 150%"
fails "unknown rate schedule" 'import sroi
print sroi.present_value([£100], rate: "flat")' 'rate must be a rate such as 3.5% or "declining"'
fails "first year neither 0 nor 1" 'import sroi
print sroi.present_value([£100], first_year: 2)' "first_year must be 1 (SROI Guide: the first year is discounted) or 0 (Green Book: year 0 is not discounted), got 2"
fails "negative year" 'import sroi
print sroi.discount_factor(-1)' "the year must be 0 or more, got -1"

# ---- sroi: ratios ----
fails "zero investment" 'import sroi
print sroi.ratio(£100, £0)' "ratio: the investment is zero, so there is no ratio"
fails "zero investment in net SROI" 'import sroi
print sroi.net_sroi(£100, £0)' "net_sroi: the investment is zero, so there is no ratio"
fails "negative investment" 'import sroi
print sroi.ratio(£100, -£5)' "ratio: the investment must be positive, got -£5.00"
fails "currencies differ" 'import sroi
print sroi.ratio(£100, $5)' "ratio: the amounts must be in the same unit, got GBP and USD"
fails "zero investment in evaluate" 'import sroi
print sroi.evaluate([{quantity: 1, proxy: £100}], £0)' "ratio: the investment is zero"
fails "no outcomes" 'import sroi
print sroi.evaluate([], £100)' "evaluate expects a non-empty list of outcomes"
fails "outcome without a proxy" 'import sroi
print sroi.evaluate([{name: "jobs", quantity: 2}], £100)' "evaluate: outcome jobs needs an 'indicator' or a 'proxy'"
fails "payback of nothing" 'import sroi
print sroi.payback_months(£100, £0)' "the annual impact must be positive to pay anything back"
fails "multiplier below 1" 'import sroi
print sroi.additionality(100, 20, multiplier: 0.5)' "multiplier must be a plain number of 1 or more, got 0.5"
fails "leakage over 100%" 'import sroi
print sroi.net_impact(100, leakage: 110%)' "leakage cannot be over 100%, got 110%"
fails "LM3 round 2 above round 1" 'import sroi
print sroi.lm3(£100, £200, £0)' "lm3: round 2 (£200.00) cannot exceed round 1 (£100.00)"
fails "LM3 zero spend" 'import sroi
print sroi.lm3(£0, £0, £0)' "lm3: round 1 (the initial spend) must be positive"

# ---- greenbook ----
fails "no carbon value for a year" 'import greenbook
print greenbook.carbon(2035)' 'no central carbon value for 2035 in series "2021-review"; it gives central values for [2021, 2050] only'
fails "unconfirmed carbon values" 'import greenbook
print greenbook.carbon(2024, series: "2022-prices")' "pass allow_unconfirmed: true to use them"
fails "unknown carbon series" 'import greenbook
print greenbook.carbon(2030, series: "2030")' 'no carbon value series "2030"'
fails "WELLBY of a plain number" 'import greenbook
print value(greenbook.wellby, 500)' "value of indicator wellby: expected a quantity in WELLBY, got a plain number"

# ---- toms: proxies ----
H='code,proxy,unit,price_year,source,licence'
bad() {  # bad NAME 'CSV ROWS' 'STDERR FRAGMENT'
  printf '%s\n%s\n' "$H" "$2" >p.csv
  fails "$1" 'import toms
print len(toms.load_proxies(load("p.csv"), label: "p.csv"))' "$3"
}
bad "wrong unit names the row" 'ECC1,£100,FTE,2024,s,l
ECC9,£100,hour,2024,s,l' "p.csv row 2: unit 'hour' does not match measure ECC9, which is counted in week (weeks): its proxy must be money per week"
bad "proxy that is not money" 'ECC1,100,FTE,2024,s,l' "p.csv row 1: the proxy of ECC1 must be an amount of money such as £12,654, got 100 (number)"
bad "proxy written with its unit" 'ECC1,£100 per FTE,FTE,2024,s,l' "p.csv row 1: the proxy of ECC1 must be an amount of money such as £12,654, got £100 per FTE (text)"
bad "unknown code" 'ECC99,£100,FTE,2024,s,l' "p.csv row 1: unknown measure code 'ECC99'"
bad "near code" 'ECC 10,£100,weeks,2024,s,l' "p.csv row 1: unknown measure code 'ECC 10'; did you mean ECC10?"
bad "record-only measure" 'ECC2,£100,%,2024,s,l' "p.csv row 1: measure ECC2 is recorded only (%), so it has no proxy value"
bad "missing price year" 'ECC1,£100,FTE,,s,l' "p.csv row 1: the price year of ECC1 must be a year such as 2024, got null"
bad "missing source" 'ECC1,£100,FTE,2024,,l' "p.csv row 1: the source of ECC1 is empty: every proxy needs its source"
bad "missing licence" 'ECC1,£100,FTE,2024,s,' "p.csv row 1: the licence of ECC1 is empty: every proxy needs its licence"
bad "duplicate code" 'ECC1,£100,FTE,2024,s,l
ECC1,£200,FTE,2024,s,l' "p.csv row 2: measure ECC1 already has a proxy in row 1"
printf 'code,proxy,unit,source,licence\nECC1,£100,FTE,s,l\n' >p.csv
fails "missing column" 'import toms
print toms.load_proxies(load("p.csv"))' "proxies row 1: missing column price_year; a proxy file has the columns code, proxy, unit, price_year, source, licence"
fails "relative path refused" 'import toms
print toms.load_proxies("p.csv")' 'toms.load_proxies: "p.csv" is a relative path, which would be read from the stdlib directory; pass load("p.csv") from your own file instead'
printf '%s\nECC1,£100,FTE,2024,s,l\nECC9,£5,FTE,2024,s,l\n' "$H" >p.csv
fails "absolute path names the file" "import toms
print toms.load_proxies(\"$tmp/p.csv\")" "$tmp/p.csv row 2: unit 'FTE' does not match measure ECC9"
printf '%s\nECC9,£5,weeks,2024,s,l\n' "$H" >p.csv
expect_out "absolute path loads" "£50.00" "$SVL" run /dev/stdin --allow-read "$tmp" <<SVL
import toms
print value(toms.load_proxies("$tmp/p.csv")[1], 10 weeks)
SVL
fails "value in the wrong unit names the measure" 'import toms
let p = toms.load_proxies(load("p.csv"))
print value(p[1], 3 * toms.FTE)' "value of indicator ECC9: expected a quantity in week, got FTE"
fails "no proxy loaded" 'import toms
let p = toms.load_proxies(load("p.csv"))
print toms.commitment_value(p, "ECC1", 2)' "toms: no proxy loaded for measure 'ECC1'; proxies were loaded for [\"ECC9\"]"
fails "unknown measure" 'import toms
print toms.measure("NT99")' "toms: no measure 'NT99' in the catalogue"

# ---- to_indicator ----
fails "to_indicator without a proxy" 'print to_indicator({code: "X", title: "t", unit: 1 week})' "indicator X has no 'proxy'"
fails "to_indicator proxy per the wrong unit" 'print to_indicator({code: "X", title: "t", unit: 1 week, proxy: £5})' "indicator X: proxy must be money per week, got GBP"
fails "to_indicator unit that is not a unit" 'print to_indicator({name: "Y", title: "t", unit: "week", proxy: £5})' "indicator Y: 'unit' must be a unit, got text"
fails "to_indicator of a list" 'print to_indicator([1])' "to_indicator expects a record, got list"

done_testing
