#!/bin/bash
# The svl command through the real binary: run, formats, test, explain,
# check, repl, exit statuses and error rendering.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
cat >r.svl <<'SVL'
unit FTE
fn score(price) = 40 * £100 / price
let main = [{supplier: "A", price: £1.2m, share: 12.5%}, {supplier: "B, Ltd", price: £90, share: 50%}]
let total = score(£125) + 30
SVL
expect_out "run prints main" '[{supplier: "A", price: £1,200,000.00, share: 12.5%}, {supplier: "B, Ltd", price: £90.00, share: 50%}]' "$SVL" run r.svl
expect_out "run NAME" "62" "$SVL" run r.svl total
expect_out "json" '{"amount": 1200000, "unit": "GBP"}' sh -c "\"$SVL\" run r.svl --format json | grep -o '{\"amount\": 1200000, \"unit\": \"GBP\"}'"
expect_out "csv puts units in headers" 'supplier,price (GBP),share
A,1200000,0.125
"B, Ltd",90,0.5' "$SVL" run r.svl --format csv
expect_out "md table" '| supplier | price | share |' sh -c "\"$SVL\" run r.svl --format md | head -1"
expect_status "unknown name is a usage error" 2 "$SVL" run r.svl nosuch
expect_status "unknown format" 2 "$SVL" run r.svl --format xml
expect_status "missing file" 1 "$SVL" run nope.svl
expect_err "missing file is named" "nope.svl"
explain=$("$SVL" explain r.svl total)
case $explain in *"score(£125.00) = 32"*) ok "explain shows the call and its result" ;; *) not_ok "explain" "$explain" ;; esac
plain=$("$SVL" explain r.svl total --plain)
case $plain in *"score = 32 because 40 × £100 ÷ price £125.00 (r.svl:2)"*) ok "explain --plain narrates with values" ;; *) not_ok "explain --plain" "$plain" ;; esac
expect_status "explain json" 0 sh -c "\"$SVL\" explain r.svl total --format json | python3 -c 'import json,sys; json.load(sys.stdin)'"
printf 'let a = 1\nlet b = undefined_thing\n' >bad.svl
expect_status "check finds undefined names" 2 "$SVL" check bad.svl
expect_err "with file:line:col" "bad.svl:2:9: error: undefined name 'undefined_thing'"
expect_status "check passes a good file" 0 "$SVL" check r.svl
printf 'fn f(a, b) = a + b\nprint f(1)\n' >arity.svl
expect_status "wrong argument count is exit 2" 2 "$SVL" run arity.svl
printf 'let a = 1\nlet a = 2\n' >dup.svl
expect_status "duplicate top-level name is exit 2" 2 "$SVL" run dup.svl
printf 'let p = {price: 1}\nprint p.prise\n' >field.svl
expect_status "missing field is exit 1" 1 "$SVL" run field.svl
expect_err "suggests the nearest field" "did you mean 'price'?"
printf 'let x = (1 + 2\n' >syn.svl
expect_status "syntax error exit 2" 2 "$SVL" run syn.svl
expect_err "caret line" "^"
printf 'test "a" {\n  assert 1 == 1\n}\ntest "b" {\n  assert 1 / 0 == 1\n}\ntest "c" {\n  assert 2 == 2\n}\n' >t.svl
expect_status "a failing test exits 1" 1 "$SVL" test t.svl
out=$("$SVL" test t.svl)
case $out in *"not ok 2 - b"*"division by zero"*"ok 3 - c"*) ok "runtime error fails one test, later tests run" ;; *) not_ok "test isolation" "$out" ;; esac
expect_status "prove runs svl test" 0 sh -c "printf 'test \"x\" {\n  assert true\n}\n' > p.svl && prove -e '$SVL test' p.svl"
expect_out "repl pipe" '3
"x"
6' sh -c "printf '1 + 2\n\"x\"\nlet y = [1,\n 2]\nsum(y) * 2\n' | \"$SVL\" repl"
expect_status "repl survives errors, exits 0" 0 sh -c "printf 'nope + 1\n1\n' | \"$SVL\" repl"
expect_status "--output writes the file" 0 "$SVL" run r.svl total --output o.txt
expect_out "--output holds the value" "62" cat o.txt
printf 'let boom = 1 / 0\n' >boom.svl
expect_status "a failed run keeps the old output" 1 "$SVL" run boom.svl --output o.txt
expect_out "old output untouched" "62" cat o.txt
expect_status "unwritable --output is an error" 1 "$SVL" run r.svl total --output no/such/dir/o.txt
if ls no 2>/dev/null || ls o.txt.tmp-* 2>/dev/null; then not_ok "no temporary file left behind"; else ok "no temporary file left behind"; fi
expect_status "help COMMAND" 0 sh -c "\"$SVL\" help test | grep -q -- --coverage"
expect_status "help for an unknown command" 2 "$SVL" help frob
expect_out "--version" "svl 0.1.0" "$SVL" --version
expect_status "unknown command" 2 "$SVL" frobnicate
done_testing
