#!/usr/bin/env python3
"""svl report as the record a panel signs, checked in headless Chromium
(tests/cli/chromium.py): ties stated at every rank with the tie-break
named, the sensitivity of an award that rests on a tie-break, money to the
penny, labels, why a bid is not ranked, the abnormally-low explanations;
data text that cannot reorder the page (U+202E, U+2066..9, Arabic and
Hebrew names), checked by where the browser draws each character; and the
layout: nothing clipped and the page no wider than the screen at 390 and
1280 px, charts readable on a phone, A4 print with page numbers, wide
tables fitting the printed width, explanations one line per bid in print
unless --print-explanations.  Screenshots and PDFs go to the build
directory.  Skipped when Chromium is not installed (make report-deps)."""
import json
import os
import re
import shutil
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
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
PDFTOTEXT = shutil.which("pdftotext")

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
                       ("#decision p.summary", "with 84.00, a margin of 4.82. 7 bids in competition."),
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


# Elements whose content is cut off: overflow hidden or clip (or
# content-visibility) with more content than room.
CLIPPED = """[...document.querySelectorAll('body *')].filter(e => {
  const s = getComputedStyle(e);
  const hides = ['hidden', 'clip'].includes(s.overflowX) || s.contentVisibility === 'auto';
  return hides && e.scrollWidth > e.clientWidth + 1;
}).map(e => e.tagName + '.' + e.className)"""

# Tables not inside a box that scrolls horizontally.
UNSCROLLED = """[...document.querySelectorAll('main table, footer table')].filter(t =>
  !(t.parentElement.classList.contains('scroll') && getComputedStyle(t.parentElement).overflowX === 'auto'))
  .map(t => t.className)"""


def pdf_facts(data):
    """(pages, [(width, height)] in points) of a PDF from Chromium."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    return pages, [(float(b[2]) - float(b[0]), float(b[3]) - float(b[1])) for b in boxes]


def pdf_text(path):
    p = subprocess.run([PDFTOTEXT, "-layout", path, "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.stdout.decode(errors="replace")


def words(s):
    return " ".join(s.split())


def layout_page(b, tmp, name, src, *args, shots=True, widths=(390, 1280)):
    out = os.path.join(tmp, name + "-layout.html")
    rc, err = render(src, out, *args)
    if not ok(rc == 0, "layout %s: svl report exits 0" % name, err):
        return None
    page = Page(b, out)
    for width in widths:
        page.size(width, 900)
        wide = page.js("document.documentElement.scrollWidth")
        ok(wide <= width, "layout %s at %d px: the page is no wider than the screen (%d px)" % (name, width, wide))
        clipped = page.js(CLIPPED)
        ok(clipped == [], "layout %s at %d px: nothing is clipped" % (name, width), clipped)
        ok(page.js(UNSCROLLED) == [], "layout %s at %d px: every table scrolls in its own box" % (name, width),
           page.js(UNSCROLLED))
        if page.js("document.querySelector('svg.contributions') !== null"):
            small = page.js("Math.min(...[...document.querySelectorAll('svg.chart text')].map(t => "
                            "t.getBoundingClientRect().height).filter(h => h > 0))")
            ok(small >= 10, "layout %s at %d px: chart text is readable (smallest %.1f px high)" % (name, width, small))
        if shots:
            page.screenshot(os.path.join(BUILD, "report-%s-%d.png" % (name, width)), width=width, full=(width == 390))
    # the printed width of A4 less the margins (186 mm at 96 px per inch)
    b.call("Emulation.setEmulatedMedia", {"media": "print"}, session=page.sid)
    page.size(703, 1000)
    over = page.js("[...document.querySelectorAll('table, pre, svg.chart')].filter(e => "
                   "e.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1)"
                   ".map(e => e.tagName + '.' + e.className.baseVal + e.className)")
    ok(over == [], "layout %s in print: every table, chart and narrative fits the A4 width" % name, over)
    b.call("Emulation.setEmulatedMedia", {"media": ""}, session=page.sid)
    return page


def printed(b, tmp):
    page = layout_page(b, tmp, "scoring", "examples/scoring/report.svl")
    if page:
        path = os.path.join(BUILD, "report-scoring-a4.pdf")
        pages, sizes = pdf_facts(page.pdf(path))
        ok(pages >= 2 and len(sizes) >= 1 and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes),
           "print: A4 pages (%d, %s points)" % (pages, sorted(set(sizes))))
        if not PDFTOTEXT:
            ok(True, "# SKIP print: page numbers (pdftotext is not installed: make report-deps)")
        else:
            text = pdf_text(path)
            ok(all("Page %d of %d" % (i, pages) in text for i in range(1, pages + 1)),
               "print: every page is numbered 'Page N of %d'" % pages, text[-300:])
    bidi_page = layout_page(b, tmp, "bidi", "tests/report/bidi.svl")
    if bidi_page:
        cells = bidi_page.js("[...document.querySelectorAll('table.ranking tbody tr:last-child > *')]"
                             ".map(c => c.getBoundingClientRect().width)")
        ok(len(cells) == 5 and min(cells) > 20, "a name with no space leaves every column visible", cells)
    layout_page(b, tmp, "panel", "tests/report/panel.svl")
    # explanations: one line per bid in print, unless asked
    short = layout_page(b, tmp, "many", "tests/report/many.svl", shots=False, widths=(390,))
    full = layout_page(b, tmp, "many-full", "tests/report/many.svl", "--print-explanations", shots=False, widths=())
    if short and full:
        line = words(short.js("document.querySelector('details.explain pre').textContent.split('\\n')[1]"))
        a, z = os.path.join(BUILD, "report-many.pdf"), os.path.join(BUILD, "report-many-full.pdf")
        n_short, _ = pdf_facts(short.pdf(a))
        n_full, _ = pdf_facts(full.pdf(z))
        ok(n_short < n_full, "print: 100 bids print on fewer pages with explanations as one line (%d, %d in full)"
           % (n_short, n_full))
        if PDFTOTEXT:
            ok(line and line not in words(pdf_text(a)) and line in words(pdf_text(z)),
               "print: an explanation's steps are printed only with --print-explanations", line)
            ok("Printed as one line per bid" in words(pdf_text(a)), "print: the page says how to print them in full")


def main():
    b = Browser()
    tmp = tempfile.mkdtemp()
    try:
        panel(b, tmp)
        bidi(b, tmp)
        printed(b, tmp)
    finally:
        b.close()
    print("1..%d" % n)
    return 1 if failed else 0


sys.exit(main())
