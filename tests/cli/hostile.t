#!/bin/bash
# Hostile input never crashes: every case gives an error (exit 1 or 2),
# never a signal or a hang.
. "$(dirname "$0")/lib.sh"
crash_free() { # DESC FILE
  timeout 30 "$SVL" run "$2" >/dev/null 2>"$tmp/err"
  s=$?
  if [ "$s" = 1 ] || [ "$s" = 2 ]; then ok "$1 (exit $s)"; else not_ok "$1" "exit $s: $(head -3 "$tmp/err")"; fi
}
head -c 20000 /dev/urandom >"$tmp/garbage.svl"; crash_free "binary garbage" "$tmp/garbage.svl"
python3 -c 'print("print " + "(" * 100000 + "1" + ")" * 100000)' >"$tmp/deep.svl"; crash_free "100,000-deep parentheses" "$tmp/deep.svl"
python3 -c 'print("print " + "[" * 5000 + "]" * 5000)' >"$tmp/deeplist.svl"; crash_free "5,000-deep list" "$tmp/deeplist.svl"
python3 -c 'print("print 1" + " + 1" * 200000)' >"$tmp/long.svl"
timeout 30 "$SVL" run "$tmp/long.svl" >/dev/null 2>&1; s=$?; [ $s -le 2 ] && ok "200,000-term sum ends cleanly (exit $s)" || not_ok "200,000-term sum" "exit $s"
python3 -c 'print("print " + "-" * 100000 + "1")' >"$tmp/neg.svl"; crash_free "100,000 unary minuses" "$tmp/neg.svl"
python3 -c 'print("print " + "9" * 5000)' >"$tmp/big.svl"; crash_free "5,000-digit number" "$tmp/big.svl"
printf 'print "caf\xe9"\n' >"$tmp/utf8.svl"; crash_free "invalid UTF-8" "$tmp/utf8.svl"
printf 'print "never closed\n' >"$tmp/str.svl"; crash_free "unterminated string" "$tmp/str.svl"
printf 'fn f(n) = f(n + 1) + 1\nprint f(0)\n' >"$tmp/rec.svl"; crash_free "runaway recursion" "$tmp/rec.svl"
printf 'print 1e999999999\n' >"$tmp/exp.svl"; crash_free "huge exponent" "$tmp/exp.svl"
printf 'print 10 ^ 10000 * 10 ^ 10000\n' >"$tmp/ovf.svl"; crash_free "overflow" "$tmp/ovf.svl"
printf 'print "a\\u{D800}"\n' >"$tmp/sur.svl"; crash_free "surrogate escape" "$tmp/sur.svl"
printf 'print 1\x00 + 2\n' >"$tmp/nul.svl"; crash_free "NUL byte" "$tmp/nul.svl"
printf 'let xs = [x for x in 1..100000000]\n' >"$tmp/steps.svl"
timeout 30 "$SVL" run --max-steps 100000 "$tmp/steps.svl" >/dev/null 2>"$tmp/err"; s=$?
[ $s = 1 ] && grep -q "step limit" "$tmp/err" && ok "step limit stops a long loop" || not_ok "step limit" "exit $s"
# Values that share their parts: small to build, 2^60 items to walk.
# Every output format must answer to the step limit (a record's two
# fields holding one record gave 2^32 CSV columns, unlimited: fuzz_deep).
for wrap in '[acc, acc]' '{a: acc, b: acc}'; do
  printf 'let main = reduce(range(1, 60), [], fn(acc, x) = %s)\n' "$wrap" >"$tmp/dag.svl"
  for f in text json csv md; do
    timeout 120 "$SVL" run --max-steps 100000 --format $f "$tmp/dag.svl" >/dev/null 2>"$tmp/err"; s=$?
    [ $s = 1 ] && grep -q "E0801" "$tmp/err" && ok "step limit stops --format $f of $wrap, 60 levels" ||
      not_ok "step limit, --format $f of $wrap" "exit $s: $(head -2 "$tmp/err")"
  done
done
printf 'fn down(n) = if n == 0 then 0 else 1 + down(n - 1)\nprint down(10000)\n' >"$tmp/deep10k.svl"
expect_out "10,000-deep recursion works" "10000" "$SVL" run "$tmp/deep10k.svl"
for i in 1 2 3 4 5 6 7 8; do
  head -c 3000 /dev/urandom | tr -dc 'a-z0-9()[]{}+*/<>=.,:"|\n #-' >"$tmp/r$i.svl"
  crash_free "random tokens $i" "$tmp/r$i.svl"
done
done_testing
