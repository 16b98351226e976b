#!/bin/bash
# Output into a closed pipe (`svl run ... | head -1`) ends the run at once
# and quietly: svl dies of SIGPIPE like cat or grep (status 141 in the
# shell, no message), even when the parent left SIGPIPE ignored — a run
# that ignored it would grind on through every remaining print.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
# far more than a pipe's 64 KiB buffer, in many separate prints
{
  echo 'let row = [x * 1000003 for x in 1..2000]'
  for i in $(seq 400); do echo "print row"; done
  echo 'print "the end"'
} >many.svl
pipe_run() { # IGNORE(yes|no) ARGS...: status of svl (not of head) into $status
  ign=$1
  shift
  start=$(date +%s)
  if [ "$ign" = yes ]; then
    status=$( (trap '' PIPE; timeout 300 "$SVL" "$@" 2>err | head -1 >out; echo "${PIPESTATUS[0]}") )
  else
    status=$( (timeout 300 "$SVL" "$@" 2>err | head -1 >out; echo "${PIPESTATUS[0]}") )
  fi
  secs=$(($(date +%s) - start))
}
pipe_run no run many.svl
[ "$status" = 141 ] && ok "run | head -1: killed by SIGPIPE (141)" || not_ok "run | head -1: status $status" "$(head -3 err)"
[ -s err ] && not_ok "no message on stderr" "$(head -3 err)" || ok "no message on stderr"
[ "$(cut -c1-9 out)" = "[1000003," ] && ok "head got the first line" || not_ok "head got: $(head -c 60 out)"

pipe_run yes run many.svl
[ "$status" = 141 ] && ok "with SIGPIPE ignored by the parent: still 141" || not_ok "parent ignored SIGPIPE: status $status" "$(head -3 err)"
[ -s err ] && not_ok "no message on stderr (parent ignored SIGPIPE)" "$(head -3 err)" || ok "no message on stderr (parent ignored SIGPIPE)"
[ "$secs" -lt 30 ] && ok "stops at once (${secs}s)" || not_ok "took ${secs}s"

# the other commands that write a lot: test (TAP), explain, the REPL
{
  for i in $(seq 300); do echo "test \"t$i\" { assert $i == $i }"; done
} >t.svl
pipe_run yes test t.svl
case $status in 0|141) ok "test | head -1: status $status" ;; *) not_ok "test | head -1: status $status" "$(head -3 err)" ;; esac
[ -s err ] && not_ok "test: no message on stderr" "$(head -3 err)" || ok "test: no message on stderr"
[ "$(cat out)" = "TAP version 13" ] && ok "test: head got the TAP header" || not_ok "test: head got: $(cat out)"
printf 'let row = [x for x in 1..5000]\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\nrow\n' >repl.in
status=$( (trap '' PIPE; timeout 300 "$SVL" repl <repl.in 2>err | head -1 >out; echo "${PIPESTATUS[0]}") )
case $status in 0|141) ok "repl | head -1: status $status" ;; *) not_ok "repl | head -1: status $status" "$(head -3 err)" ;; esac
[ -s err ] && not_ok "repl: no message on stderr" "$(head -3 err)" || ok "repl: no message on stderr"
done_testing
