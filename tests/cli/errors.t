#!/bin/bash
# The error catalogue (docs/errors.md): every code is produced by a case
# here through the real binary, printed after the message as " [CODE]";
# `svl help CODE` prints each entry; every code at a raise site in the
# library is documented, and no raise site lacks a code.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$tmp" || exit 1
tested=" "

# produces CODE STATUS SOURCE [svl run options...]: run SOURCE as e.svl
produces() {
  code=$1 want=$2 src=$3
  shift 3
  printf '%s\n' "$src" >e.svl
  timeout 120 "$SVL" run e.svl "$@" >out 2>err
  got=$?
  first=$(head -1 err)
  if [ "$got" = "$want" ] && grep -q -- "error: .* \[$code\]" err; then
    ok "$code (exit $got): $first"
  else
    not_ok "$code" "exit $got (want $want): $(head -3 err)"
  fi
  tested="$tested$code "
}

cat >bids.csv <<'CSV'
supplier,price,score
Acme,£100,3
Bravo,£90,4,extra
CSV
cat >typed.csv <<'CSV'
supplier,price
Acme,£100
Bravo,TBC
CSV
printf 'let price = £100\nlet total = price * 2\n' >ok.svl

# E0001: the CLI asks the library for a name the file does not define
timeout 120 "$SVL" run ok.svl totl >out 2>err; s=$?
if [ $s = 2 ] && grep -q "\[E0001\]" err; then ok "E0001 (exit 2): $(head -1 err)"; else not_ok "E0001" "exit $s: $(head -2 err)"; fi
tested="$tested""E0001 "

produces E0101 2 'let fee = 30 @ 2'
produces E0102 2 'let name = "Acme Ltd'
produces E0103 2 'print "50\% off"'
produces E0104 2 'let budget = £1.2mn'
produces E0105 2 'let xs = [1, 2, 3)'
produces E0201 2 'let total = 1 +* 2'
produces E0202 2 'fn grade(x) = if x > 5 then "a"'
produces E0203 2 "print 2$(printf ' ^ 2%.0s' $(seq 2000))"
produces E0204 2 'table band(x) hit best {
  | x || y |
  | - || 1 |
}'
produces E0301 2 'let price = £100
let total = pirce * 2'
produces E0302 2 'let total = base * 2
let base = 10'
produces E0303 2 'let rate = 5%
let rate = 6%'
produces E0304 2 'fn weighted(score, weight) = score * weight
print weighted(80)'
produces E0305 2 'let staff = 12 FTE'
produces E0306 1 'import scorring'
produces E0401 1 'print £100 + 3 hours'
produces E0402 1 'print "12" + 1'
produces E0403 1 'let bid = {price: null}
print bid.price * 2'
produces E0404 1 'let bid = {price: £90}
print bid.prise'
produces E0405 1 'fn fee(amount: GBP) = amount * 2%
print fee(12 hours)'
produces E0406 1 'unit FTE
indicator NT1 {
  title: "Local jobs"
  unit: FTE
  proxy: £30_000
}'
produces E0407 1 'print date("2026-13-01")'
produces E0409 1 'report {
  title: "Home care"
  rankng: []
}'
produces E0410 1 'let min_quality = 60%
print 40 >= min_quality'
produces E0501 1 'let bids = 0
print £1m / bids'
produces E0502 1 'print 10 ^ 5000 * 10 ^ 5000'
produces E0503 1 'print sqrt(-4)'
produces E0504 1 'print mean([])'
produces E0601 1 'table grade(points) hit first {
  | points || grade  |
  | >= 70  || "good" |
}
print grade(50)'
produces E0602 1 'table band(x) {
  | x     || band  |
  | < 10  || "low" |
  | <= 20 || "mid" |
}
print band(5)'
produces E0603 1 'table t(x) hit any {
  | x   || y |
  | < 5 || 1 |
  | < 9 || 2 |
}
print t(1)'
produces E0604 2 'table t(x) {
  | x || y |
  | 1 || 2 | 3 |
}'
produces E0605 1 'let weights = [40%, 50%]
assert sum(weights) == 100%, "weights must total 100%"'
produces E0606 1 'print error("bids in EUR are not supported")'
produces E0609 1 'type Rating = "high" | "low"
fn out(x) = x
table risk(score) hit priority {
  | score || rating: Rating |
  | -     || out("none")    |
}
print risk(10)'
produces E0610 1 'table central as of {
  | from               | until              || amount   |
  | date("2024-01-01") | date("2025-12-31") || £139_688 |
  | date("2026-01-01") | -                  || £135_018 |
}
print central(on: date("2023-06-30"))'
produces E0611 1 'table central as of {
  | from               | until              || amount   |
  | date("2024-01-01") | date("2026-01-31") || £139_688 |
  | date("2026-01-01") | -                  || £135_018 |
}
print central()' --as-of 2026-01-15
produces E0612 1 'table central as of {
  | from               || amount   |
  | date("2024-01-01") || £139_688 |
  | date("2026-01-01") || £135_018 |
}
print central()'
produces E0701 1 'let bids = load("bids.csv")'
produces E0702 1 'print from_json("[1, 2,]")'
produces E0703 1 'type Bid = {supplier: text, price: GBP}
let bids = load("typed.csv", [Bid])'
produces E0704 1 'let bids = load("bids.xlsx")'
printf '{"supplier": "Caf\xe9 \x81"}\n' >cp1252.jsonl
produces E0705 1 'let rows = load("cp1252.jsonl", encoding: "windows-1252")'
produces E0710 1 'print lookup([{supplier: "Acme Limited"}], "supplier", "Acme Ltd")'
produces E0711 1 'print join([{supplier: "Acme Ltd", price: £1}], [{supplier: "Acme Limited", sme: true}], "supplier")'
produces E0801 1 'let xs = [x * 2 for x in 1..1000000]' --max-steps 1000
produces E0802 1 'let xs = [[x, x, x, x] for x in 1..3000000]' --max-heap 20000000
produces E0803 1 'fn spin(n) = if n == 0 then 0 else spin(n - 1) + spin(n - 1)
print spin(60)' --timeout 200
produces E0804 1 'fn f(n) = f(n + 1)
print f(0)'
produces E0805 1 'print len(range(1, 10 ^ 12))'
produces E0806 1 'let deep = reduce(range(1, 5000), [], fn(acc, x) = [acc])
print to_json(deep)'
produces E0901 1 'let bids = load("missing.csv")'
produces E0902 1 'print today()'
produces E0903 1 'print 1' --output no/such/dir/out.txt

# finds CODE SEVERITY SOURCE: codes only svl check reports (docs/check.md)
finds() {
  code=$1 sev=$2 src=$3
  printf '%s\n' "$src" >c.svl
  timeout 120 "$SVL" check c.svl >out 2>err
  if grep -q -- "$sev: .* \[$code\]" err; then
    ok "$code ($sev of svl check): $(grep -m1 -- "\[$code\]" err)"
  else
    not_ok "$code" "svl check: $(head -3 err)"
  fi
  tested="$tested$code "
}
finds E0307 warning 'fn fee(price, spare) = price * 2%
let main = fee(£100, 1)'
finds E0408 warning 'let main = £5 == 5 hours'
finds E0411 warning 'let main = max(£1,000, £250)'
finds E0607 warning 'table t(x) {
  | x     || r |
  | 10..5 || 1 |
  | -     || 2 |
}
let main = t(1)'
finds E0608 note 'table t(score, limit) {
  | score    || r |
  | < 50     || 1 |
  | >= limit || 2 |
}
let main = t(1, 2)'

# every documented code has a case above (E0000 cannot be produced: it
# marks a bug in SVL or a raise site without a code, which lint forbids)
documented=$(python3 "$root/tests/cli/error_codes.py" "$root" documented)
missing=""
for c in $documented; do
  [ "$c" = E0000 ] && continue
  case $tested in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
[ -z "$missing" ] && ok "every documented code is produced by a case" || not_ok "codes without a case:$missing"

used=$(python3 "$root/tests/cli/error_codes.py" "$root" used)
undoc=""
for c in $used; do
  case " $(echo $documented) " in *" $c "*) ;; *) undoc="$undoc $c" ;; esac
done
[ -z "$undoc" ] && ok "every code used in the library is documented" || not_ok "undocumented codes:$undoc"

if lint=$(python3 "$root/tests/cli/error_codes.py" "$root" lint); then
  ok "every raise site gives its message a code"
else
  not_ok "raise sites without a code (start the message with one from docs/errors.md)" "$lint"
fi

# svl help CODE for every code
bad=""
for c in $documented; do
  title=$(sed -n "s/^## $c //p" "$root/docs/errors.md")
  out=$(timeout 120 "$SVL" help "$c" 2>&1)
  case $out in "$c $title"*"Fix:"*) ;; *) bad="$bad $c" ;; esac
done
[ -z "$bad" ] && ok "svl help CODE prints each entry, title first, with its fix" || not_ok "svl help fails for:$bad"
expect_out "svl help takes a lower-case code" "E0301 undefined name" sh -c "\"$SVL\" help e0301 | head -1"
expect_status "svl help of an unknown code is a usage error" 2 "$SVL" help E9999
ncodes=$(timeout 120 "$SVL" help errors | grep -c '^E[0-9]\{4\}  ')
[ "$ncodes" = "$(echo "$documented" | wc -w)" ] && ok "svl help errors lists all $ncodes codes" || not_ok "svl help errors lists $ncodes codes"

# the code follows the message; file:line:col: error: stays a prefix
printf 'let price = £100\nlet total = pirce * 2\n' >rules.svl
timeout 120 "$SVL" run rules.svl >out 2>rules.err
expect_out "code after the message" "rules.svl:2:13: error: undefined name 'pirce' [E0301]" head -1 rules.err
done_testing
