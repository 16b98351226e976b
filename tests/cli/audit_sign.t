#!/bin/bash
# Signed audit records (issue 17; docs/tools.md "Signing records"):
# svl audit keygen, svl run --audit --sign, svl audit verify --key.  A
# record edited after signing fails, whatever the edit; another key fails;
# what verify shows of a tampered record never sends raw control bytes
# (ESC, OSC) or bidi overrides to the terminal.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
printf 'supplier,price\nAcme,100\n' >bids.csv
printf 'let main = input[1].price * 2\nprint "scored"\n' >rules.svl

expect_status "svl audit keygen KEY: exit 0" 0 "$SVL" audit keygen panel.key
[ "$(stat -c %a panel.key)" = 600 ] && ok "... the secret key is readable by its owner only" \
  || not_ok "... the secret key is mode 600" "$(stat -c %a panel.key)"
grep -q '^svl-ed25519-public [0-9a-f]\{64\}$' panel.key.pub && ok "... and KEY.pub holds the public key" \
  || not_ok "... KEY.pub holds the public key" "$(cat panel.key.pub)"
cp panel.key panel.key.orig
expect_status "keygen never replaces an existing key" 1 "$SVL" audit keygen panel.key
cmp -s panel.key panel.key.orig && ok "... the old key is kept" || not_ok "... the old key is kept"
"$SVL" audit keygen other.key >/dev/null

expect_out "svl run --audit --sign prints as svl run does" "$(printf 'scored\n200')" \
  "$SVL" run rules.svl --input bids.csv --audit rec.json --sign panel.key
grep -q '^  "signature": {"alg": "ed25519", "public_key": "[0-9a-f]\{64\}", "sig": "[0-9a-f]\{128\}"}$' rec.json \
  && ok "... the record carries an Ed25519 signature" || not_ok "... the record carries a signature" "$(tail -3 rec.json)"
grep -q '"--sign"\|panel.key"' rec.json && not_ok "... the key's path is not in the recorded command" \
  || ok "... the key's path is not in the recorded command"
expect_status "audit verify --key KEY.pub: exit 0" 0 "$SVL" audit verify rec.json --key panel.key.pub
grep -q "signature good" "$tmp/out" && grep -q "verified: the run reproduces exactly" "$tmp/out" \
  && ok "... signature good, and the run reproduces" || not_ok "... signature good, run reproduces" "$(cat "$tmp/out")"
expect_status "audit verify without --key still re-runs: exit 0" 0 "$SVL" audit verify rec.json
grep -q "signature is not checked" "$tmp/out" && ok "... saying the signature was not checked" \
  || not_ok "... saying the signature was not checked" "$(cat "$tmp/out")"

# any edit after signing fails, before anything is re-run
edit() {  # edit DESC SED-EXPRESSION
  sed "$2" rec.json >edited.json
  if cmp -s rec.json edited.json; then not_ok "$1 (the edit changed nothing)"; return; fi
  timeout 120 "$SVL" audit verify edited.json --key panel.key.pub >"$tmp/out" 2>"$tmp/err"
  s=$?
  [ $s = 1 ] && grep -q "the record was changed after it was signed" "$tmp/out" \
    && ok "$1: verification fails" || not_ok "$1: verification fails" "exit $s: $(cat "$tmp/out" "$tmp/err")"
}
edit "a value edited" 's/"main": 200/"main": 250/'
edit "a data file's hash edited to match new data" 's/"sha256": "[0-9a-f]*"/"sha256": "0000000000000000000000000000000000000000000000000000000000000000"/'
edit "the command edited" 's/"bids.csv"\]/"other.csv"]/'
edit "one space added" '0,/"svl_audit": 1/s//"svl_audit":  1/'
sed 's/"sig": "\(.\)/"sig": "f\1/; s/"sig": "ff/"sig": "ee/' rec.json >forged.json
timeout 120 "$SVL" audit verify forged.json --key panel.key.pub >"$tmp/out" 2>&1
[ $? = 1 ] && ok "a damaged signature fails" || not_ok "a damaged signature fails" "$(cat "$tmp/out")"
expect_status "a record signed with another key fails" 1 "$SVL" audit verify rec.json --key other.key.pub
grep -q "signed with another key" "$tmp/out" && ok "... saying so" || not_ok "... saying so" "$(cat "$tmp/out")"
# a forger re-signing with their own key: still another key than the panel's
"$SVL" run rules.svl --input bids.csv --audit forged2.json --sign other.key >/dev/null
expect_status "a record re-signed by someone else fails with the panel's key" 1 "$SVL" audit verify forged2.json --key panel.key.pub
"$SVL" run rules.svl --input bids.csv --audit plain.json >/dev/null
expect_status "an unsigned record fails when a key is given" 1 "$SVL" audit verify plain.json --key panel.key.pub
grep -q "not signed" "$tmp/out" && ok "... saying it is not signed" || not_ok "... saying it is not signed" "$(cat "$tmp/out")"
expect_status "a secret key given as the public key is refused" 2 "$SVL" audit verify rec.json --key panel.key
expect_status "--sign without --audit: exit 2" 2 "$SVL" run rules.svl --input bids.csv --sign panel.key
expect_status "--sign with a missing key: exit 1" 1 "$SVL" run rules.svl --input bids.csv --audit x.json --sign nokey
[ ! -e x.json ] && ok "... and no record is written" || not_ok "... and no record is written"

# data changed after a good signature: the signature holds, the re-run differs
printf 'supplier,price\nAcme,150\n' >bids.csv
expect_status "data changed after signing: exit 1" 1 "$SVL" audit verify rec.json --key panel.key.pub
grep -q "signature good" "$tmp/out" && grep -q '"main": 300' "$tmp/out" \
  && ok "... the signature holds and the difference is shown" || not_ok "... difference shown" "$(cat "$tmp/out")"

# control characters in shown differences are escaped
printf 'supplier,price\nAcme,100\n' >bids.csv
python3 -c '
import sys
s = open("plain.json").read()
s = s.replace("\"main\": 200", "\"main\": 200, \"x\": \"\x1b]0;pwned\x07\x1b[2J\u202e\x9b\"", 1)
open("escape.json", "w").write(s)'
timeout 120 "$SVL" audit verify escape.json >"$tmp/out" 2>&1
s=$?
[ $s = 1 ] && ok "a record with raw escape bytes differs: exit 1" || not_ok "a record with raw escapes: exit 1" "exit $s"
if LC_ALL=C grep -q "$(printf '\033')\|$(printf '\007')\|$(printf '\342\200\256')\|$(printf '\302\233')" "$tmp/out"; then
  not_ok "... no raw ESC, BEL, C1 or U+202E reaches the terminal" "$(od -c "$tmp/out" | head -5)"
else
  ok "... no raw ESC, BEL, C1 or U+202E reaches the terminal"
fi
grep -qF '\x1b]0;pwned\x07\x1b[2J\u{202e}\u{9b}' "$tmp/out" && ok "... they are shown escaped" \
  || not_ok "... they are shown escaped" "$(grep recorded "$tmp/out")"
done_testing
