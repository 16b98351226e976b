#!/bin/bash
# Outputs lose nothing (issue 17, docs/data.md "Output", docs/testing.md
# "Fault model"): --output is honoured with --audit; only regular files are
# replaced (devices, FIFOs and /dev/stdout are written through); every
# write to standard output is checked (a full disk, /dev/full or a closed
# stdout is E0903 and exit 1, never exit 0 with a truncated result);
# SIGINT/TERM/HUP during --output leave the old file and no temporary
# file; a temporary file left by a killed run is removed by the next one.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

printf 'print("checked")\nlet main = [{n: 1, label: "one"}, {n: 2, label: "two"}]\n' >small.svl
python3 -c '
print("let main = [{n: i, label: \"row number {i} of a long output\"} for i in 1..150000]")' >big.svl
python3 -c '
print("let main = [{n: i, label: \"row number {i} of a long output\"} for i in 1..2000]")' >medium.svl
cat >t.svl <<'EOF'
fn double(x) = 2 * x
let main = double(21)
test "double" { assert double(2) == 4 }
report { title: "Doubles", ranking: [{supplier: "A", score: 1}] }
EOF

# --output with --audit: the values go to the file, not to stdout
"$SVL" run small.svl --format csv --output out.csv --audit rec.json >stdout.txt 2>err.txt
s=$?
[ $s = 0 ] && [ -f out.csv ] && grep -q '^1,one$' out.csv \
  && ok "--output with --audit writes the output file" || not_ok "--output with --audit writes the output file" "exit $s; $(ls; cat err.txt)"
[ "$(cat stdout.txt)" = checked ] && ok "... and only what the file prints goes to stdout" \
  || not_ok "... and only what the file prints goes to stdout" "$(head -5 stdout.txt)"
grep -q '"--output", "out.csv"' rec.json && "$SVL" audit verify rec.json >/dev/null \
  && ok "... and the record, with --output in its command, verifies" || not_ok "... the record verifies" "$(head -20 rec.json)"

# only regular files are replaced
ln -s /dev/null to_null.txt
expect_status "--output through a link to /dev/null: exit 0" 0 "$SVL" run small.svl --output to_null.txt
[ -L to_null.txt ] && [ "$(readlink to_null.txt)" = /dev/null ] && [ -c /dev/null ] \
  && ok "... the link and /dev/null are left as they were" || not_ok "... the link is left" "$(ls -la to_null.txt /dev/null)"
expect_status "--output /dev/null: exit 0" 0 "$SVL" run small.svl --output /dev/null
[ -c /dev/null ] && ok "... /dev/null is still a character device" || not_ok "... /dev/null is still a device" "$(ls -la /dev/null)"
got=$("$SVL" run small.svl --format csv --output /dev/stdout 2>err.txt)
[ "$got" = "$(printf 'checked\nn,label\n1,one\n2,two')" ] && ok "--output /dev/stdout writes to standard output, after what was printed" \
  || not_ok "--output /dev/stdout writes to standard output" "got: $got; $(cat err.txt)"
[ -L /dev/stdout ] && ok "... /dev/stdout is still a link" || not_ok "... /dev/stdout is still a link" "$(ls -la /dev/stdout)"
ls /dev | grep -q 'stdout\.tmp-' && not_ok "... no temporary file in /dev" || ok "... no temporary file in /dev"
mkfifo pipe
timeout 120 cat pipe >from_pipe.txt &
reader=$!
expect_status "--output a FIFO: exit 0" 0 "$SVL" run small.svl --output pipe
wait $reader
[ -p pipe ] && [ "$(cat from_pipe.txt)" = "$(printf '[{n: 1, label: "one"}, {n: 2, label: "two"}]')" ] \
  && ok "... written through to its reader, the FIFO left in place" || not_ok "... written through the FIFO" "$(ls -la pipe; cat from_pipe.txt)"

# every write to standard output is checked: /dev/full, a closed stdout
full() {  # full DESC CMD...: exit 1 and E0903 on stderr with stdout on /dev/full
  desc=$1; shift
  timeout 120 "$@" >/dev/full 2>"$tmp/err"
  s=$?
  if [ $s = 1 ] && grep -q "error: cannot write standard output: No space left on device \[E0903\]" "$tmp/err"; then
    ok "$desc > /dev/full: E0903, exit 1"
  else
    not_ok "$desc > /dev/full: E0903, exit 1" "exit $s; $(head -3 "$tmp/err")"
  fi
}
full "run" "$SVL" run small.svl
full "run (an output larger than the buffer)" "$SVL" run medium.svl
full "explain" "$SVL" explain t.svl main
full "test" "$SVL" test t.svl
full "check --format json" "$SVL" check --format json t.svl
full "report" "$SVL" report t.svl
full "help" "$SVL" help
sh -c '"$1" fmt - <"$2" >/dev/full 2>"$3"' sh "$SVL" t.svl err.txt
s=$?
[ $s = 1 ] && grep -q "E0903" err.txt && ok "fmt - > /dev/full: E0903, exit 1" || not_ok "fmt - > /dev/full" "exit $s; $(cat err.txt)"
timeout 120 "$SVL" run small.svl >&- 2>err.txt
s=$?
[ $s = 1 ] && grep -q "error: cannot write standard output: Bad file descriptor \[E0903\]" err.txt \
  && ok "run with standard output closed: E0903, exit 1" || not_ok "run with standard output closed" "exit $s; $(cat err.txt)"
timeout 120 "$SVL" run small.svl --output closed.txt >&- 2>err.txt
s=$?
[ $s = 1 ] && grep -q '^1,one\|n: 1' closed.txt && ! grep -q checked closed.txt \
  && ok "... with --output, the file is written and print's output is not diverted into it" \
  || not_ok "... --output with stdout closed" "exit $s; $(cat err.txt; cat closed.txt)"

# a full disk under standard output (the file-size limit, as in faults.t)
limited() { (trap '' XFSZ; ulimit -f 4; exec timeout 120 "$@") 2>"$tmp/err"; }
limited "$SVL" run medium.svl >redirected.txt
s=$?
[ $s = 1 ] && grep -q "cannot write standard output: File too large \[E0903\]" err \
  && ok "run > file on a full disk: E0903, exit 1" || not_ok "run > file on a full disk" "exit $s; $(cat err)"
limited "$SVL" test t.svl --coverage >redirected.txt
s=$?
[ $s = 0 ] && ok "test > file within the limit: exit 0" || not_ok "test > file within the limit" "exit $s; $(cat err)"

# --coverage-json: atomic, and a failure is an error
python3 -c '
print("fn f(x) = x + 1")
for i in range(300):
  print("fn g%d(x) = x * %d" % (i, i))
print("test \"f\" { assert f(1) == 2 }")' >cov.svl
printf 'old coverage\n' >cov.json
limited "$SVL" test cov.svl --coverage-json cov.json >/dev/null
s=$?
[ $s = 1 ] && grep -q "error: cannot write 'cov.json': File too large \[E0903\]" err \
  && ok "--coverage-json on a full disk: E0903, exit 1" || not_ok "--coverage-json on a full disk" "exit $s; $(cat err)"
[ "$(cat cov.json)" = "old coverage" ] && ok "... the old file is untouched" || not_ok "... the old file is untouched" "$(head -c 100 cov.json)"
ls -a | grep -q 'cov.json.tmp-' && not_ok "... no temporary file" "$(ls -a)" || ok "... and no temporary file is left"
"$SVL" test cov.svl --coverage-json cov.json >/dev/null && python3 -c 'import json; json.load(open("cov.json"))' \
  && ok "--coverage-json writes valid JSON" || not_ok "--coverage-json writes valid JSON"

# signals during --output: the old file stays, no temporary file is left.
# Started through python3 so that SIGINT is not ignored as it is for a
# background job of a non-interactive shell (a run whose parent ignores a
# signal keeps ignoring it, like nohup).
for sig in INT TERM HUP; do
  printf 'old\n' >big.csv
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$SVL" run big.svl --format csv --output big.csv 2>/dev/null &
pid=$!
  while ! ls -a | grep -q 'big\.csv\.tmp-' && kill -0 $pid 2>/dev/null; do :; done
  kill -$sig $pid 2>/dev/null
  { wait $pid; } 2>/dev/null
  s=$?
  if [ $s -gt 128 ]; then
    ok "SIG$sig during --output ends the run by the signal (status $s)"
    # the old file, or (when the signal came just after the rename) the
    # whole new one: never a part
    [ "$(cat big.csv)" = old ] || [ "$(wc -l <big.csv)" = 150001 ] && ok "... the old file is kept (or the new one is whole)" \
      || not_ok "... the old file is kept" "$(head -c 100 big.csv)"
  else
    # the run finished before the signal came: the new file is whole
    ok "SIG$sig came after the run ended (status $s)"
    [ "$(wc -l <big.csv)" = 150001 ] && ok "... the new file is whole" || not_ok "... the new file is whole"
  fi
  ls -a | grep -q 'big\.csv\.tmp-' && not_ok "... no temporary file is left after SIG$sig" "$(ls -a)" \
    || ok "... no temporary file is left after SIG$sig"
done

# a temporary file left by a run killed outright is removed by the next
# write of the same file; one a live run holds (locked), or one not of our
# naming, is left alone
printf 'partial' >big.csv.tmp-AbC123
printf 'other' >big.csv.tmp-mine
printf 'held' >big.csv.tmp-Xyz789
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
open("locked", "w").close()
time.sleep(30)' big.csv.tmp-Xyz789 >/dev/null 2>&1 &
holder=$!
t=0
while [ ! -e locked ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
expect_status "--output after a killed run: exit 0" 0 "$SVL" run small.svl --output big.csv
[ ! -e big.csv.tmp-AbC123 ] && ok "... its stale temporary file is removed" || not_ok "... the stale temporary file is removed" "$(ls -a)"
[ -e big.csv.tmp-mine ] && ok "... a file not named like ours is kept" || not_ok "... a file not named like ours is kept"
[ -e big.csv.tmp-Xyz789 ] && ok "... a temporary file a live writer holds is kept" || not_ok "... a held temporary file is kept"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
done_testing
