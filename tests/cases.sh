#!/bin/bash
# cases.sh DIR: run the cases in tests/DIR through the real binary, as TAP.
# Used by tests/regress.t (crashes, hangs, sanitizer reports and wrong
# results found by fuzzing or by hand: tests/regress/README.md) and
# tests/hostile.t (the hostile-input catalogue: tests/hostile/README.md).
# A case NAME is DIR/NAME.svl plus any of:
#   NAME.cmd     svl arguments, FILE standing for NAME.svl (default: run FILE)
#   NAME.stdin   standard input (default: none)
#   NAME.out     expected standard output, exactly
#   NAME.err     fragments that must appear in standard error, one a line
#   NAME.status  expected exit status (default 0)
#   NAME.env     VAR=value lines set for this case only (e.g. to make the
#                collector run often: GC_FREE_SPACE_DIVISOR=1000)
#   NAME.gen     a shell script run first, in the case's directory, to make
#                inputs too big or too odd to keep in the repository
# Every other file in DIR is there for the cases to read.
# Every case must also end within 20 seconds, by itself, never by a signal
# other than one its .status names.
dir=$(cd "$(dirname "$0")/$1" && pwd)
svl=${SVL:-build/svl}
case $svl in /*) ;; *) svl=$PWD/$svl ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$dir/." "$work/"
cd "$work" || exit 1
names=$(ls *.svl 2>/dev/null | sed 's/\.svl$//' | sort)
echo "1..$(echo "$names" | grep -c .)"
n=0 failed=0
for name in $names; do
  n=$((n + 1))
  [ -f "$name.gen" ] && sh "$name.gen" >/dev/null 2>&1
  args="run FILE"
  [ -f "$name.cmd" ] && args=$(cat "$name.cmd")
  args=${args//FILE/$name.svl}
  input=/dev/null
  [ -f "$name.stdin" ] && input=$name.stdin
  envs=""
  [ -f "$name.env" ] && envs=$(cat "$name.env")
  # timeout: a guard against a hang, not a speed test: generous, since the
  # suite runs beside other jobs on a loaded machine (prove -j2, CI)
  # shellcheck disable=SC2086
  env $envs timeout 120 "$svl" $args <"$input" >"$name.got" 2>"$name.gerr"
  status=$?
  # the work directory is shared by the cases: drop big generated inputs
  [ -f "$name.gen" ] && rm -rf "$name".big*
  (exit $status)
  status=$?
  want=0
  [ -f "$name.status" ] && want=$(cat "$name.status")
  why=""
  [ "$status" = "$want" ] || why="exit status $status, expected $want"
  if [ -z "$why" ] && [ -f "$name.out" ] && ! cmp -s "$name.out" "$name.got"; then
    why="standard output differs: $(head -c 200 "$name.got")"
  fi
  if [ -z "$why" ] && [ -f "$name.err" ]; then
    while IFS= read -r frag; do
      [ -z "$frag" ] && continue
      grep -qF -- "$frag" "$name.gerr" || { why="stderr lacks: $frag"; break; }
    done <"$name.err"
  fi
  if [ -z "$why" ]; then
    echo "ok $n - $name"
  else
    failed=$((failed + 1))
    echo "not ok $n - $name"
    echo "# $why"
    head -5 "$name.gerr" | sed 's/^/# /'
  fi
done
[ "$failed" = 0 ]
