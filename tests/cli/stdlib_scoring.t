#!/bin/bash
# Errors of the scoring, svm and thresholds stdlib modules through the real
# binary: each is a runtime error (exit 1) with a message that says what
# is wrong, and the call stack leads back to the rule file's line.
. "$(dirname "$0")/lib.sh"
case $SVL in /*) ;; *) SVL=$(pwd)/$SVL ;; esac
cd "$tmp" || exit 1

# fails NAME 'SVL SOURCE' 'STDERR FRAGMENT': the file runs to exit 1 and
# says the fragment.
fails() {
  printf '%s\n' "$2" >r.svl
  expect_status "$1: exit 1" 1 "$SVL" run r.svl
  expect_err "$1: message" "$3"
}

fails "zero price" 'import scoring
print scoring.relative_to_lowest(£0, £0, 40)' "error: price must be greater than zero (got £0.00)"
expect_err "zero price: points back to the caller" "in relative_to_lowest, called at r.svl:2:7"
fails "negative lowest" 'import scoring
print scoring.relative_to_lowest(£10, -£5, 40)' "lowest price must be greater than zero (got -£5.00)"
fails "null price" 'import scoring
print scoring.proportional_deviation(null, 100, 40)' "price is missing (null)"
fails "price below the lowest" 'import scoring
print scoring.relative_to_lowest(£90, £100, 40)' "price £90.00 is below the lowest price £100.00: pass the lowest compliant price as 'lowest'"
fails "mixed currencies" 'import scoring
print scoring.relative_to_lowest(€120, £100, 40)' "cannot compare EUR and GBP"
fails "relative to best: value above the best" 'import scoring
print scoring.score_relative_to_best(£500k, £400k, 20)' "value £500,000.00 is above the best value £400,000.00: pass the highest value among the bids as 'best'"
fails "relative to best: negative value" 'import scoring
print scoring.scores_relative_to_best([3, -1], 40)' "value must not be negative (got -1)"
fails "relative to best: no values" 'import scoring
print scoring.highest_value([])' "no values to take the highest of (is every bid excluded?)"
fails "no prices" 'import scoring
print scoring.lowest_price([])' "no prices to take the lowest of (is every bid excluded?)"
fails "zero price in a list" 'import scoring
print scoring.lowest_price([£5, £0])' "price must be greater than zero (got £0.00)"
fails "marks as money" 'import scoring
print scoring.relative_to_lowest(£5, £5, £40)' "the marks available must be a plain number, got £40.00"
fails "inverted bounds" 'import scoring
print scoring.linear_between_bounds(£5, £10, £8, 30)' "the upper bound £8.00 must be above the lower bound £10.00"
fails "log ratio" 'import scoring
print scoring.logarithmic(£5, £5, 1, 30)' "zero_ratio (the price ratio that scores 0) must be a plain number above 1, got 1"
fails "GPM above the point of inflection" 'import scoring
print scoring.graduated_pricing(£1.3m, [£1m, £1.05m, £1.2m, £1.3m])' "price £1,300,000.00 is above the point of inflection £1,153,125.00: the Graduated Pricing Mechanism's deduction above it is unconfirmed"
fails "zero quality under PQP" 'import scoring
print scoring.price_per_quality_point(£5, 0)' "quality score must be greater than zero (got 0)"
fails "weights under 100%" 'import scoring
print scoring.weighted_total({price: 100, quality: 50}, {price: 60%, quality: 35%})' "invalid weights: weights must total 100%, they total 95%"
fails "weights as whole numbers" 'import scoring
print scoring.weighted_total({price: 100, quality: 50}, {price: 60, quality: 40})' "write weights as percentages (60%, not 60)"
fails "a score missing" 'import scoring
print scoring.weighted_total({price: 100}, {price: 60%, quality: 40%})' "no score for quality: the weights name price, quality"
fails "points above the maximum" 'import scoring
print scoring.points_total({price: 80, quality: 10}, {price: 70, quality: 30})' "marks outside 0..maximum for price"
fails "unknown descriptor" 'import scoring
print scoring.quality_score(scoring.scale_0_4, "Superb")' "'Superb' is not on this scale: expected one of Unacceptable, Poor, Acceptable, Good, Excellent"
fails "score not on the scale" 'import scoring
print scoring.quality_label(scoring.scale_0_100, 60)' "60 is not a score on this scale: expected one of 0, 25, 50, 75, 100"
fails "unresolved tie for first place" 'import scoring
let bids = [{supplier: "A", total: 80}, {supplier: "B", total: 70}, {supplier: "C", total: 80}]
print scoring.winner(bids, [scoring.desc(b => b.total)])' "tie for first place between A and C after every tie-break key: declare a further tie-break"
fails "no bids" 'import scoring
print scoring.winner([], [scoring.desc(b => b.total)])' "no bids to choose a winner from"
fails "no ranking keys" 'import scoring
print scoring.rank_bids([{total: 1}], [])' "rank_bids needs a list of keys"
fails "null ranking key" 'import scoring
print scoring.rank_bids([{total: 1}, {total: null}], [scoring.desc(b => b.total)])' "a ranking key gave null"
fails "descending text" 'import scoring
print scoring.rank_bids([{s: "a"}, {s: "b"}], [scoring.desc(b => b.s)])' "descending order of texts is not supported"
fails "ALT with one tender" 'import scoring
print scoring.alt_screen([£1m], scoring.alt_scotland_2018)' "the abnormally-low screen needs at least two tenders"
fails "ALT without every parameter" 'import scoring
print scoring.alt_screen([£1m, £2m], {below_average: 15%, margin_rate: 1%})' "the screen needs every parameter explicitly; missing margin_min, margin_max, reference (use null for no margin bound; reference is \"lowest_qualifying\" or \"next_tender_up\")"
fails "ALT share out of range" 'import scoring
print scoring.alt_screen([£1m, £2m], scoring.alt_scotland_2018 with {below_average: 150%})' "below_average must be a percentage between 0% and 100%, got 150%"
fails "rank reversal needs unique names" 'import scoring
let bids = [{supplier: "A", t: 1}, {supplier: "A", t: 2}, {supplier: "B", t: 3}]
print scoring.rank_reversals(bids, bs => scoring.rank_bids(bs, [scoring.desc(b => b.t)]))' "bid names must be unique to detect rank reversal"
fails "sensitivity with bad weights" 'import scoring
print scoring.sensitivity([{supplier: "A", p: 1}], b => {p: b.p}, {p: 90%})' "invalid weights: weights must total 100%, they total 90%"

fails "unknown kind of contract" 'import thresholds
print thresholds.above_threshold(£1m, "goods", date("2026-02-01"))' "unknown kind of contract 'goods': expected one of works, central, sub_central, utilities, defence_security, light_touch, light_touch_utilities, concession, light_touch_concession"
fails "date before the known thresholds" 'import thresholds
print thresholds.threshold("works", date("2023-12-31"))' "no threshold amounts are known for a procurement commenced on 2023-12-31"
fails "value that is not money" 'import thresholds
print thresholds.above_threshold(137000, "central", date("2026-02-01"))' "argument 'value' of above_threshold: expected GBP, got a plain number"
fails "not a date" 'import thresholds
print thresholds.threshold("works", "1 Feb 2026")' '"1 Feb 2026" is not a date in the form YYYY-MM-DD'
fails "CRP value that is not per year" 'import thresholds
print thresholds.crp_required(£6m)' "the value must be money per year, such as £6m per year or £18m / 3 years (got £6,000,000.00)"

fails "outcome out of range" 'import svm
print svm.ppn_002_outcome(9)' "no PPN 002 outcome number 9: expected 1 to 8"

done_testing
