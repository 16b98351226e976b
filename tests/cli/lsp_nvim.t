#!/bin/bash
# svl lsp driven by a real client: Neovim's built-in LSP client, headless
# (tests/cli/lsp_nvim.lua), on a copy of examples/scoring with a misspelt
# name added — diagnostics, hover on a money value, definition, completion
# of a record field, the fix clearing its diagnostic, formatting.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v nvim >/dev/null; then
  echo "1..0 # SKIP nvim not installed (Debian neovim; .ci/deps installs it)"
  exit 0
fi
cp "$root/examples/scoring/evaluation.svl" "$root/examples/scoring/bids.csv" "$tmp/"
printf 'let oops = contrct_value\n' >>"$tmp/evaluation.svl"
# a throw-away home: no user configuration, plugins or shada
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state"
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL") SVL_FILE="$tmp/evaluation.svl" \
  timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile $root/tests/cli/lsp_nvim.lua" </dev/null >"$tmp/tap" 2>"$tmp/nvim.err"
st=$?
cat "$tmp/tap"
if ! grep -q '^1\.\.' "$tmp/tap"; then
  echo "not ok 1 - nvim ran the script to its end (status $st)"
  sed 's/^/# /' "$tmp/nvim.err" | head -20
  echo "1..1"
  exit 1
fi
exit $st
