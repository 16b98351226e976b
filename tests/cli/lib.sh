# Tiny TAP helpers for CLI tests through the real binary.
SVL=${SVL:-build/svl}
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/# /'; }
# expect_status DESC WANT CMD... : run, compare exit status
expect_status() {
  desc=$1 want=$2; shift 2
  timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc" "exit $got, expected $want; stderr: $(head -3 "$tmp/err")"; fi
}
# expect_out DESC EXPECTED CMD... : stdout equals
expect_out() {
  desc=$1 want=$2; shift 2
  got=$(timeout 120 "$@" 2>"$tmp/err")
  if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc" "got: $got; stderr: $(head -3 "$tmp/err")"; fi
}
# expect_err DESC FRAGMENT : last stderr contains
expect_err() {
  if grep -qF -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1" "stderr: $(head -5 "$tmp/err")"; fi
}
done_testing() { echo "1..$n"; [ "$failed" = 0 ]; }
