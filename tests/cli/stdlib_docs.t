#!/bin/bash
# The examples of the stdlib reference pages print what the pages say they
# print: each ```svl block followed by a ```text block is run through the
# binary (tests/cli/doc_examples.py).  To cover another page, add it to
# the list below; `python3 tests/cli/doc_examples.py --write SVL PAGE`
# rewrites a page's text blocks from the real output.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
for page in data stdlib stdlib/prelude stdlib/scoring stdlib/svm stdlib/thresholds stdlib/sroi \
    stdlib/greenbook stdlib/toms stdlib/moderation stdlib/calendar; do
  if out=$(python3 "$root/tests/cli/doc_examples.py" "$SVL" "$root/docs/$page.md" 2>&1); then
    ok "docs/$page.md examples"
  else
    not_ok "docs/$page.md examples" "$(printf '%s\n' "$out" | head -20)"
  fi
done
# Every builtin in the registry tables has its own heading in prelude.md.
names=$(sed -s -n '/^\(static \)\{0,1\}const builtin [a-z_]*\[\] = {/,/^};/p' \
  "$root/stdlib/prelude.c" "$root/stdlib/builtins.c" "$root/stdlib/load_file.c" "$root/stdlib/lookup.c" \
  "$root/stdlib/datetime.c" "$root/stdlib/calendar.c" "$root/stdlib/ocds.c" |
  sed -n 's/^ *{"\([a-z_0-9]*\)".*/\1/p')
missing=
for name in $names; do
  grep -q "^##.*\`$name(" "$root/docs/stdlib/prelude.md" || missing="$missing $name"
done
if [ "$(printf '%s\n' $names | wc -l)" -ge 60 ] && [ -z "$missing" ]; then
  ok "docs/stdlib/prelude.md documents every builtin"
else
  not_ok "docs/stdlib/prelude.md documents every builtin" "undocumented:${missing:- (no builtin tables found)}"
fi
done_testing
