#!/bin/bash
# Flat chains (issue 16): `+`, `*`, `and` and `or` chains of 200,000 terms,
# generated here, parse, check, format and evaluate without "nested too
# deeply", in a global and inside a function; real nesting is still
# limited (E0203).
. "$(dirname "$0")/lib.sh"
case $SVL in /*) ;; *) SVL=$(pwd)/$SVL ;; esac
cd "$tmp" || exit 1
python3 - <<'PY'
n = 200000
with open("chains.svl", "w") as f:
    f.write("let total = " + " + ".join(["1"] * n) + "\n")
    f.write("let mixed = " + "1" + "".join(" + 2 - 1" for _ in range(n // 2)) + "\n")
    f.write("let product = " + " * ".join(["1"] * (n - 1) + ["2"]) + "\n")
    f.write("let all_true = " + " and ".join(["true"] * n) + "\n")
    f.write("let any_true = " + " or ".join(["false"] * (n - 1) + ["true"]) + "\n")
    f.write("let short = " + " and ".join(["false"] + ["1 / 0 == 1"] * (n - 1)) + "\n")
    f.write("fn money(x) = " + " + ".join(["x"] * n) + "\n")
    f.write("print [total, mixed, product, all_true, any_true, short, money(£1)]\n")
with open("deep.svl", "w") as f:
    f.write("print " + " ^ ".join(["1"] * 1500) + "\n")
PY
expect_out "200,000-term chains evaluate" '[200000, 100001, 2, true, true, false, £200,000.00]' timeout 180 "$SVL" run chains.svl
expect_status "svl check accepts them" 0 timeout 180 "$SVL" check chains.svl
expect_status "svl fmt --check accepts them" 0 timeout 180 "$SVL" fmt --check chains.svl
expect_status "real nesting is still limited" 2 "$SVL" run deep.svl
expect_err "... with E0203" "expression nested too deeply [E0203]"
done_testing
