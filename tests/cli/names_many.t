#!/bin/sh
# Files with thousands of top-level names and findings: the resolver finds
# globals through a hash table (lang/resolve.c), the lexer stores each
# distinct name once (lang/lexer.re), and positions come from an index of
# line starts (core/source.c).  Two of the names below have the same
# 32-bit FNV-1a hash (0x5ff6c2fb), the hash all three tables use, so they
# meet in one bucket of each and must stay two names.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

python3 - <<'PY'
N = 5000
lets = "".join(f"let name_{i} = {i}\n" for i in range(1, N + 1))
# line 1..N: name_1..name_N; then the colliding pair
pair = "let name_1112292 = 1\nlet name_830649 = 2\n"
open("many.svl", "w").write(lets + pair + "print name_1112292 * 10 + name_830649\nprint name_4999 + name_1\n")
# redefinitions: the error is on the last line, the first definition far above
open("dup.svl", "w").write(lets + "let name_2500 = 0\n")
open("dup_pair.svl", "w").write(lets + pair + "let name_830649 = 3\n")
# a misspelt name among thousands
open("typo.svl", "w").write(lets + "let total_value = 1\nprint totl_value\n")
# used before it is defined, the definition thousands of lines below
open("order.svl", "w").write("let first = name_4000\n" + lets)
# one finding per name (local lets: top-level ones are results, never
# "unused"); the last line has multi-byte text before the finding
unused = "".join(f"  let u_{i} = {i}\n" for i in range(1, N + 1))
open("unused.svl", "w").write("fn _f() {\n" + unused + "  0\n}\n" + 'let _r = {a: "£€£", b: 1 + "x"}\n')
PY

# svl check writes its findings to stderr
check_out() { # DESC EXPECTED FILE
  got=$(timeout 120 "$SVL" check "$3" 2>&1)
  if [ "$got" = "$2" ]; then ok "$1"; else not_ok "$1" "got: $got"; fi
}

expect_out "5,000 names and two with one hash: each keeps its own value" "12
5000" "$SVL" run many.svl

expect_status "a name defined twice, 5,000 lines apart" 2 "$SVL" check dup.svl
check_out "... is reported at the second definition, with the line of the first" \
  "dup.svl:5001:1: error: 'name_2500' is defined twice [E0303]
  let name_2500 = 0
  ^
  hint: 'name_2500' was first defined on line 2500
1 error, 0 warnings" dup.svl

expect_status "one of the colliding names defined twice" 2 "$SVL" check dup_pair.svl
check_out "... is that name, not the other one in its bucket" \
  "dup_pair.svl:5003:1: error: 'name_830649' is defined twice [E0303]
  let name_830649 = 3
  ^
  hint: 'name_830649' was first defined on line 5002
1 error, 0 warnings" dup_pair.svl

expect_status "a misspelt name among 5,000" 2 "$SVL" check typo.svl
check_out "... suggests the name meant" "typo.svl:5002:7: error: undefined name 'totl_value' [E0301]
  print totl_value
        ^
  hint: did you mean 'total_value'?
1 error, 0 warnings" typo.svl

expect_status "a name used 4,000 lines before its definition" 2 "$SVL" check order.svl
expect_err "... is 'used before it is defined'" "order.svl:1:13: error: 'name_4000' is used before it is defined [E0302]"

"$SVL" check unused.svl >"$tmp/out" 2>&1
if grep -c "warning: 'u_[0-9]*' is defined but never used" "$tmp/out" | grep -qx 5000 &&
   grep -qx "unused.svl:2:7: warning: 'u_1' is defined but never used \[E0307\]" "$tmp/out" &&
   grep -qx "unused.svl:5001:7: warning: 'u_5000' is defined but never used \[E0307\]" "$tmp/out" &&
   grep -qx "unused.svl:5004:24: error: cannot apply + to number and text \[E0402\]" "$tmp/out" &&
   tail -1 "$tmp/out" | grep -qx "1 error, 5000 warnings"; then
  ok "5,000 findings, each at its own line; columns count characters, not bytes"
else
  not_ok "5,000 findings, each at its own line" "$(head -3 "$tmp/out"; tail -6 "$tmp/out")"
fi

"$SVL" check --format json unused.svl >"$tmp/out.json" 2>/dev/null
if python3 - "$tmp/out.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
assert len(f) == 5001, len(f)
for i, x in enumerate(f[:5000], 1):
    assert (x["line"], x["column"], x["end_line"], x["end_column"]) == (i + 1, 7, i + 1, 9 + len(str(i))), x
last = f[5000]
assert (last["line"], last["column"], last["end_line"], last["end_column"]) == (5004, 24, 5004, 31), last
PY
then ok "... and as JSON, with start and end of every one"; else not_ok "the JSON findings' positions"; fi

done_testing
