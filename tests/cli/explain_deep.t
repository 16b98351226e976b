#!/bin/bash
# svl explain of a deep recursion (issue 17): the text tree indents every
# level, so 16,000 nested calls printed 385 MB (quadratic in the depth) and
# took 1.66 GB of memory.  Text and --plain now stop at 100 levels with one
# line counting the calls below; JSON keeps them all.
. "$(dirname "$0")/lib.sh"
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1
check() { if eval "$2"; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }
cat >deep.svl <<'SVL'
fn f(n) = if n <= 0 then 0 else f(n - 1) + 1
let main = f(5000)
SVL
# 5,000 calls, not 16,000: under ASan (make check-asan) the C stack holds
# only about 10,000 nested calls; at 5,000 the old quadratic output was
# still about 38 MB.
timeout 120 "$SVL" explain deep.svl main >text.out 2>err
rc=$?  # kept before check's "$(head ...)" argument resets $?
check "explain of 5,000 nested calls exits 0" '[ $rc = 0 ]' "$(head -3 err)"
size=$(wc -c <text.out)
check "the text tree is small ($size bytes; it was 385 MB)" '[ "$size" -lt 100000 ]'
check "... and says how many calls it does not show" \
  "grep -q '└─ … 4901 nested calls not shown (more than 100 levels deep; --format json shows them)' text.out"
check "... after 100 levels of calls" '[ "$(grep -c "─ f(" text.out)" = 100 ]'
timeout 120 "$SVL" explain deep.svl main --plain >plain.out 2>err
size=$(wc -c <plain.out)
check "--plain is small too ($size bytes)" '[ "$size" -lt 100000 ]'
check "... and says what it leaves out" "grep -q '… 4901 nested calls not shown' plain.out"
timeout 120 "$SVL" explain deep.svl main --format json >json.out 2>err
check "--format json keeps every call" '[ "$(grep -o "\"name\": \"f\"" json.out | wc -l)" = 5001 ]' \
  "$(grep -o '"name": "f"' json.out | wc -l) calls"
printf 'fn g(n) = if n <= 0 then 0 else g(n - 1) + 1\nlet main = g(98)\n' >short.svl
"$SVL" explain short.svl main >short.out 2>err
check "a tree of 100 levels is shown whole" '! grep -q "not shown" short.out && [ "$(grep -c "─ g(" short.out)" = 99 ]'
done_testing
