#!/usr/bin/env python3
# svl lsp at the protocol level: a client (tests/cli/lsp_client.py) talks
# JSON-RPC to the real binary over pipes — initialize and shutdown, sync and
# debounced diagnostics, every query, malformed and out-of-order messages,
# cancellation, a rule file that loops, a 5 MB file (docs/editors.md).
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, uri

SVL = os.environ.get("SVL", "build/svl")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
n = 0
failed = 0


def check(desc, cond, info=None):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        failed += 1
        if info is not None:
            for line in str(info)[:2000].splitlines():
                print("# " + line)


tmp = tempfile.mkdtemp()


def write(name, text):
    p = os.path.join(tmp, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


def pos(path, line, ch):
    return {"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": ch}}


RULES = """\
import scoring

# The annual value of the contract, as advertised.
let annual_value = £400k
let years = 3
let contract_value = annual_value * years

type Bid = {
  supplier: text
  price: GBP
  quality: number
}

# Eligible when the price is within the budget.
rule eligible(bid: Bid) {
  require bid.price <= contract_value, "over budget"
}

table band(score) hit unique {
  | score || band   |
  | < 50  || "low"  |
  | > 50  || "high" |
}

fn points(bid: Bid) = scoring.quality_points(scoring.scale_0_4, "Good", 40) + bid.quality
let total = contrct_value
"""

# ---- lifecycle -----------------------------------------------------------
c = Client(SVL)
r = c.request("textDocument/hover", pos("/x.svl", 0, 0))
check("a request before initialize is refused (ServerNotInitialized)", r and r.get("error", {}).get("code") == -32002, r)
r = c.initialize(root=tmp)
caps = (r or {}).get("result", {}).get("capabilities", {})
check("initialize: incremental sync", caps.get("textDocumentSync", {}).get("change") == 2, r)
check("initialize: hover, definition, references, symbols, formatting, actions",
      all(caps.get(k) for k in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                                "workspaceSymbolProvider", "documentFormattingProvider", "codeActionProvider")), caps)
check("initialize: completion on '.', signature help on '('",
      "." in caps.get("completionProvider", {}).get("triggerCharacters", []) and
      "(" in caps.get("signatureHelpProvider", {}).get("triggerCharacters", []), caps)
r = c.request("initialize", {"capabilities": {}})
check("a second initialize is an error", r and "error" in r, r)

# ---- diagnostics ---------------------------------------------------------
p = write("rules.svl", RULES)
c.open(p)
d = c.diagnostics(p, version=1)
check("diagnostics are published on open", d is not None, c.notes)
d = d or []
e = [x for x in d if x.get("code") == "E0301"]
check("undefined name: code E0301, error severity", len(e) == 1 and e[0]["severity"] == 1, d)
if e:
    rg = e[0]["range"]
    check("  its range is the misspelt name (line 25, characters 12-25)",
          rg["start"] == {"line": 25, "character": 12} and rg["end"] == {"line": 25, "character": 25}, rg)
    check("  with the hint in the message and in data", "did you mean 'contract_value'" in e[0]["message"] and
          "contract_value" in (e[0].get("data") or {}).get("hint", ""), e[0])

# the code action for the hint, then the fix as an incremental edit
r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(p)},
              "range": {"start": {"line": 25, "character": 12}, "end": {"line": 25, "character": 12}},
              "context": {"diagnostics": d}})
acts = (r or {}).get("result") or []
fix = [a for a in acts if a.get("title") == "Change to 'contract_value'"]
check("code action: Change to 'contract_value', a quickfix", len(fix) == 1 and fix[0]["kind"] == "quickfix", acts)
if fix:
    edits = fix[0]["edit"]["changes"].get(uri(p), [])
    check("  replacing exactly the misspelt name", edits == [{"range": e[0]["range"], "newText": "contract_value"}], edits)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(p), "version": 2},
         "contentChanges": [{"range": {"start": {"line": 25, "character": 12}, "end": {"line": 25, "character": 25}},
                             "text": "contract_value"}]})
d = c.diagnostics(p, version=2)
check("after the incremental fix, no E0301", d is not None and not [x for x in d if x["code"] == "E0301"], d)
gap = [x for x in d or [] if x["code"] == "E0601"]
check("a table gap is reported on the table, with its example",
      gap and gap[0]["range"]["start"]["line"] == 18 and "score = 50" in gap[0]["message"], d)
check("  a multi-line finding is underlined on its first line only",
      gap and gap[0]["range"]["end"]["line"] == 18, gap)

# debounce: five quick edits in one write, one publication, for the last
buf = b""
for v in range(3, 8):
    body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange",
                       "params": {"textDocument": {"uri": uri(p), "version": v},
                                  "contentChanges": [{"range": {"start": {"line": 4, "character": 12},
                                                                "end": {"line": 4, "character": 13}},
                                                      "text": str(v)}]}}).encode()
    buf += b"Content-Length: %d\r\n\r\n" % len(body) + body
c.raw(buf)
d = c.diagnostics(p, version=7)
pubs = [m for m in c.notes if m.get("method") == "textDocument/publishDiagnostics"]
check("debounced: edits 3-7 sent together give one publication, for version 7", d is not None and not pubs, pubs)
r = c.request("textDocument/hover", pos(p, 4, 5))
check("  the edits were applied in order (years = 7)", "value: `7`" in json.dumps(r), r)

# a full-text change (no range) replaces the document
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(p), "version": 8},
         "contentChanges": [{"text": RULES.replace("contrct_value", "contract_value").replace("> 50", ">= 50")}]})
d = c.diagnostics(p, version=8)
check("a full-text change: the table is complete, nothing but unused-name warnings",
      d is not None and all(x["severity"] >= 2 for x in d), d)

# ---- queries -------------------------------------------------------------
r = c.request("textDocument/hover", pos(p, 5, 8))
h = json.dumps((r or {}).get("result"), ensure_ascii=False)
check("hover on a let: declaration, kind, money value", "let contract_value = annual_value * years" in h and
      "**let**" in h and "£1,200,000.00" in h and "GBP" in h, r)
r = c.request("textDocument/hover", pos(p, 3, 6))
check("hover shows the doc comment above the declaration", "The annual value of the contract" in json.dumps(r), r)
r = c.request("textDocument/hover", pos(p, 14, 16))
check("hover on a parameter: its declared type", "parameter" in json.dumps(r) and "type `Bid`" in json.dumps(r), r)
r = c.request("textDocument/hover", pos(p, 24, 32))
check("hover on a module member: its declaration and doc in the stdlib",
      "fn quality_points(scale, label, points)" in json.dumps(r) and "from `scoring`" in json.dumps(r), r)

r = c.request("textDocument/definition", pos(p, 15, 24))
loc = ((r or {}).get("result") or [{}])[0]
check("definition of a top-level let", loc.get("uri") == uri(p) and loc.get("range", {}).get("start") == {"line": 5, "character": 4}, r)
r = c.request("textDocument/definition", pos(p, 15, 12))
loc = ((r or {}).get("result") or [{}])[0]
check("definition of a parameter", loc.get("range", {}).get("start") == {"line": 14, "character": 14}, r)
r = c.request("textDocument/definition", pos(p, 24, 34))
loc = ((r or {}).get("result") or [{}])[0]
check("definition into the stdlib (scoring.quality_points)", loc.get("uri", "").endswith("/stdlib/scoring.svl") and
      loc["range"]["start"]["character"] == 3, r)
r = c.request("textDocument/references", {**pos(p, 5, 8), "context": {"includeDeclaration": True}})
lines = sorted(x["range"]["start"]["line"] for x in (r or {}).get("result") or [])
check("references of contract_value: declaration and both uses", lines == [5, 15, 25], r)

r = c.request("textDocument/documentSymbol", pos(p, 0, 0))
names = [(s["name"], s["kind"]) for s in (r or {}).get("result") or []]
check("document symbols: imports, lets, type, rule, table, fn with their kinds",
      ("contract_value", 13) in names and ("Bid", 23) in names and ("eligible", 12) in names and
      ("band", 12) in names and ("scoring", 2) in names, names)
bid = [s for s in (r or {}).get("result") or [] if s["name"] == "Bid"]
check("  a record type lists its fields", bid and [k["name"] for k in bid[0].get("children", [])] == ["supplier", "price", "quality"], bid)
r = c.request("workspace/symbol", {"query": "elig"})
check("workspace symbols by query", [s["name"] for s in (r or {}).get("result") or []] == ["eligible"], r)

# completion: a typed parameter's fields, module members, units, names
text = RULES.replace("contrct_value", "contract_value") + "fn f(bid: Bid) = bid.\n"
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(p), "version": 9}, "contentChanges": [{"text": text}]})
r = c.request("textDocument/completion", pos(p, 26, 21))
labels = [x["label"] for x in (r or {}).get("result") or []]
check("completion after `bid.` offers Bid's fields, as fields", labels == ["supplier", "price", "quality"] and
      all(x["kind"] == 5 for x in r["result"]), r)
text2 = text + "let s = scoring.qu\nlet q = 12 hou\nlet a = ann\n"
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(p), "version": 10}, "contentChanges": [{"text": text2}]})
r = c.request("textDocument/completion", pos(p, 27, 18))
labels = [x["label"] for x in (r or {}).get("result") or []]
check("completion of stdlib module members", "quality_points" in labels and "quality_score" in labels and
      not [x for x in labels if x.startswith("_")], labels)
r = c.request("textDocument/completion", pos(p, 28, 14))
labels = [x["label"] for x in (r or {}).get("result") or []]
check("completion of units after a number", labels == ["hour", "hours"], labels)
r = c.request("textDocument/completion", pos(p, 29, 11))
labels = [x["label"] for x in (r or {}).get("result") or []]
check("completion of names in scope", "annual_value" in labels, labels)
r = c.request("textDocument/signatureHelp", pos(p, 24, 72))
sig = (r or {}).get("result") or {}
check("signature help inside scoring.quality_points(…, …, |)",
      sig.get("signatures", [{}])[0].get("label") == "scoring.quality_points(scale, label, points)" and
      sig.get("activeParameter") == 2, sig)

# formatting through svl fmt's formatter
messy = "let   x =  1\nfn  f(a)=a+1\n"
q = write("messy.svl", messy)
c.open(q)
r = c.request("textDocument/formatting", {"textDocument": {"uri": uri(q)}, "options": {"tabSize": 2, "insertSpaces": True}})
want = subprocess.run([SVL, "fmt", "-"], input=messy.encode(), capture_output=True).stdout.decode()
edits = (r or {}).get("result") or []
check("formatting: one edit with svl fmt's text", len(edits) == 1 and edits[0]["newText"] == want and want != messy, r)

# percent hint: a code action writes the percentage
pq = write("pct.svl", "let w = 60%\nlet ok = w > 50\n")
c.open(pq)
d = c.diagnostics(pq)
r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(pq)},
              "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": d}})
titles = [a["title"] for a in (r or {}).get("result") or []]
check("code action from the percent hint: Write 50%", "Write 50%" in titles, (d, r))

# ---- robustness ----------------------------------------------------------
c.raw(b"Content-Length: 9\r\n\r\n{not json")
r = c.pump()
check("malformed JSON: a ParseError response with a null id", r and r.get("error", {}).get("code") == -32700 and
      r.get("id") is None, r)
r = c.request("textDocument/hover", pos(p, 5, 8))
check("  and the server carries on", r and "result" in r, r)
r = c.request("textDocument/unknownThing", {})
check("an unknown method: MethodNotFound", r and r.get("error", {}).get("code") == -32601, r)
r = c.request("textDocument/hover", pos(os.path.join(tmp, "never_opened.svl"), 0, 0))
check("a request about a document never opened: a null result", r and r.get("result") is None and "error" not in r, r)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri("/nowhere.svl"), "version": 2},
                                    "contentChanges": [{"text": "x"}]})
r = c.request("textDocument/hover", pos(p, 5, 8))
check("a change to a document never opened is ignored", r and "result" in r, r)

# cancellation: the request and its cancellation in one write
rid = c.next_id + 1
c.next_id = rid
b1 = json.dumps({"jsonrpc": "2.0", "id": rid, "method": "textDocument/hover", "params": pos(p, 5, 8)}).encode()
b2 = json.dumps({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rid}}).encode()
c.raw(b"Content-Length: %d\r\n\r\n" % len(b1) + b1 + b"Content-Length: %d\r\n\r\n" % len(b2) + b2)
r = c.response(rid)
check("a request cancelled before its turn: RequestCancelled", r and r.get("error", {}).get("code") == -32800, r)

# a rule file that loops: the hover's value is given up, the server answers
lp = write("loop.svl", "fn spin(n) = spin(n + 1)\nlet forever = reduce(1..10000000, 0, fn(a, x) = a + x)\nlet deep = spin(1)\n")
c.open(lp)
r = c.request("textDocument/hover", pos(lp, 1, 6), timeout=120)
check("hover on a let that runs too long: answered, without a value", r and "let forever" in json.dumps(r) and
      "value:" not in json.dumps(r), r)
r = c.request("textDocument/hover", pos(lp, 2, 6), timeout=120)
check("hover on a let that recurses without end: answered, without a value", r and "let deep" in json.dumps(r) and
      "value:" not in json.dumps(r), r)

# a 5 MB file
big_lines = ["# a large generated rule file"]
i = size = 0
while size < 5 * 1024 * 1024:
    big_lines.append("let value_%d = £%d.50 * %d  # a comment to make the line longer" % (i, i, i % 7 + 1))
    size += len(big_lines[-1].encode()) + 1
    i += 1
big_lines.append("let last = value_0 + valu_1")
bp = write("big.svl", "\n".join(big_lines) + "\n")
c.open(bp)
d = c.diagnostics(bp, timeout=300)
check("a 5 MB file: diagnostics arrive (%d lines)" % len(big_lines), d is not None and
      any(x["code"] == "E0301" and x["range"]["start"]["line"] == len(big_lines) - 1 for x in d), (d or [])[:3])
r = c.request("textDocument/definition", pos(bp, len(big_lines) - 1, 12), timeout=300)
check("  and definition works in it", r and (r.get("result") or [{}])[0].get("range", {}).get("start", {}).get("line") == 1, r)

# UTF-16 positions: £ is one unit, an emoji two
up = write("utf.svl", "let s = \"£😀\"\nlet t = s\n")
c.open(up)
r = c.request("textDocument/references", {**pos(up, 1, 8), "context": {"includeDeclaration": True}})
rgs = [x["range"] for x in (r or {}).get("result") or []]
check("positions count UTF-16 units", {"start": {"line": 1, "character": 8}, "end": {"line": 1, "character": 9}} in rgs, rgs)

# references from the files that import a module: user.svl is not open,
# it is found under the workspace folder; a comment, a string and a local
# declaration with the same name are not uses
os.makedirs(os.path.join(tmp, "panel"), exist_ok=True)
libp = write("weights.svl", "# The uplift for local suppliers.\nfn uplift(x) = x * 2\nlet base = uplift(1)\n")
write("panel/user.svl", 'import "../weights.svl" as w\n# uplift is applied twice\nlet a = w.uplift(3)\n'
      'let b = w.uplift(a) + 1\nlet note = "uplift"\n')
write("other.svl", "fn uplift(x) = x\nlet c = uplift(2)\n")
c.open(libp)
r = c.request("textDocument/references", {**pos(libp, 1, 4), "context": {"includeDeclaration": True}})
got = sorted((x["uri"].rsplit("/", 1)[-1], x["range"]["start"]["line"], x["range"]["start"]["character"])
             for x in (r or {}).get("result") or [])
check("references across the workspace: the declaration, its use, and both uses in a file that imports it",
      got == [("user.svl", 2, 10), ("user.svl", 3, 10), ("weights.svl", 1, 3), ("weights.svl", 2, 11)], got)
r = c.request("textDocument/references", {**pos(os.path.join(tmp, "other.svl"), 0, 4),
                                          "context": {"includeDeclaration": True}})
check("  a document that is not open gets no answer (LSP: empty)", r is not None and not (r.get("result") or []), r)

# ---- shutdown ------------------------------------------------------------
c.notify("textDocument/didClose", {"textDocument": {"uri": uri(p)}})
m = c.notification("textDocument/publishDiagnostics", lambda m: m["params"]["uri"] == uri(p) and "version" not in m["params"])
check("closing a document clears its diagnostics", m and m["params"]["diagnostics"] == [], m)
r, rc = c.close()
check("shutdown answers null, exit then ends the server with status 0", r and r.get("result") is None and rc == 0, (r, rc))

c2 = Client(SVL)
c2.initialize()
c2.notify("exit", None)
c2.p.stdin.close()
check("exit without shutdown: status 1", c2.p.wait(timeout=60) == 1)

c3 = Client(SVL)
c3.initialize()
c3.request("shutdown", None)
r = c3.request("textDocument/hover", pos(p, 0, 0))
check("a request after shutdown: InvalidRequest", r and r.get("error", {}).get("code") == -32600, r)
c3.notify("exit", None)
c3.p.stdin.close()
c3.p.wait(timeout=60)

# inputs from initializationOptions count as defined
ip = write("inputs.svl", "let n = count(bids)\n")
c4 = Client(SVL)
c4.initialize(options={"inputs": ["bids"]})
c4.open(ip)
d = c4.diagnostics(ip)
check("initializationOptions.inputs: names given with --input are defined", d == [], d)
c4.close()

print("1..%d" % n)
sys.exit(1 if failed else 0)
