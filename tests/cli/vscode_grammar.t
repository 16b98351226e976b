#!/bin/bash
# The VS Code extension's TextMate grammar tested with the tokenizer VS Code
# runs (npm vscode-textmate + vscode-oniguruma, installed into a temporary
# directory from the npm registry) against every .svl file of the
# repository, plus the snippets expanded and checked (tests/cli/vscode_grammar.js).
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "1..0 # SKIP node and npm not installed (.ci/deps installs them)"
  exit 0
fi
# the versions editors/vscode/package.json asks for
pkg="$root/editors/vscode/package.json"
tm=$(node -e 'console.log(require(process.argv[1]).devDependencies["vscode-textmate"])' "$pkg")
onig=$(node -e 'console.log(require(process.argv[1]).devDependencies["vscode-oniguruma"])' "$pkg")
if ! timeout 300 npm install --prefix "$tmp/npm" --no-audit --no-fund --no-save --loglevel=error \
    "vscode-textmate@$tm" "vscode-oniguruma@$onig" >"$tmp/npm.log" 2>&1; then
  if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$tmp/npm.log"; then
    echo "1..0 # SKIP the npm registry cannot be reached: $(grep -m1 -iE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$tmp/npm.log")"
    exit 0
  fi
  echo "not ok 1 - npm install vscode-textmate vscode-oniguruma"
  sed 's/^/# /' "$tmp/npm.log" | tail -20
  echo "1..1"
  exit 1
fi
files=$(cd "$root" && find examples stdlib tests -name '*.svl' | sort)
svl=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
# shellcheck disable=SC2086
cd "$root" && NODE_PATH="$tmp/npm/node_modules" timeout 300 node tests/cli/vscode_grammar.js "$root" "$svl" $files
