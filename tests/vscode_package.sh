#!/bin/bash
# The VS Code extension (editors/vscode) packaged as a .vsix with the npm
# registry's @vscode/vsce, in a temporary copy (node_modules never lands in
# the repository): the package holds the grammar, the language
# configuration, the snippets, the client and its runtime dependency.
# Run by .ci/run, not by make test: npm install takes a minute or two.
. "$(dirname "$0")/cli/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "1..0 # SKIP node and npm not installed (.ci/deps installs them)"
  exit 0
fi
mkdir -p "$tmp/ext"
(cd "$root/editors/vscode" && tar --exclude=node_modules --exclude='*.vsix' -cf - .) | (cd "$tmp/ext" && tar -xf -)
if ! (cd "$tmp/ext" && timeout 600 npm install --no-audit --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1; then
  if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$tmp/npm.log"; then
    echo "1..0 # SKIP the npm registry cannot be reached: $(grep -m1 -iE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$tmp/npm.log")"
    exit 0
  fi
  not_ok "npm install in a copy of editors/vscode" "$(tail -20 "$tmp/npm.log")"
  done_testing
  exit
fi
ok "npm install in a copy of editors/vscode"
(cd "$tmp/ext" && timeout 600 npx --no-install vsce package --skip-license --allow-missing-repository -o "$tmp/svl.vsix") \
  >"$tmp/vsce.log" 2>&1
st=$?
if [ "$st" = 0 ] && [ -s "$tmp/svl.vsix" ]; then ok "vsce package writes svl.vsix"; else not_ok "vsce package writes svl.vsix" "$(tail -20 "$tmp/vsce.log")"; fi
python3 - "$tmp/svl.vsix" >"$tmp/check" 2>&1 <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
want = ["extension/package.json", "extension/extension.js", "extension/language-configuration.json",
        "extension/syntaxes/svl.tmLanguage.json", "extension/snippets/svl.json",
        "extension/node_modules/vscode-languageclient/package.json", "extension.vsixmanifest"]
want.append("extension/readme.md")
lower = {n.lower() for n in names}
missing = [w for w in want if w.lower() not in lower]
print("missing: " + " ".join(missing) if missing else "files ok")
dev = [n for n in names if n.startswith(("extension/node_modules/@vscode/vsce/", "extension/node_modules/vscode-textmate/"))]
print("dev dependencies packaged: %d files" % len(dev) if dev else "no dev dependencies")
pkg = json.loads(z.read("extension/package.json"))
c = pkg["contributes"]
print("contributes " + ("ok" if c["languages"][0]["extensions"] == [".svl"] and c["grammars"][0]["scopeName"] == "source.svl" else "wrong"))
PY
grep -qx "files ok" "$tmp/check" && ok "the package holds the grammar, configuration, snippets, client and vscode-languageclient" \
  || not_ok "the package holds what the extension needs" "$(cat "$tmp/check")"
grep -qx "no dev dependencies" "$tmp/check" && ok "and not the build tools (vsce, the tokenizer)" || not_ok "no dev dependencies in the package" "$(cat "$tmp/check")"
grep -qx "contributes ok" "$tmp/check" && ok "its manifest contributes the svl language and the source.svl grammar" || not_ok "manifest" "$(cat "$tmp/check")"
[ ! -e "$root/editors/vscode/node_modules" ] || [ -n "$(cd "$root" && git check-ignore editors/vscode/node_modules)" ] \
  && ok "node_modules stays out of the repository" || not_ok "node_modules is ignored"
done_testing
