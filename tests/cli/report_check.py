"""What the browser tests of svl report share (tests/cli/report_browser.t,
report_record.t, report_summaries_browser.t): TAP points, rendering a page and opening it
in headless Chromium (tests/cli/chromium.py), where the browser draws
text, clipping and PDF facts."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
from chromium import CHROMIUM, Browser, Page  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SVL = os.environ.get("SVL", os.path.join(ROOT, "build", "svl"))
if not os.path.isabs(SVL):
    SVL = os.path.join(ROOT, SVL)
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
PDFTOTEXT = shutil.which("pdftotext")

n = 0
failed = 0


def ok(cond, desc, diag=""):
    """One TAP point."""
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


def open_page(b, tmp, name, src, *args):
    """The report of src (svl report SRC ARGS) in a browser tab, or None
    (a failed point) when svl report fails."""
    out = os.path.join(tmp, name.replace(" ", "-") + ".html")
    rc, err = render(src, out, *args)
    return Page(b, out) if ok(rc == 0, "%s: svl report exits 0" % name, err) else None


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


def png_width(path):
    head = open(path, "rb").read(24) if os.path.exists(path) else b""
    return int.from_bytes(head[16:20], "big") if head[:8] == b"\x89PNG\r\n\x1a\n" else 0


def done():
    """The plan, after the points; the exit status."""
    print("1..%d" % n)
    return 1 if failed else 0


def checked_in_shots(kind, what):
    """docs/img/KIND-390.png and -1280.png are screenshots of WHAT: as wide
    as the ones this run saved in the build directory."""
    for width in (390, 1280):
        shot = os.path.join(ROOT, "docs", "img", "%s-%d.png" % (kind, width))
        made = os.path.join(BUILD, "%s-%d.png" % (kind, width))
        ok(png_width(shot) == png_width(made) > width - 20,
           "docs/img/%s-%d.png is a screenshot of %s at %d px (copy it from %s)" % (kind, width, what, width, made),
           [png_width(shot), png_width(made)])


def run(*steps):
    """A browser test: skipped without Chromium; else each step(browser,
    scratch directory) in one headless Chromium, then the plan.  The exit
    status."""
    if not CHROMIUM:
        print("1..0 # SKIP chromium is not installed: the browser tests of svl report need it (make report-deps)")
        return 0
    os.makedirs(BUILD, exist_ok=True)
    b = Browser()
    tmp = tempfile.mkdtemp()
    try:
        for step in steps:
            step(b, tmp)
    finally:
        b.close()
    return done()
