// The TextMate grammar of editors/vscode, tokenized by vscode-textmate and
// vscode-oniguruma (what VS Code itself runs): every .svl file of the
// repository, fixed expectations for each kind of token, and the snippets
// expanded and checked by svl.  Run by tests/cli/vscode_grammar.t with
// NODE_PATH pointing at the npm packages; prints TAP.
//   node vscode_grammar.js ROOT SVL FILE...
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const [root, svl, ...files] = process.argv.slice(2);
const ext = path.join(root, "editors", "vscode");
const grammarPath = path.join(ext, "syntaxes", "svl.tmLanguage.json");

let n = 0, failed = 0;
function ok(cond, desc, info) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${desc}`);
  if (!cond && info !== undefined)
    for (const l of String(typeof info === "string" ? info : JSON.stringify(info, null, 1)).split("\n").slice(0, 30))
      console.log("# " + l);
}

function tokenize(grammar, text) {
  let stack = vsctm.INITIAL;
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens)
      out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}

async function main() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.svl" ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar("source.svl");
  ok(grammar !== null, "the grammar loads (scope source.svl)");

  // every file of the repository
  let tokens = 0;
  const unscoped = [], illegal = [], leaks = [];
  for (const f of files) {
    const text = fs.readFileSync(f, "utf8");
    const toks = tokenize(grammar, text);
    tokens += toks.length;
    const own = path.relative(root, f);
    const authored = /^(examples|stdlib)\//.test(own);
    let lastLine = -1;
    for (const t of toks) {
      if (t.text.trim() && t.scopes.length < 2) unscoped.push(`${own}:${t.line + 1}: '${t.text}'`);
      if (authored && t.scopes.some((s) => s.startsWith("invalid.")))
        illegal.push(`${own}:${t.line + 1}: '${t.text}'`);
      if (t.line !== lastLine) {
        // a string never runs on past its line: SVL has no multi-line texts
        if (t.scopes.some((s) => s.startsWith("string.")) && !t.text.startsWith('"') && t.text.trim())
          leaks.push(`${own}:${t.line + 1}: '${t.text}'`);
        lastLine = t.line;
      }
    }
  }
  ok(files.length > 50 && unscoped.length === 0,
     `${files.length} .svl files, ${tokens} tokens: none left unscoped`, unscoped.slice(0, 20).join("\n"));
  ok(illegal.length === 0, "examples/ and stdlib/: no token marked invalid", illegal.slice(0, 20).join("\n"));
  ok(leaks.length === 0, "no string runs past the end of its line", leaks.slice(0, 20).join("\n"));

  // each kind of token
  const sample = [
    "# a comment about £5",
    'import scoring',
    'let fee = £1.2m + €300k + $1_000.50',
    'let w = 60%',
    'let h = 12 hours',
    'let rate = £25 per hour',
    'unit FTE, FTEs',
    'type Bid = {price: GBP, lot: 1 | 2}',
    'rule eligible(bid: Bid) {',
    '  require bid.price <= £400k and not bid.excluded, "over budget"',
    '}',
    'table band(score) hit unique {',
    '  | score || band |',
    '  | < 50  || "low" |',
    '  | -     || "high" |',
    '}',
    'let msg = "Hello {bid.supplier}, you owe {£5 * 2} \\"now\\""',
    'let t = if true then null else false',
    'fn f(xs) = [x * 2 for x in xs if x > 1]',
    'indicator JOBS {',
    '  proxy: £12_000 per person',
    '}',
    'test "a test" {',
    '  assert f([1, 2]) == [4]',
    '}',
  ].join("\n");
  const toks = tokenize(grammar, sample);
  function scopeOf(line, text, nth = 0) {
    const m = toks.filter((t) => t.line === line && t.text === text);
    return m[nth] ? m[nth].scopes.join(" ") : `(no token '${text}' on line ${line + 1}: ${
      toks.filter((t) => t.line === line).map((t) => "'" + t.text + "'").join(" ")})`;
  }
  const expect = [
    [0, "# a comment about £5", "comment.line.number-sign.svl", "a comment"],
    [1, "import", "keyword.control.import.svl", "import"],
    [1, "scoring", "entity.name.namespace.svl", "the imported module"],
    [2, "£1.2m", "constant.numeric.money.svl", "money with a suffix"],
    [2, "€300k", "constant.numeric.money.svl", "euros"],
    [2, "$1_000.50", "constant.numeric.money.svl", "dollars with a digit separator"],
    [3, "60%", "constant.numeric.percent.svl", "a percentage"],
    [4, "12", "constant.numeric.svl", "a quantity's number"],
    [4, "hours", "support.type.unit.svl", "a quantity's unit"],
    [5, "per", "keyword.operator.word.per.svl", "per"],
    [5, "hour", "support.type.unit.svl", "the unit after per"],
    [6, "FTE", "entity.name.type.unit.svl", "a declared unit"],
    [6, "FTEs", "entity.name.type.unit.svl", "its plural"],
    [7, "Bid", "entity.name.type.svl", "a declared type"],
    [7, "GBP", "entity.name.type.svl", "a field's type"],
    [8, "rule", "storage.type.function.svl", "rule"],
    [8, "eligible", "entity.name.function.svl", "the rule's name"],
    [9, "require", "keyword.other.svl", "require"],
    [9, "and", "keyword.operator.word.svl", "and"],
    [9, '"', "punctuation.definition.string.begin.svl", "a string's quote"],
    [9, "over budget", "string.quoted.double.svl", "a string's text"],
    [11, "unique", "constant.language.hit-policy.svl", "a hit policy"],
    [12, "||", "punctuation.separator.table.outputs.svl", "a table's || between inputs and outputs"],
    [13, "50", "constant.numeric.svl", "a number in a cell"],
    [14, "-", "keyword.other.any.svl", "the any-value cell -"],
    [16, "{", "punctuation.section.interpolation.begin.svl", "an interpolation's {"],
    [16, "supplier", "meta.interpolation.svl", "a name inside an interpolation"],
    [16, "£5", "constant.numeric.money.svl", "money inside an interpolation"],
    [16, "\\\"", "constant.character.escape.svl", "an escape"],
    [17, "if", "keyword.control.svl", "if"],
    [17, "true", "constant.language.svl", "true"],
    [17, "null", "constant.language.svl", "null"],
    [18, "for", "keyword.control.svl", "for in a comprehension"],
    [19, "JOBS", "entity.name.constant.indicator.svl", "an indicator's name"],
    [20, "£12_000", "constant.numeric.money.svl", "a proxy value"],
    [22, "test", "keyword.other.svl", "test"],
    [23, "==", "keyword.operator.comparison.svl", "=="],
  ];
  for (const [line, text, scope, what] of expect) {
    const got = scopeOf(line, text);
    ok(got.split(" ").some((s) => s === scope) || got.includes(scope + " ") || got.endsWith(scope),
       `${what}: '${text}' is ${scope}`, got);
  }
  const inInterp = scopeOf(16, "supplier");
  ok(inInterp.includes("string.quoted.double.svl") && inInterp.includes("variable.other.svl"),
     "an interpolation is code inside the string", inInterp);

  // the snippets expand to rule files svl check accepts
  const snippets = JSON.parse(fs.readFileSync(path.join(ext, "snippets", "svl.json"), "utf8"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svl-snippets-"));
  for (const [name, s] of Object.entries(snippets)) {
    const text = expand(s.body.join("\n"));
    const file = path.join(dir, name + ".svl");
    fs.writeFileSync(file, (name === "indicator" ? "unit person\n" : "") + text + "\n");
    const r = spawnSync(svl, ["check", file], { encoding: "utf8" });
    // unused names are warnings; errors fail
    ok(r.status === 0, `snippet '${name}' (prefix ${s.prefix}) expands to a file svl check accepts`,
       text + "\n" + r.stderr);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

// VS Code's snippet syntax, as the editor expands it with no input:
// ${N:default} (nested), ${N|first,...|}, $N and ${N} repeat N's default.
function expand(body) {
  const defaults = {};
  function parse(s, i, stop) {
    let out = "";
    while (i < s.length && s[i] !== stop) {
      if (s[i] === "\\" && i + 1 < s.length) { out += s[i + 1]; i += 2; continue; }
      if (s[i] === "$" && s[i + 1] === "{") {
        const m = /^\$\{(\d+)([:|}])/.exec(s.slice(i));
        const k = m[1];
        i += m[0].length;
        if (m[2] === "}") { out += `\u0000${k}\u0000`; continue; }
        if (m[2] === "|") {
          const end = s.indexOf("|}", i);
          defaults[k] = s.slice(i, end).split(",")[0];
          out += defaults[k];
          i = end + 2;
          continue;
        }
        const [inner, j] = parse(s, i, "}");
        defaults[k] = defaults[k] ?? inner;
        out += inner;
        i = j + 1;
        continue;
      }
      const m = /^\$(\d+)/.exec(s.slice(i));
      if (m) { out += `\u0000${m[1]}\u0000`; i += m[0].length; continue; }
      out += s[i++];
    }
    return [out, i];
  }
  const [text] = parse(body, 0, undefined);
  return text.replace(/\u0000(\d+)\u0000/g, (_, k) => defaults[k] ?? "");
}

main().catch((e) => {
  console.log(`not ok ${n + 1} - the grammar test ran\n# ${String(e.stack).replace(/\n/g, "\n# ")}`);
  console.log(`1..${n + 1}`);
  process.exit(1);
});
