#!/bin/bash
# The embedding API is tested whole: every function include/svl.h declares
# is called by a C test in tests/unit/, every status it can return is
# expected by one, and so is each error path of issue 6 (bad file, syntax,
# runtime, each limit, interrupt, a host's wrong argument types, released
# and twice-released handles).  A new API function without a test fails
# here.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
tests=$(ls tests/unit/test_*.c)

declared=$(sed -n 's/^SVL_API[^(]*[ *]\(svl_[a-z0-9_]*\)(.*/\1/p' include/svl.h | sort -u)
count=$(echo "$declared" | wc -l)
missing=""
for f in $declared; do
  # shellcheck disable=SC2086
  grep -qw "$f" $tests || missing="$missing $f"
done
[ "$count" -gt 50 ] && [ -z "$missing" ] && ok "each of the $count functions in svl.h is called by a test in tests/unit/" \
  || not_ok "every function in svl.h is called by a test in tests/unit/" "untested:$missing"

statuses=$(sed -n 's/^ *\(SVL_ERR_[A-Z]*\)[ ,].*/\1/p' include/svl.h | sort -u)
missing=""
for s in $statuses; do
  # shellcheck disable=SC2086
  grep -q "== $s\b\|($s\b\|, $s," $tests || missing="$missing $s"
done
[ -n "$statuses" ] && [ -z "$missing" ] && ok "each status ($(echo $statuses | wc -w)) is expected by a test" \
  || not_ok "every status is expected by a test" "never expected:$missing"

# path: a fragment of the test's code that exercises it
check_path() {
  # shellcheck disable=SC2086
  if grep -qF -- "$2" $tests; then ok "error path tested: $1"; else not_ok "error path tested: $1" "no test has: $2"; fi
}
check_path "an unreadable file" 'SVL_ERR_IO'
check_path "a syntax error" 'SVL_ERR_SYNTAX'
check_path "a runtime error in a call" '"a runtime error in a call"'
check_path "the step limit" '"step limit"'
check_path "the heap limit" '"heap limit"'
check_path "the time limit" '"time limit"'
check_path "the call depth limit" '"call depth"'
check_path "the stack limit" 'cfg.stack_bytes ='
check_path "out of memory in the collector" 'out of memory'
check_path "svl_interrupt from another thread" '"svl_interrupt from another thread"'
check_path "svl_interrupt from a signal handler" '"svl_interrupt from a signal handler"'
check_path "wrong argument types from the host" '"a wrong type from the host is SVL'"'"'s runtime error"'
check_path "a released handle" '"reading a released handle is a usage error"'
check_path "a handle released twice" '"releasing twice is harmless; the dup lives on"'
check_path "several VMs on several threads" 'svl_thread_attach();'
done_testing
