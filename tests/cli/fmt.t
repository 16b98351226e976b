#!/bin/bash
# svl fmt through the real binary: --check, standard input, the atomic
# in-place rewrite, comments, table alignment and syntax errors; then, on
# copies of every .svl file of the repository and of the conformance suite,
# that formatting is idempotent and changes no result; and that every
# tracked .svl file is already formatted.  Only a temporary directory is
# written.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
shared=${SHARED:-$root/../shared}
cd "$tmp" || exit 1

cat >messy.svl <<'SVL'
# Scoring rules   
let weights={price:50%,quality:50%}   # must total 100%
table points(grade) hit first {
|grade||points|
| "excellent" || 100 |  # top mark
  # a default row
|-||0|
}


let r = {
     a: 1,   # first
  b: £1_200  # money as written
}
print points("excellent")+r.a
SVL
cat >want.svl <<'SVL'
# Scoring rules
let weights = {price: 50%, quality: 50%}  # must total 100%
table points(grade) hit first {
  | grade       || points |
  | "excellent" || 100    |  # top mark
  # a default row
  | -           || 0      |
}

let r = {
  a: 1,      # first
  b: £1_200  # money as written
}
print points("excellent") + r.a
SVL
cp messy.svl keep.svl

"$SVL" fmt - <messy.svl >got.svl 2>err
if cmp -s got.svl want.svl; then ok "stdin to stdout: canonical layout, comments kept, table aligned"
else not_ok "stdin to stdout" "$(diff want.svl got.svl)"; fi
expect_status "--check: a file that would change exits 1" 1 "$SVL" fmt --check messy.svl
expect_out "--check names it" "messy.svl" "$SVL" fmt --check messy.svl
if cmp -s messy.svl keep.svl; then ok "--check changes nothing"; else not_ok "--check changed the file"; fi
expect_status "--check: a formatted file exits 0" 0 "$SVL" fmt --check want.svl
expect_out "--check: and says nothing" "" "$SVL" fmt --check want.svl
expect_out "--check: only the files that would change are named" "messy.svl" "$SVL" fmt --check want.svl messy.svl
expect_status "--check on stdin" 1 sh -c "\"$SVL\" fmt --check - <messy.svl"
expect_status "--check on formatted stdin" 0 sh -c "\"$SVL\" fmt --check - <want.svl"

cp messy.svl m.svl
chmod 640 m.svl
expect_status "fmt FILE rewrites in place" 0 "$SVL" fmt m.svl
if cmp -s m.svl want.svl; then ok "the file is formatted"; else not_ok "the file is formatted" "$(diff want.svl m.svl)"; fi
expect_out "its permissions are kept" "640" stat -c %a m.svl
if ls -A | grep -q 'tmp'; then not_ok "no temporary file left" "$(ls -A)"; else ok "no temporary file left"; fi
expect_out "the meaning is kept" "$("$SVL" run messy.svl)" "$SVL" run m.svl
cp m.svl m2.svl
expect_status "formatting again" 0 "$SVL" fmt m.svl
if cmp -s m.svl m2.svl; then ok "formatting again changes nothing"; else not_ok "idempotent" "$(diff m2.svl m.svl)"; fi

cp messy.svl target.svl
ln -s target.svl link.svl
expect_status "through a symbolic link" 0 "$SVL" fmt link.svl
if [ -L link.svl ] && cmp -s target.svl want.svl; then ok "the link stays, its target is formatted"
else not_ok "symbolic link" "$(ls -l link.svl target.svl)"; fi

printf 'let x = (1 +\nlet y  =  2\n' >bad.svl
cp bad.svl bad_keep.svl
expect_status "a syntax error exits 2" 2 "$SVL" fmt bad.svl
expect_err "rendered with file:line:col" "bad.svl:1:9: error:"
expect_err "and a caret" "^"
if cmp -s bad.svl bad_keep.svl; then ok "a file with a syntax error is left alone"; else not_ok "bad.svl was changed"; fi
expect_status "syntax error with other files still exits 2" 2 "$SVL" fmt --check messy.svl bad.svl
printf 'let b = 2 \302\244 3\n' >lex.svl
expect_status "a lexical error exits 2" 2 "$SVL" fmt - <lex.svl
expect_err "named on stdin" "<stdin>:1:11: error: unexpected character"
expect_status "no file is a usage error" 2 "$SVL" fmt
expect_status "an unknown option is a usage error" 2 "$SVL" fmt --frobnicate want.svl
expect_status "a missing file exits 1" 1 "$SVL" fmt nope.svl
expect_err "and is named" "nope.svl"

# Every .svl file: copies of the repository's and the conformance suite's
# directories, formatted; results compared with the originals'.
mkdir orig new
(cd "$root" && find examples stdlib tests -name '*.svl' -not -path '*/fuzz/*' -exec dirname {} \; | sort -u) >dirs
while read -r d; do
  mkdir -p "orig/$d" "new/$d"
  cp -p "$root/$d"/* "orig/$d/" 2>/dev/null
  cp -p "$root/$d"/* "new/$d/" 2>/dev/null
done <dirs
if [ -d "$shared/conformance/cases" ]; then
  cp -r "$shared/conformance/cases" orig/conf
  cp -r "$shared/conformance/cases" new/conf
fi
files=$(cd new && find . -name '*.svl' | sed 's|^\./||' | sort)
count=$(echo "$files" | wc -l)
# shellcheck disable=SC2086
(cd new && "$SVL" fmt $files >/dev/null 2>"$tmp/err")
bad=""
# a file may be refused only if the language itself rejects it
for f in $(grep -o '^[^: ]*\.svl:[0-9]*:[0-9]*: error' "$tmp/err" | cut -d: -f1 | sort -u); do
  "$SVL" check "orig/$f" >/dev/null 2>&1
  [ $? = 2 ] || bad="$bad $f(refused: $(grep -m1 "^$f:" "$tmp/err"))"
done
# shellcheck disable=SC2086
again=$(cd new && "$SVL" fmt --check $files 2>/dev/null)
[ -z "$again" ] || bad="$bad not-idempotent:$(echo $again)"
# shellcheck disable=SC2086
lost=$(diff <(cd orig && grep -c '#' $files) <(cd new && grep -c '#' $files))
[ -z "$lost" ] || bad="$bad lines with '#' differ: $lost"
if [ -z "$bad" ] && [ "$count" -gt 1 ]; then ok "all $count .svl files format, idempotently"
else not_ok "every .svl file formats, idempotently" "$bad"; fi

# The same results before and after: svl test on the files with tests,
# and each conformance case's own command (unit_format.t compares the
# parse of every file).  Source positions in messages are left out of the
# comparison (columns move).
norm() { sed -E 's/:[0-9]+(:[0-9]+)?/:N/g'; }
same() { # DIR-RELATIVE-FILE CMD...
  f=$1; shift
  a=$(cd "orig/$(dirname "$f")" && timeout 120 "$SVL" "$@" </dev/null 2>/dev/null | norm; echo "exit ${PIPESTATUS[0]}")
  b=$(cd "new/$(dirname "$f")" && timeout 120 "$SVL" "$@" </dev/null 2>/dev/null | norm; echo "exit ${PIPESTATUS[0]}")
  [ "$a" = "$b" ] || differ="$differ $f($*)"
}
differ=""
for f in $files; do
  case $f in conf/*) continue ;; esac
  grep -q '^ *test "' "orig/$f" && same "$f" test "$(basename "$f")"
done
if [ -z "$differ" ]; then ok "repository files: same test results after formatting"
else not_ok "repository files: same results" "$differ"; fi
if [ -d orig/conf ]; then
  differ=""
  for f in $(cd orig/conf && ls *.svl); do
    name=${f%.svl}
    args="run FILE"
    [ -f "orig/conf/$name.cmd" ] && args=$(cat "orig/conf/$name.cmd")
    args=${args//FILE/$f}
    input=/dev/null
    [ -f "orig/conf/$name.stdin" ] && input=$PWD/orig/conf/$name.stdin
    # shellcheck disable=SC2086
    a=$(cd orig/conf && timeout 120 "$SVL" $args <"$input" 2>/dev/null | norm; echo "exit ${PIPESTATUS[0]}")
    # shellcheck disable=SC2086
    b=$(cd new/conf && timeout 120 "$SVL" $args <"$input" 2>/dev/null | norm; echo "exit ${PIPESTATUS[0]}")
    [ "$a" = "$b" ] || differ="$differ $name"
  done
  if [ -z "$differ" ]; then ok "conformance cases: same output and status after formatting"
  else not_ok "conformance cases: same output and status" "$differ"; fi
fi

# The tree is kept formatted: every tracked .svl file passes --check
# (files the language rejects, kept as error fixtures, aside).
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  tracked=$(cd "$root" && git ls-files '*.svl')
else
  tracked=$(cd "$root" && find examples stdlib tests -name '*.svl' -not -path '*/fuzz/*')
fi
# shellcheck disable=SC2086
unformatted=$(cd "$root" && "$SVL" fmt --check $tracked 2>/dev/null)
if [ -z "$unformatted" ]; then ok "every tracked .svl file is formatted (svl fmt --check)"
else not_ok "every tracked .svl file is formatted; run svl fmt on:" "$unformatted"; fi
# several for clauses in one comprehension: spaced like one, stable
printf 'let p = [x*y   for x in [1,2]    for y in [3] if x<y]\n' >comps.svl
expect_out "several for clauses formatted" 'let p = [x * y for x in [1, 2] for y in [3] if x < y]' sh -c "\"$SVL\" fmt - <comps.svl"
expect_out "and formatting them again changes nothing" 'let p = [x * y for x in [1, 2] for y in [3] if x < y]' sh -c "\"$SVL\" fmt - <comps.svl | \"$SVL\" fmt -"
done_testing
