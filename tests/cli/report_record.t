#!/usr/bin/env python3
"""svl report as the record a panel signs, checked in headless Chromium
(tests/cli/chromium.py): ties stated at every rank with the tie-break
named, the sensitivity of an award that rests on a tie-break, money to the
penny, labels, why a bid is not ranked, the abnormally-low explanations;
and data text that cannot reorder the page (U+202E, U+2066..9, Arabic and
Hebrew names), checked by where the browser draws each character.
Skipped when Chromium is not installed (make report-deps)."""
import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import CHROMIUM, Browser, Page  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SVL = os.environ.get("SVL", os.path.join(ROOT, "build", "svl"))
if not os.path.isabs(SVL):
    SVL = os.path.join(ROOT, SVL)

if not CHROMIUM:
    print("1..0 # SKIP chromium is not installed: the browser tests of svl report need it (make report-deps)")
    sys.exit(0)

n = 0
failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:20]:
            print("# " + line)
    sys.stdout.flush()
    return cond


def render(src, out, *args):
    p = subprocess.run([SVL, "report", src, "-o", out] + list(args), cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode(errors="replace")


def rows(page, selector):
    return page.js("[...document.querySelectorAll(%s)].map(r => [...r.children].map(c => c.textContent))"
                   % json.dumps(selector))


# Where the browser draws each character of `text` inside `root`: 'ltr'
# when every character of the first text node holding it lies right of the
# one before on its line, or starts a lower line (nothing reordered it).
LTR = """((root, text) => {
  const walk = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  for (let t; (t = walk.nextNode());) {
    const at = t.data.indexOf(text);
    if (at < 0) continue;
    const xs = [];
    for (let i = at; i < at + text.length; i++) {
      if (t.data[i] === ' ') continue;
      const r = document.createRange();
      r.setStart(t, i); r.setEnd(t, i + 1);
      const box = r.getBoundingClientRect();
      xs.push([Math.round(box.top), Math.round(box.left)]);
    }
    // left to right along a line; a wrapped line starts lower down
    const fine = xs.every((p, i) => i === 0 || (p[0] === xs[i - 1][0] ? p[1] > xs[i - 1][1] : p[0] > xs[i - 1][0]));
    return fine ? 'ltr' : 'reordered ' + JSON.stringify(xs);
  }
  return 'not found';
})"""


def ltr(page, root, text):
    return page.js("%s(%s, %s)" % (LTR, json.dumps(root), json.dumps(text)))


def panel(b, tmp):
    out = os.path.join(tmp, "panel.html")
    rc, err = render("tests/report/panel.svl", out)
    if not ok(rc == 0, "panel: svl report exits 0", err):
        return
    page = Page(b, out)
    summary = page.js("document.querySelector('#decision p.summary').textContent")
    ok("The award rests on the tie-break (the higher quality score)" in summary and "margin" not in summary,
       "tie for first: the decision says the award rests on the tie-break, and names it", summary)
    ranking = rows(page, "table.ranking tbody tr")
    ok([r[0] for r in ranking] == ["1", "2", "3", "4", "5", "5"], "ranks as the rules gave them", ranking)
    ties = [r[-1] for r in ranking]
    ok(ties[0] == "same total as Alder Care Ltd; placed by the tie-break"
       and ties[2] == "same total as Cedar Support; placed by the tie-break"
       and ties[4] == "same total as Fir & Co; still tied after the tie-break",
       "each tied row says with whom and whether the tie-break separated them", ties)
    groups = page.js("[...document.querySelectorAll('#ranking ul.ties li')].map(e => e.textContent)")
    ok(len(groups) == 3 and all("the higher quality score" in g for g in groups)
       and "they share rank 5" in groups[2] and "80.25" in groups[1],
       "every tie is listed with the tie-break rule named", groups)
    ok(all(re.fullmatch(r"-?[\d,]+\.\d\d", c) for r in ranking for c in r[2:6]),
       "scores and totals to exactly 2 decimals", ranking)

    # sensitivity of an award resting on the tie-break: the test works out
    # who leads just above and below each published weight itself
    weights = {"Price": Decimal("0.5"), "Quality of care": Decimal("0.3"), "Social value": Decimal("0.2")}
    scores = {"Birch Homecare": [80, 90, 80], "Alder Care Ltd": [90, 80, 70]}
    sens = rows(page, "table.data.sensitivity tbody tr")
    ok(len(sens) == 3 and all(len(r) == 3 and "not ahead" in r[2] and "rests on the tie-break" in r[2] for r in sens),
       "exact tie for first: every range row says the first-ranked bid is not ahead, and shows no range", sens)
    names = list(weights)
    for k, row in enumerate(sens):
        def leader(x):
            wk = weights[names[k]]
            t = {}
            for bid, s in scores.items():
                rest = sum(Decimal(s[j]) * weights[names[j]] for j in range(3) if j != k)
                t[bid] = x * s[k] + rest * (1 - x) / (1 - wk)
            return max(t, key=t.get)
        up, down = leader(weights[names[k]] + Decimal("0.001")), leader(weights[names[k]] - Decimal("0.001"))
        want = "%s leads at any higher weight, %s at any lower one" % (up, down)
        ok(want in row[2], "exact tie: %s row says %s" % (row[0], want), row[2])
    ok(page.js("[...document.querySelectorAll('svg.sensitivity rect.stable')].length") == 0,
       "exact tie: the chart draws no range")
    note = page.js("(document.querySelector('#sensitivity p.tie') || {}).textContent")
    ok(note and note.startswith("Birch Homecare is not ahead of Alder Care Ltd"), "exact tie: the section says so first", note)
    rules = page.js("[...document.querySelectorAll('#sensitivity p.tie')].map(e => e.textContent)")
    ok(any("takes Alder Care Ltd as the winner, not the first-ranked bid Birch Homecare" in t for t in rules),
       "the rules' own table, about another winner, says so", rules)
    head = page.js("[...document.querySelectorAll('#sensitivity table.records thead th')].map(e => e.textContent)")
    body = rows(page, "#sensitivity table.records tbody tr")
    ci = head.index("change (percentage points)") if "change (percentage points)" in head else -1
    ok(ci >= 0 and all(not r[ci].endswith("%") for r in body), "the change column is in percentage points", [head, body])
    text = page.js("document.body.innerText")
    ok("social_value" not in text and "Social value" in text, "labels, not raw names, on the page")
    money = re.findall(r"£[\d,]+\.\d+", text)
    ok(money and all(re.fullmatch(r"£[\d,]+\.\d\d", m) for m in money), "money to the penny",
       [m for m in money if not re.fullmatch(r"£[\d,]+\.\d\d", m)][:3])
    outcome = {r[0]: r[-1] for r in rows(page, "table.gates tbody tr")}
    ok(outcome.get("Gorse Direct") == "not ranked: abnormally low; its explanation was not accepted",
       "a bid that passed every gate says why it is not ranked", outcome)
    ok(outcome.get("Holly Group") == "not ranked: failed quality minimum", "a failed gate is the reason given", outcome)
    ok(outcome.get("Fir & Co") == "ranked 5", "a shared rank is the rank shown", outcome)
    alt = {r[0]: r[-1] for r in rows(page, "#abnormally-low tbody tr")}
    ok(alt.get("⚑ Gorse Direct") == "requested; not accepted: rejected as abnormally low"
       and alt.get("Alder Care Ltd") == "not needed (not flagged)",
       "the abnormally-low table says what came of the explanation", alt)


def bidi(b, tmp):
    out = os.path.join(tmp, "bidi.html")
    rc, err = render("tests/report/bidi.svl", out)
    if not ok(rc == 0, "bidi: svl report exits 0", err):
        return
    page = Page(b, out)
    for root, text in [("#decision p.decision", ", subject to the standstill period."),
                       ("#decision p.summary", ", with a total of 88.82. Runner-up:"),
                       ("#decision p.summary", "with 84.00, a margin of 4.82. 6 bids in competition."),
                       ("table.gates", " holds no insurance of £5m (to be provided before award)"),
                       ("#sensitivity", " on the weighted total of its scores."),
                       ("#separation", " scored 88.824 and "),
                       ("#separation", " had 54.00 and ")]:
        ok(ltr(page, root, text) == "ltr", "bidi: '%s' in %s reads left to right" % (text.strip(), root),
           ltr(page, root, text))
    # every name, wherever it is, is in an isolating element
    loose = page.js("""(() => {
      const names = [...document.querySelectorAll('table.ranking th.bid')].map(e => e.textContent);
      const bad = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let t; (t = walk.nextNode());) {
        if (t.parentElement.closest('svg, style')) continue;
        if (!names.some(nm => nm && t.data.includes(nm.replace(/[\\u202a-\\u202e\\u2066-\\u2069]/g, '').slice(0, 4)))) continue;
        const iso = t.parentElement.closest('bdi') || getComputedStyle(t.parentElement).unicodeBidi === 'isolate';
        if (!iso) bad.push(t.data.slice(0, 40));
      }
      return bad;
    })()""")
    ok(loose == [], "bidi: every name on the page is isolated", loose)
    svg = page.js("[...document.querySelectorAll('svg.contributions text.name')].map(e => e.textContent)")
    ok(svg and all(t.startswith("\u2068") and t.rstrip("…").endswith("\u2069") for t in svg),
       "bidi: chart labels are isolated (FSI … PDI)", [repr(t) for t in svg[:3]])
    balanced = page.js("[...document.querySelectorAll('table.ranking th.bid')].map(e => e.textContent)")
    ok(balanced[0] == "Zeta \u202eLtd\u202c", "bidi: an override in a name is closed at its end", [repr(x) for x in balanced])
    ok(page.js("document.querySelector('table.ranking tbody tr:nth-child(2) td:last-child').textContent") == "84.00",
       "bidi: the number beside a right-to-left name is intact")


def main():
    b = Browser()
    tmp = tempfile.mkdtemp()
    try:
        panel(b, tmp)
        bidi(b, tmp)
    finally:
        b.close()
    print("1..%d" % n)
    return 1 if failed else 0


sys.exit(main())
