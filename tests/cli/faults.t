#!/bin/bash
# Writing output when the disk is full or the path is unwritable: an error
# (E0903, exit 1), the old file left exactly as it was, and no temporary
# file left beside it.  A full disk is simulated with the file-size limit
# (ulimit -f), which makes write(2) fail with EFBIG as ENOSPC would, once
# SIGXFSZ is ignored; the point under test is the same code path: a write
# that fails halfway.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
mkdir dest

# a rule file whose output is well over the 4 KiB limit set below
python3 -c '
print("let rows = [{n: i, label: \"row number {i} of a long output\"} for i in 1..2000]")
print("let main = rows")' >big.svl
printf 'let main = 1\n' >small.svl

# limited CMD...: run with a 4 KiB file-size limit, SIGXFSZ ignored
limited() { (trap '' XFSZ; ulimit -f 4; exec timeout 120 "$@") >"$tmp/stdout" 2>"$tmp/err"; }
no_temp() { ! ls -a dest | grep -q '\.tmp-'; }

for fmt in text json csv; do
  printf 'old contents\n' >dest/results.$fmt
  limited "$SVL" run big.svl --format "$fmt" --output dest/results.$fmt
  s=$?
  if [ $s = 1 ] && grep -q "error: cannot write 'dest/results.$fmt': .* \[E0903\]" err; then
    ok "--output --format $fmt on a full disk: E0903, exit 1"
  else
    not_ok "--output --format $fmt on a full disk" "exit $s: $(head -3 err)"
  fi
  [ "$(cat dest/results.$fmt)" = "old contents" ] && ok "... the old results.$fmt is untouched" \
    || not_ok "... the old results.$fmt is untouched" "$(head -c 200 dest/results.$fmt)"
  no_temp && ok "... and no temporary file is left" || not_ok "... no temporary file" "$(ls -a dest)"
done

printf 'old audit\n' >dest/audit.json
limited "$SVL" run big.svl --audit dest/audit.json
s=$?
[ $s = 1 ] && grep -q "error: cannot write 'dest/audit.json': .* \[E0903\]" err \
  && ok "--audit on a full disk: E0903, exit 1" || not_ok "--audit on a full disk" "exit $s: $(head -3 err)"
[ "$(cat dest/audit.json)" = "old audit" ] && ok "... the old audit record is untouched" \
  || not_ok "... the old audit record is untouched" "$(head -c 200 dest/audit.json)"
no_temp && ok "... and no temporary file is left" || not_ok "... no temporary file (audit)" "$(ls -a dest)"

# svl fmt rewriting a file in place: the file keeps its old text
python3 -c '
for i in range(400): print("let   v%d   =   %d" % (i, i))' >dest/messy.svl
cp dest/messy.svl messy.orig
limited "$SVL" fmt dest/messy.svl
s=$?
[ $s = 1 ] && grep -q "\[E0903\]" err && ok "fmt on a full disk: E0903, exit 1" \
  || not_ok "fmt on a full disk" "exit $s: $(head -3 err)"
cmp -s dest/messy.svl messy.orig && ok "... the file keeps its old text" || not_ok "... the file keeps its old text"
no_temp && ok "... and no temporary file is left" || not_ok "... no temporary file (fmt)" "$(ls -a dest)"

# small output fits under the limit: the same command then succeeds
limited "$SVL" run small.svl --output dest/small.txt
s=$?
[ $s = 0 ] && [ "$(cat dest/small.txt)" = "1" ] && ok "output under the limit is written" \
  || not_ok "output under the limit is written" "exit $s: $(head -3 err)"

# a path that is a directory, or in a directory that does not exist
expect_status "--output naming a directory: exit 1" 1 "$SVL" run small.svl --output dest
expect_err "... E0903, is a directory" "error: cannot write 'dest': Is a directory [E0903]"
expect_status "--audit into a missing directory: exit 1" 1 "$SVL" run small.svl --audit nowhere/audit.json
expect_err "... E0903, no such directory" "error: cannot write 'nowhere/audit.json': No such file or directory [E0903]"

# a read-only directory (root ignores permissions, so only as another user)
if [ "$(id -u)" != 0 ]; then
  mkdir ro && printf 'kept\n' >ro/r.txt && chmod 555 ro
  expect_status "--output in a read-only directory: exit 1" 1 "$SVL" run small.svl --output ro/r.txt
  expect_err "... E0903, permission denied" "Permission denied [E0903]"
  [ "$(cat ro/r.txt)" = kept ] && ok "... the old file is untouched" || not_ok "... the old file is untouched"
  chmod 755 ro
else
  ok "# SKIP read-only directory: running as root, which ignores permissions"
fi
done_testing
