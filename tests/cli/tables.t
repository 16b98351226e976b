#!/bin/bash
# Decision-table errors name the table, the rows and the input values (SPEC 6).
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
cat >t.svl <<'SVL'
table grade_of(score) hit unique {
  | score || grade  |
  | >= 50 || "pass" |
  | >= 70 || "good" |
  | < 50  || "fail" |
}
table agree(x) hit any {
  | x     || r     |
  | >= 10 || "big" |
  | >= 20 || "huge" |
}
table only(x) hit first {
  | x     || r   |
  | >= 10 || "y" |
}
let which = "overlap"
SVL
run() { printf 'print %s\n' "$1" >>t.svl; timeout 10 "$SVL" run t.svl >/dev/null 2>"$tmp/err"; s=$?; sed -i '$d' t.svl; return $s; }
run 'grade_of(75)'; [ $? = 1 ] && ok "unique overlap is a runtime error" || not_ok "unique overlap"
expect_err "names the table, rows and input" "table grade_of: rows 1 and 2 both match (score = 75)"
run 'agree(25)'; [ $? = 1 ] && ok "any disagreement is a runtime error" || not_ok "any disagreement"
expect_err "names the rows and input" "table agree: rows 1 and 2 match with different outputs (x = 25)"
run 'only(3)'; [ $? = 1 ] && ok "no match is a runtime error" || not_ok "no match"
expect_err "names the table and input" "table only: no row matches (x = 3)"
run 'grade_of(40)'; [ $? = 0 ] && ok "a single match is fine" || not_ok "single match"
done_testing
