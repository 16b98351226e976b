#!/bin/bash
# What a rule file may read (issue 17; docs/tools.md "What a rule file may
# read", docs/embedding.md "What a script may read"): only under its own
# directory, the stdlib, the paths given with --input and the directories
# given with --allow-read; never /proc, /sys or /dev; import only .svl
# files; checked after symbolic links and ".." are resolved; and an error
# in a file that is not SVL source never shows its text.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
mkdir -p rules/sub data secret
printf 'supplier,price\nAcme,100\n' >data/bids.csv
printf 'supplier,price\nBee,200\n' >rules/local.csv
printf 'supplier,price\nCee,300\n' >rules/sub/nested.csv
printf 'TOKEN,hunter2-secret\n' >secret/creds.csv
printf 'let shared = 7\n' >data/shared.svl

run_in() { (cd "$1" && shift && timeout 120 "$SVL" "$@") >"$tmp/out" 2>"$tmp/err"; }
secret_kept() {  # nothing of the secret reached the output
  if grep -q hunter2 "$tmp/out" "$tmp/err"; then not_ok "$1" "$(cat "$tmp/out" "$tmp/err")"; else ok "$1"; fi
}

printf 'let main = load("local.csv")[1].price + load("sub/nested.csv")[1].price\n' >rules/own.svl
expect_out "a rule file reads beside itself and below" "500" "$SVL" run rules/own.svl

printf 'let main = load("../data/bids.csv")\n' >rules/up.svl
expect_status "a read outside the rule file's directory: exit 1" 1 "$SVL" run rules/up.svl
expect_err "... E0902, outside the directories this run may read" \
  "rules/up.svl:1:12: error: cannot read '../data/bids.csv': it is outside the directories this run may read [E0902]"
expect_err "... with the way to allow it" "--allow-read DIR"
expect_out "--allow-read DIR allows it" '[{supplier: "Acme", price: 100}]' "$SVL" run rules/up.svl --allow-read data
expect_out "--input PATH allows that file" '[{supplier: "Acme", price: 100}]' "$SVL" run rules/up.svl --input bids=data/bids.csv
printf 'let main = load("../data/../secret/creds.csv")\n' >rules/dots.svl
expect_status "'..' cannot climb out of an allowed directory" 1 "$SVL" run rules/dots.svl --allow-read data
secret_kept "... and nothing of the file is shown"

ln -s ../secret rules/link
printf 'let main = load("link/creds.csv")\n' >rules/vialink.svl
expect_status "a symbolic link out of the rule file's directory is refused" 1 "$SVL" run rules/vialink.svl
expect_err "... E0902" "cannot read 'link/creds.csv': it is outside the directories this run may read [E0902]"
secret_kept "... and nothing of the file is shown"
ln -s ../secret/creds.csv rules/creds.csv
printf 'let main = error(to_json(load("creds.csv")))\n' >rules/exfil.svl
expect_status "a link to a file outside, printed through error(to_json(...)), is refused" 1 "$SVL" run rules/exfil.svl
secret_kept "... and nothing of the file is shown"

printf 'print load("/proc/self/status.csv")\n' >rules/proc.svl
expect_status "load under /proc, even with --allow-read /: exit 1" 1 "$SVL" run rules/proc.svl --allow-read /
expect_err "... E0902, under /proc, /sys or /dev" "it is under /proc, /sys or /dev [E0902]"
ln -s /proc/self/environ rules/env.svl.svl
printf 'import "env.svl.svl" as e\n' >rules/environ.svl
SVL_TEST_SECRET=hunter2 run_in . run rules/environ.svl --allow-read /
s=$?
[ $s = 1 ] && grep -q "under /proc, /sys or /dev \[E0902\]" err && ok "import of /proc/self/environ through a link: E0902" \
  || not_ok "import of /proc/self/environ through a link: E0902" "exit $s; $(head -3 err)"
secret_kept "... and the environment is not printed"
ln -s /dev/zero rules/zero.csv
printf 'print load("zero.csv")\n' >rules/dev.svl
expect_status "load of /dev/zero through a link beside the rule file: exit 1" 1 "$SVL" run rules/dev.svl
expect_err "... E0902" "it is under /proc, /sys or /dev [E0902]"

# import reads only .svl files
cp secret/creds.csv rules/creds.txt
printf 'import "creds.txt" as c\n' >rules/imptxt.svl
expect_status "import of a file that is not .svl: exit 1" 1 "$SVL" run rules/imptxt.svl
expect_err "... E0306, not a .svl file" "cannot import 'creds.txt': not a .svl file [E0306]"
secret_kept "... and nothing of it is shown"
ln -s ../secret/creds.csv secret_link.svl 2>/dev/null
ln -s creds.txt rules/disguised.svl
printf 'import "disguised.svl" as c\n' >rules/impdisguised.svl
expect_status "import of a .svl link to a file that is not .svl: exit 1" 1 "$SVL" run rules/impdisguised.svl
expect_err "... E0306" "not a .svl file [E0306]"
secret_kept "... and nothing of it is shown"
printf 'import "../data/shared.svl" as s\nlet main = s.shared\n' >rules/impup.svl
expect_status "import from outside the rule file's directory: exit 1" 1 "$SVL" run rules/impup.svl
expect_out "... allowed with --allow-read" "7" "$SVL" run rules/impup.svl --allow-read data
expect_out "the stdlib is always readable" "true" sh -c "printf 'import scoring\nlet main = true\n' >rules/std.svl && \"\$0\" run rules/std.svl" "$SVL"

# an error in a file that is not SVL source never shows its text
expect_status "svl run on a file that is not .svl, with an error: exit 2" 2 "$SVL" run secret/creds.csv
expect_err "... says where, not what" "secret/creds.csv:1:6: error: an error in a file that is not SVL source"
secret_kept "... and nothing of the file is shown"

# the audit record's re-run keeps the permission it was given
expect_status "--allow-read is recorded with --audit" 0 "$SVL" run rules/up.svl --allow-read data --audit rec.json
expect_status "... and audit verify re-runs with it" 0 "$SVL" audit verify rec.json
done_testing
