#!/bin/bash
# The examples of the stdlib reference pages print what the pages say they
# print: each ```svl block followed by a ```text block is run through the
# binary (tests/cli/doc_examples.py).  To cover another page, add it to
# the list below; `python3 tests/cli/doc_examples.py --write SVL PAGE`
# rewrites a page's text blocks from the real output.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
for page in scoring svm thresholds sroi greenbook toms; do
  if out=$(python3 "$root/tests/cli/doc_examples.py" "$SVL" "$root/docs/stdlib/$page.md" 2>&1); then
    ok "docs/stdlib/$page.md examples"
  else
    not_ok "docs/stdlib/$page.md examples" "$(printf '%s\n' "$out" | head -20)"
  fi
done
done_testing
