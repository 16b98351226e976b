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
import os
import re
import sys
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_check import (BUILD, CLIPPED, PDFTOTEXT, ROOT, UNSCROLLED, checked_in_shots, ltr, ok, open_page,  # noqa: E402
                          pdf_facts, pdf_text, rows, run, words)


def panel(b, tmp):
    page = open_page(b, tmp, "panel", "tests/report/panel.svl")
    if not page:
        return
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
    # the methodology quotes the rules, keys and all; everywhere else, labels
    text = page.js("[...document.querySelectorAll('main > section:not(#methodology)')].map(e => e.innerText).join('\\n')")
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
    page = open_page(b, tmp, "bidi", "tests/report/bidi.svl")
    if not page:
        return
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


def layout_page(b, tmp, name, src, *args, shots=True, widths=(390, 1280)):
    page = open_page(b, tmp, "layout " + name, src, *args)
    if not page:
        return None
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
    # explanations: one line per bid in print, unless asked (the community
    # transport page: printing 100 bids' explanations in full takes minutes)
    short = layout_page(b, tmp, "scoring-short", "examples/scoring/report.svl", shots=False, widths=())
    full = layout_page(b, tmp, "scoring-full", "examples/scoring/report.svl", "--print-explanations", shots=False,
                       widths=())
    if short and full:
        line = words(short.js("document.querySelector('details.explain pre').textContent.split('\\n')[1]"))
        a, z = os.path.join(BUILD, "report-scoring-short.pdf"), os.path.join(BUILD, "report-scoring-full.pdf")
        n_short, _ = pdf_facts(short.pdf(a))
        n_full, _ = pdf_facts(full.pdf(z))
        ok(n_short < n_full, "print: fewer pages with explanations as one line per bid (%d, %d in full)"
           % (n_short, n_full))
        if PDFTOTEXT:
            ok(line and line not in words(pdf_text(a)) and line in words(pdf_text(z)),
               "print: an explanation's steps are printed only with --print-explanations", line)
            ok("Printed as one line per bid" in words(pdf_text(a)), "print: the page says how to print them in full")


def moderation(b, tmp):
    page = layout_page(b, tmp, "moderation", "examples/moderation/evaluation.svl")
    if not page:
        return
    rows = page.js("""[...document.querySelectorAll('#moderation table.moderation')].map(t => ({
      bid: t.caption.textContent, rows: [...t.querySelectorAll('tbody tr')].map(r => ({
        outlier: r.classList.contains('outlier'), cells: [...r.children].map(c => c.textContent)}))}))""")
    ok([t["bid"] for t in rows] == ["Marks of %s by evaluator, and the consensus" % n
                                    for n in ("Acorn Meals CIC", "Bramble Kitchens Ltd", "Chestnut Catering")],
       "moderation: a table per bid", [t["bid"] for t in rows])
    ok(all(len(t["rows"]) == 6 for t in rows), "moderation: three evaluators' marks on each of two criteria per bid")
    # a criterion's first row has its criterion and consensus cells too
    marks = [(t["bid"], r["outlier"], r["cells"][1:4] if len(r["cells"]) == 8 else r["cells"])
             for t in rows for r in t["rows"]]
    flagged = [(bid, c) for bid, out, c in marks if out]
    ok(len(flagged) == 1 and "Bramble" in flagged[0][0] and flagged[0][1][:2] == ["Cal Jones", "⚑ 1"],
       "moderation: the one outlier is flagged (Cal Jones's 1 on Bramble's delivery)", flagged)
    bramble = rows[1]["rows"][0]["cells"]
    ok(bramble[0] == "Service delivery" and bramble[4] == "3" and bramble[5].startswith("agreed")
       and "appendix C" in bramble[7], "moderation: the agreed mark, how it was reached and the moderator's note",
       bramble)
    acorn = rows[0]["rows"][0]["cells"]
    ok(acorn[4] == "3" and acorn[5].startswith("median") and acorn[6] == "1",
       "moderation: the median as consensus, and the spread, where nothing was agreed", acorn)
    ok(all(c[2] and c[2] != "(no reason recorded)" for _, _, c in marks),
       "moderation: every mark has its reason")
    summary = page.js("document.querySelector('#moderation p.summary').textContent")
    ok(summary.startswith("1 mark flagged"), "moderation: the count of outliers", summary)
    checked_in_shots("report-moderation", "the moderation example's report")


def methodology(b, tmp):
    page = open_page(b, tmp, "methodology", "examples/moderation/evaluation.svl")
    if not page:
        return
    crit = rows(page, "#methodology table.criteria tbody tr")
    ok(crit == [["Price", "price", "40%"], ["Service delivery", "delivery", "35%"], ["Safeguarding", "safeguarding", "25%"]],
       "methodology: the criteria, their keys in the rules and their weights", crit)
    text = page.js("document.querySelector('#methodology').textContent")
    ok("equal totals are separated by the lower price" in text, "methodology: the tie-break in words", text[:400])
    ok("else the median of the evaluators' marks; a mark at least 2 from the consensus is an outlier" in text,
       "methodology: the moderation method and outlier threshold, from the data", text[:600])
    src = open(os.path.join(ROOT, "examples/moderation/evaluation.svl"), encoding="utf-8").read()
    quoted = page.js("[...document.querySelectorAll('#methodology figure.source')].map(f => "
                     "({cap: f.querySelector('figcaption').textContent, pre: f.querySelector('pre').textContent}))")
    ok(quoted and all(q["pre"] in src for q in quoted) and any("relative_to_lowest" in q["pre"] for q in quoted),
       "methodology: the price formula is quoted from the rule file as written", quoted)
    line = src[:src.index("fn scores(")].count("\n") + 1
    ok(any(q["cap"] == "scores, examples/moderation/evaluation.svl line %d" % line for q in quoted),
       "methodology: each quotation names its file and line", [q["cap"] for q in quoted])


sys.exit(run(panel, bidi, printed, moderation, methodology))
