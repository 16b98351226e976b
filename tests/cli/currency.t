#!/bin/bash
# Money in any ISO 4217 currency (docs/ocds.md, "Currencies"): the table is
# Debian's iso-codes list with SIX's minor units, `unit NOK` declares money.
. "$(dirname "$0")/lib.sh"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -r /usr/share/iso-codes/json/iso_4217.json ]; then
  python3 "$root/mk/iso4217.py" >"$tmp/table.h" 2>"$tmp/err"
  if cmp -s "$tmp/table.h" "$root/core/currency_table.h"; then ok "core/currency_table.h is what mk/iso4217.py makes of the installed iso-codes"
  else not_ok "core/currency_table.h is what mk/iso4217.py makes of the installed iso-codes" "$(diff "$root/core/currency_table.h" "$tmp/table.h" | head -5) $(cat "$tmp/err")"; fi
  got=$(grep -c '^CURRENCY(' "$root/core/currency_table.h")
  want=$(python3 -c 'import json; print(len(json.load(open("/usr/share/iso-codes/json/iso_4217.json"))["4217"]))')
  if [ "$got" -ge "$want" ]; then ok "every one of iso-codes' $want codes is in the table ($got)"; else not_ok "every code in the table" "$got < $want"; fi
else
  echo "# iso-codes is not installed (.ci/deps installs it)"; not_ok "iso-codes installed"
fi
cat >"$tmp/m.svl" <<'SVL'
unit NOK
unit MXN
unit PYG
unit JPY
unit KWD
print 1234.5 NOK
print -30 MXN
print 1500000 PYG
print 1500 JPY
print 2.5 KWD
print 12.345 NOK
print 10 NOK per hour
print sum([1 NOK, 2.5 NOK])
print £3 + £4
SVL
expect_out "ISO codes print as money with their minor units" 'NOK 1,234.50
-MXN 30.00
PYG 1,500,000
JPY 1,500
KWD 2.500
NOK 12.345
NOK 10.00/hour
NOK 3.50
£7.00' "$SVL" run "$tmp/m.svl"
printf 'unit NOK\nunit SEK\nprint 1 NOK + 1 SEK\n' >"$tmp/x.svl"
expect_status "two currencies never add" 1 "$SVL" run "$tmp/x.svl"
expect_err "naming both" "NOK"
printf 'unit GBP\n' >"$tmp/g.svl"
expect_status "GBP is built in: declaring it again is an error" 2 "$SVL" run "$tmp/g.svl"
printf 'unit NOK\nunit NOK\nprint 1 NOK\n' >"$tmp/d.svl"
expect_out "a currency declared twice is the same currency (as any unit)" 'NOK 1.00' "$SVL" run "$tmp/d.svl"
printf 'unit NOK\n' >"$tmp/lib.svl"
printf 'import "lib.svl" as l\nunit NOK\nprint 5 NOK\n' >"$tmp/imp.svl"
expect_out "the same currency declared in an import and the importer" 'NOK 5.00' "$SVL" run "$tmp/imp.svl"
printf 'unit ZZZ\nprint 5 ZZZ\n' >"$tmp/z.svl"
expect_out "a code outside ISO 4217 is an ordinary unit" '5 ZZZ' "$SVL" run "$tmp/z.svl"
done_testing
