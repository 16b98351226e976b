#!/usr/bin/env python3
"""make bench-stream: streaming a 1 GiB JSON Lines file (issue 23).

Generates OCDS release packages, one a line (tests/cli/stream/gen_packages.py),
and measures with /usr/bin/time the wall time and peak resident memory of:
the analyst's per-buyer count (tests/cli/stream/per_buyer.svl) streamed
over 1 GiB, a bare count(stream(...)) of it, Python's json module doing the
same count line by line, and load() of a 200 MiB file read whole, for the
memory a whole load takes.  Checks that SVL and Python agree, then writes
the releases of one release package of a quarter of that size streamed with
items: "releases", and Python's json.load of that package.  Writes
the "Streams" section of docs/performance.md (between its markers; the
rest of the page is tests/bench/run's).

  tests/bench/stream.py [--mib N] [--out FILE]

Environment: SVL (the svl binary), WORK (scratch directory, build/bench)."""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SVL = os.path.abspath(os.environ.get("SVL", os.path.join(ROOT, "build", "svl")))
WORK = os.path.abspath(os.environ.get("WORK", os.path.join(ROOT, "build", "bench")))
STREAM = os.path.join(ROOT, "tests", "cli", "stream")
BEGIN, END = "<!-- stream-bench-begin -->", "<!-- stream-bench-end -->"

PY_COUNT = r'''
import json, sys
counts = {}
for line in open(sys.argv[1], encoding="utf-8"):
    for r in json.loads(line)["releases"]:
        b = (r.get("buyer") or {}).get("name", "(no buyer)")
        counts[b] = counts.get(b, 0) + 1
print(json.dumps([{"buyer": b, "releases": counts[b]} for b in sorted(counts)]))
'''


PY_PACKAGE = r'''
import json, sys
counts = {}
for r in json.load(open(sys.argv[1], encoding="utf-8"))["releases"]:
    b = (r.get("buyer") or {}).get("name", "(no buyer)")
    counts[b] = counts.get(b, 0) + 1
print(json.dumps([{"buyer": b, "releases": counts[b]} for b in sorted(counts)]))
'''


def timed(argv, cwd):
    """(seconds, peak MiB, stdout) of one run through /usr/bin/time."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + argv, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench-stream: {' '.join(argv)} failed: {p.stderr[-500:]}")
    secs, kib = p.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kib) / 1024, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    a = ap.parse_args()
    data = os.path.join(WORK, "stream")
    os.makedirs(data, exist_ok=True)
    big, whole = os.path.join(data, "big.jsonl"), os.path.join(data, "whole.jsonl")
    for path, mib in ((big, a.mib), (whole, 200)):
        if not os.path.exists(path) or os.path.getsize(path) < (mib << 20):
            subprocess.run([sys.executable, os.path.join(STREAM, "gen_packages.py"), str(mib), path],
                           check=True, stdout=subprocess.DEVNULL)
    src = open(os.path.join(STREAM, "per_buyer.svl")).read()
    with open(os.path.join(data, "per_buyer.svl"), "w") as f:
        f.write(src.replace("packages.jsonl", "big.jsonl"))
    with open(os.path.join(data, "count.svl"), "w") as f:
        f.write('print count(stream("big.jsonl"))\n')
    with open(os.path.join(data, "whole.svl"), "w") as f:
        f.write(src.replace('stream("packages.jsonl", Package)', 'load("whole.jsonl", [Package])')
                   .replace('count(stream("packages.jsonl"))', '0'))
    with open(os.path.join(data, "count.py"), "w") as f:
        f.write(PY_COUNT)
    size = os.path.getsize(big) / (1 << 20)
    rows = []
    s, m, out = timed([SVL, "run", "per_buyer.svl", "per_buyer", "--format", "json"], data)
    rows.append(("SVL `stream`, typed (open types), releases per buyer", s, m))
    ref = json.loads(out)
    s, m, _ = timed([SVL, "run", "count.svl"], data)
    rows.append(("SVL `count(stream(path))`, untyped", s, m))
    s, m, out = timed([sys.executable, "count.py", "big.jsonl"], data)
    rows.append(("Python 3 `json.loads` line by line, releases per buyer", s, m))
    if json.loads(out) != ref:
        sys.exit("bench-stream: SVL and Python disagree on the per-buyer counts")
    ws, wm, _ = timed([SVL, "run", "whole.svl", "per_buyer", "--max-load-size", "1G"], data)
    wsize = os.path.getsize(whole) / (1 << 20)
    # one release package of a quarter of the size, its releases streamed
    # with items: "releases" (docs/ocds.md, "One large package")
    pkg, pkg_mib = os.path.join(data, "package.json"), max(1, a.mib // 4)
    if not os.path.exists(pkg) or os.path.getsize(pkg) < (pkg_mib << 20):
        with open(big, encoding="utf-8") as src_f, open(pkg, "w", encoding="utf-8") as out_f:
            out_f.write('{"uri": "https://example.org/package.json", "publishedDate": "2025-03-12T00:00:00Z",\n'
                        ' "releases": [\n')
            written = 0
            for line in src_f:
                body = line[line.index('"releases": [') + len('"releases": ['):line.rindex("]}")]
                out_f.write((",\n" if written else "") + body)
                written += len(body)
                if written >= pkg_mib << 20:
                    break
            out_f.write("\n]}\n")
    with open(os.path.join(data, "pkg_per_buyer.svl"), "w") as f:
        f.write(src.replace('for p in stream("packages.jsonl", Package) for r in p.releases',
                            'for r in stream("package.json", Release, items: "releases")')
                   .replace('count(stream("packages.jsonl"))', '0'))
    with open(os.path.join(data, "pkg_count.svl"), "w") as f:
        f.write('print count(stream("package.json", items: "releases"))\n')
    with open(os.path.join(data, "pkg_count.py"), "w") as f:
        f.write(PY_PACKAGE)
    psize = os.path.getsize(pkg) / (1 << 20)
    ps, pm, pout = timed([SVL, "run", "pkg_per_buyer.svl", "per_buyer", "--format", "json"], data)
    pcs, pcm, _ = timed([SVL, "run", "pkg_count.svl"], data)
    pys, pym, pyout = timed([sys.executable, "pkg_count.py", "package.json"], data)
    if json.loads(pout) != json.loads(pyout):
        sys.exit("bench-stream: SVL and Python disagree on the package's per-buyer counts")
    load = os.getloadavg()[0]
    lines = [BEGIN, "## Streams (issue 23)", "",
             f"`make bench-stream` (tests/bench/stream.py): a {size:,.0f} MiB JSON Lines file of OCDS release"
             " packages (tests/cli/stream/gen_packages.py: three releases a package, five buyers), one run"
             " each, wall time and peak resident memory of the whole process (`/usr/bin/time`). The"
             " per-buyer counts of SVL and Python are checked to be equal.", "",
             "| what | wall | peak memory | memory / file |", "|---|---:|---:|---:|"]
    for name, s, m in rows:
        lines.append(f"| {name} | {s:.1f} s | {m:.0f} MiB | {m / size:.2f}× |")
    lines.append(f"| SVL `load` of a {wsize:.0f} MiB file whole (`--max-load-size 1G`), releases per buyer"
                 f" | {ws:.1f} s | {wm:.0f} MiB | {wm / wsize:.2f}× |")
    lines.append(f"| SVL `stream(path, Release, items: \"releases\")` of one {psize:.0f} MiB release package,"
                 f" releases per buyer | {ps:.1f} s | {pm:.0f} MiB | {pm / psize:.2f}× |")
    lines.append(f"| SVL `count(stream(path, items: \"releases\"))` of that package | {pcs:.1f} s | {pcm:.0f} MiB"
                 f" | {pcm / psize:.2f}× |")
    lines.append(f"| Python 3 `json.load` of that package, releases per buyer | {pys:.1f} s | {pym:.0f} MiB"
                 f" | {pym / psize:.2f}× |")
    lines += ["", "A stream holds one package at a time: the peak is the buyer names the comprehension keeps"
              " (one text per release) and the collector's slack, not the file. `load` holds the whole"
              " parsed file, several times its size, which is why it stops at 256 MiB unless told"
              " otherwise.", "",
              f"Load average (1 min) at the end of the runs: {load:.1f} on {os.cpu_count()} cores, shared"
              " with other builds and tests: the wall times include waiting.", END]
    section = "\n".join(lines)
    text = open(a.out).read() if os.path.exists(a.out) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print("\n".join(lines[4:]))


if __name__ == "__main__":
    main()
