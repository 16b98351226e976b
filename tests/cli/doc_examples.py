#!/usr/bin/env python3
"""Run the examples of a Markdown page through svl.

Each ```svl block that is directly followed by a ```text block is written to
a fresh directory as example.svl and run with `svl run example.svl`; the
text block must be exactly what the command printed (standard output, then
standard error).  Fenced blocks whose info string is `LANG file=NAME` (e.g.
```csv file=bids.csv) placed directly before the ```svl block are written
beside example.svl as NAME first, so an example can load its own data.
An svl block opened as ```svl as-of=2025-06-30 is run with that
--as-of date (docs/dating.md).

  doc_examples.py SVL PAGE...           check: exit 1 on any difference
  doc_examples.py --write SVL PAGE...   rewrite the text blocks in place
"""
import os
import re
import subprocess
import sys
import tempfile

BLOCK = re.compile(r"```svl(?: as-of=([\d-]+))?\n(.*?)```\n```text\n(.*?)```\n", re.S)
DATA = re.compile(r"```[\w-]* file=([\w][\w.-]*)\n(.*?)```\n", re.S)


def data_files(text, start):
    """The file=NAME blocks that end exactly where the example starts."""
    by_end = {m.end(): m for m in DATA.finditer(text)}
    files = []
    while start in by_end:
        m = by_end[start]
        files.insert(0, (m.group(1), m.group(2)))
        start = m.start()
    return files


def run(svl, source, files=(), as_of=None):
    with tempfile.TemporaryDirectory() as d:
        for name, content in files:
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(content)
        with open(os.path.join(d, "example.svl"), "w", encoding="utf-8") as f:
            f.write(source)
        args = [svl, "run", "example.svl"] + (["--as-of", as_of] if as_of else [])
        p = subprocess.run(args, cwd=d, capture_output=True, timeout=60)
        return (p.stdout + p.stderr).decode("utf-8")


def main(argv):
    write = argv[:1] == ["--write"]
    if write:
        argv = argv[1:]
    svl, pages = os.path.abspath(argv[0]), argv[1:]
    bad = 0
    for page in pages:
        with open(page, encoding="utf-8") as f:
            text = f.read()
        out, pos, n = [], 0, 0
        for m in BLOCK.finditer(text):
            n += 1
            got = run(svl, m.group(2), data_files(text, m.start()), m.group(1))
            if got != m.group(3):
                bad += 1
                line = text.count("\n", 0, m.start()) + 1
                if not write:
                    print(f"{page}:{line}: example output differs\n--- documented\n{m.group(3)}--- got\n{got}", end="")
            out.append(text[pos:m.start(3)] + got)
            pos = m.end(3)
        out.append(text[pos:])
        if write:
            with open(page, "w", encoding="utf-8") as f:
                f.write("".join(out))
        if n == 0:
            print(f"{page}: no examples")
            bad += 1
    return 1 if bad and not write else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
