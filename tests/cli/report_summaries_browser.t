#!/usr/bin/env python3
"""svl report --summaries checked in headless Chromium (tests/cli/chromium.py,
helpers in report_check.py): every assessment summary and the index at 390
and 1280 px no wider than the screen, nothing clipped, every table in its
own scrolling box; printed, A4 pages, at most two per bidder, numbered;
hostile names (U+202E, U+2066..9, Arabic, Hebrew, ../, a script) isolated,
run as no script, asking for nothing; the checked-in screenshots.  Skipped
when Chromium is not installed (make report-deps)."""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import Page  # noqa: E402
from report_check import (BUILD, CLIPPED, PDFTOTEXT, ROOT, SVL, UNSCROLLED, checked_in_shots, ltr, ok, pdf_facts,  # noqa: E402
                          pdf_text, run)

A4 = (595.3, 841.9)


def summaries(src, out):
    """svl report SRC --summaries OUT; the page files, index last."""
    p = subprocess.run([SVL, "report", src, "--summaries", out], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if not ok(p.returncode == 0, "%s: svl report --summaries exits 0" % src, p.stderr.decode(errors="replace")):
        return []
    files = sorted(f for f in os.listdir(out) if f != "index.html")
    return [os.path.join(out, f) for f in files] + [os.path.join(out, "index.html")]


def layout(b, path, name):
    page = Page(b, path)
    for width in (390, 1280):
        page.size(width, 900)
        wide = page.js("document.documentElement.scrollWidth")
        ok(wide <= width, "%s at %d px: no wider than the screen (%d px)" % (name, width, wide))
        clipped = page.js(CLIPPED)
        ok(clipped == [], "%s at %d px: nothing clipped" % (name, width), clipped)
        ok(page.js(UNSCROLLED) == [], "%s at %d px: every table scrolls in its own box" % (name, width),
           page.js(UNSCROLLED))
    return page


def printed(page, name, most=2):
    pdf = os.path.join(BUILD, "summary-%s.pdf" % name)
    pages, sizes = pdf_facts(page.pdf(pdf))
    ok(1 <= pages <= most and sizes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in sizes),
       "%s printed: A4, %d page(s), at most %d" % (name, pages, most), sorted(set(sizes)))
    if PDFTOTEXT:
        text = pdf_text(pdf)
        ok(all("Page %d of %d" % (i, pages) in text for i in range(1, pages + 1)),
           "%s printed: every page numbered" % name, text[-300:])


def moderation(b, tmp):
    out = os.path.join(tmp, "moderation")
    paths = summaries("examples/moderation/evaluation.svl", out)
    for path in paths:
        name = "moderation-" + os.path.basename(path)[:-5]
        page = layout(b, path, name)
        if not path.endswith("index.html"):
            printed(page, name)
        if "bramble" in path:
            for width in (390, 1280):
                page.screenshot(os.path.join(BUILD, "summary-moderation-%d.png" % width), width=width, full=True)
    if paths:
        index = Page(b, paths[-1])
        links = index.js("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        ok(sorted(x for x in links if x != "index.html") == sorted(os.path.basename(p) for p in paths[:-1]),
           "index: a link to each summary, by its plain file name", links)
    checked_in_shots("summary-moderation", "the runner-up's assessment summary")


def panel(b, tmp):
    """Ties, a failed gate and an abnormally low tender: each still fits."""
    for path in summaries("tests/report/panel.svl", os.path.join(tmp, "panel"))[:-1]:
        printed(Page(b, path), "panel-" + os.path.basename(path)[:-5])


ISOLATED = """(() => {
  const names = %s;
  const bad = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t; (t = walk.nextNode());) {
    if (t.parentElement.closest('style')) continue;
    const plain = s => s.replace(/[\\u202a-\\u202e\\u2066-\\u2069]/g, '');
    if (!names.some(nm => plain(t.data).includes(plain(nm).slice(0, 5)))) continue;
    if (!t.parentElement.closest('bdi')) bad.push(t.data.slice(0, 40));
  }
  return bad;
})()"""


def hostile(b, tmp):
    out = os.path.join(tmp, "hostile")
    paths = summaries("tests/report/summaries.svl", out)
    ok(all(os.path.dirname(p) == out for p in paths) and len(paths) == 11,
       "hostile: eleven pages, all inside DIR", paths)
    names = ["../../etc/passwd", "<script>document.title='pwned'</script>", "Zeta \u202eLtd",
             "\u2066Iso\u2067late\u2068d \u2069Care", "شركة السلام للرعاية", "חברת אורן בע״מ"]
    for path in paths:
        base = os.path.basename(path)[:-5]
        page = layout(b, path, "hostile " + base)
        ok(page.js("document.title").startswith("Assessment summar") and page.js("document.documentElement.dataset.pwned") is None,
           "hostile %s: no script ran" % base, page.js("document.title"))
        ok(page.requests() == [], "hostile %s: no request leaves the page" % base, page.requests())
        ok(page.js(ISOLATED % json.dumps(names)) == [], "hostile %s: every name is isolated" % base,
           page.js(ISOLATED % json.dumps(names)))
        if base != "index":
            printed(page, "hostile-" + base)
    # the page's sentences read left to right whatever the names hold
    for base, text in [("03-zeta-ltd", "'s tender is ranked "),
                       ("03-zeta-ltd", " of 8 in competition, with a total of 82.00. The winning tender, "),
                       ("03-zeta-ltd", ", scored 86.00: a margin of "),
                       ("04-iso-late-d-care", " of 8 in competition, with a total of 78.00. The winning tender, "),
                       ("05-bid", "'s tender is ranked "),
                       ("05-bid", " of 8 in competition, with a total of 77.00. The winning tender, "),
                       ("06-bid", " of 8 in competition, with a total of 74.40. The winning tender, "),
                       ("03-zeta-ltd", " may write to the buyer before it ends.")]:
        page = Page(b, os.path.join(out, base + ".html"))
        where = "#standstill" if "buyer" in text else "#outcome p.summary"
        ok(ltr(page, where, text) == "ltr", "bidi %s: '%s' reads left to right" % (base, text.strip()),
           ltr(page, where, text))
    zeta = Page(b, os.path.join(out, "03-zeta-ltd.html"))
    ok(zeta.js("document.querySelector('h1').innerHTML") == "<bdi>Zeta \u202eLtd\u202c</bdi>",
       "bidi: the name's override is closed within its own <bdi>", zeta.js("document.querySelector('h1').innerHTML"))


sys.exit(run(moderation, panel, hostile))
