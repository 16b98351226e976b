#!/usr/bin/env python3
# Every external command the tests run must be installed by .ci/deps on a
# fresh Debian 12 (issue 17: tests/cli/embed.t ran groff, which a minimal
# system lacks).  The table below maps each command the tests may call to
# the Debian package that provides it; "essential" marks the packages every
# Debian system has (Essential: yes or Priority: required, plus git and
# make, which the README asks for).  The test scans the test scripts for
# commands in command position and fails on
#   - a command that is installed here but not in the table (add it, and
#     its package to .ci/deps), and
#   - a package in the table that .ci/deps does not install.
import os
import re
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

ESSENTIAL = "essential"
PACKAGES = {
    # Essential / required on every Debian, or asked for by the README
    **{c: ESSENTIAL for c in """
        awk bash cat chmod cmp cp cut date dd diff env expr false find grep
        head id kill ln ls mkdir mkfifo mktemp mv nproc od printf pwd readlink
        realpath rm rmdir sed seq setsid sh sleep sort stat tail tee test
        timeout touch tr true truncate uname uniq wc xargs yes basename dirname
        sha256sum base64 iconv getconf script flock sync tac comm git make tar setpriv
        chown
        """.split()},
    # Installed by .ci/deps
    "cc": "build-essential", "gcc": "build-essential", "ar": "build-essential",
    "ld": "build-essential", "nm": "build-essential", "objcopy": "build-essential",
    "readelf": "build-essential", "strip": "build-essential", "gcov": "build-essential", "objdump": "build-essential",
    "clang": "clang", "re2c": "re2c", "bison": "bison",
    "perl": "perl", "prove": "perl", "python3": "python3",
    "chromium": "chromium", "pkg-config": "pkg-config", "sqlite3": "sqlite3",
    "valgrind": "valgrind", "groff": "groff-base", "nroff": "groff-base",
    "man": "man-db", "pdftotext": "poppler-utils",
    "psql": "postgresql-15", "initdb": "postgresql-15", "pg_ctl": "postgresql-15",
    "pg_config": "postgresql-server-dev-15",
    "nvim": "neovim", "node": "nodejs", "npm": "npm", "npx": "npm",
}

# Where the tests' commands are written: the suite (make test), the case
# runner and the scripts it runs, and the fuzz scripts .ci/run calls.
def test_files():
    for d, _, names in os.walk(os.path.join(ROOT, "tests")):
        rel = os.path.relpath(d, ROOT)
        if rel.startswith(os.path.join("tests", "bench")):
            continue  # make bench, not make test (it has bench-deps)
        for n in sorted(names):
            if n.endswith((".t", ".sh", ".gen", ".py")):
                yield os.path.join(d, n)

SHELL_WORDS = set("""
    if then else elif fi do done while until for in case esac function return
    local export set unset shift exit break continue eval exec read echo
    printf cd trap wait source alias declare typeset let readonly ulimit umask
    command type hash getopts times builtin true false test shopt
    """.split())

SEP = re.compile(r"\|\||&&|[|;&(`{}!]|\$\(|\bthen\b|\bdo\b|\belse\b|\bif\b|\bwhile\b|\buntil\b")
WORD = re.compile(r"^[a-z][a-z0-9_.+-]*$")

def strip_heredocs(text):
    """Drop here-document bodies (SVL source, data): not shell."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        m = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", line)
        out.append(line[:m.start()] if m else line)
        i += 1
        if m:
            while i < len(lines) and lines[i].strip() != m.group(1):
                out.append("")
                i += 1
            if i < len(lines):
                out.append("")
                i += 1
    return "\n".join(out)

def unquote(line):
    """The text with its comments dropped and the text of its quoted
    strings blanked out (line breaks kept, for line numbers; a Python
    program given to python3 -c is such a string), but the command
    substitutions inside double quotes kept: "$(tail -5 log)"."""
    out, stack, i = [], [], 0  # stack: the quote each open $( returns to
    state = None  # None, "'" or '"'
    while i < len(line):
        c = line[i]
        if state == "'":
            if c == "'":
                state = None
            out.append(c if c in "'\n" else "_")
        elif state == '"':
            if c == "\\":
                out.append("__")
                i += 2
                continue
            if line.startswith("$(", i):
                stack.append('"')
                state = None
                out.append("$(")
                i += 2
                continue
            if c == '"':
                state = None
            out.append(c if c in '"\n' else "_")
        else:
            if c == "\\":
                out.append(line[i:i + 2])
                i += 2
                continue
            if line.startswith("$(", i):
                stack.append(None)
                out.append("$(")
                i += 2
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t\n;"):
                while i < len(line) and line[i] != "\n":
                    i += 1
                continue
            if c == ")" and stack:
                state = stack.pop()
            elif c in "'\"":
                state = c
            out.append(c)
        i += 1
    return "".join(out)

# shell functions of every script (lib.sh's ok, stage.sh's pc...)
FUNCS = set()

def shell_commands(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    cmds = {}
    for no, line in enumerate(unquote(strip_heredocs(text)).split("\n"), 1):
        for seg in SEP.split(line):
            words = seg.split()
            # skip assignments and wrappers to reach the command itself
            while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])
                             or words[0] in ("exec", "env", "command", "-v", "nice", "then", "do",
                                             "else", "time", "xargs", "!")
                             or (words[0] == "timeout" and len(words) > 1)
                             or re.match(r"^-", words[0])):
                if words[0] == "timeout" and len(words) > 1:
                    cmds.setdefault("timeout", (path, no))
                    words = words[2:] if re.match(r"^[0-9]", words[1]) else words[1:]
                    continue
                if words[0] in ("env", "xargs", "command"):
                    cmds.setdefault(words[0], (path, no))
                if words[0] == "-u" and words[1:]:
                    words = words[1:]  # env -u NAME
                words = words[1:]
            if words and WORD.match(words[0]) and words[0] not in SHELL_WORDS and words[0] not in FUNCS:
                cmds.setdefault(words[0], (path, no))
    return cmds

def python_commands(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    cmds = {}
    for m in re.finditer(r"(?:subprocess\.\w+|Popen|which)\(\s*\[?\s*[\"']([a-z][a-z0-9_.+-]*)[\"']", text):
        cmds.setdefault(m.group(1), (path, text[:m.start()].count("\n") + 1))
    return cmds

def deps_packages():
    text = open(os.path.join(ROOT, ".ci", "deps"), encoding="utf-8").read()
    text = text.replace("\\\n", " ")
    pkgs = set()
    for line in text.split("\n"):
        if "apt-get install" in line:
            pkgs.update(w for w in line.split("apt-get install", 1)[1].split()
                        if not w.startswith(("-", ">")) and WORD.match(w))
    return pkgs

def main():
    n = 0
    failed = 0
    def ok(good, desc, why=""):
        nonlocal n, failed
        n += 1
        print(("ok" if good else "not ok") + " %d - %s" % (n, desc))
        if not good:
            failed += 1
            for l in why.splitlines():
                print("# " + l)

    for f in test_files():
        FUNCS.update(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)",
                                open(f, errors="replace").read(), re.M))
    found = {}
    # what make test itself runs, not written in a script
    for c in ("make", "prove", "cc"):
        found[c] = (os.path.join(ROOT, "Makefile"), 1)
    for f in test_files():
        is_python = f.endswith(".py") or open(f, errors="replace").readline().startswith("#!/usr/bin/env python")
        for c, where in (python_commands(f) if is_python else shell_commands(f)).items():
            found.setdefault(c, where)
    # a word in command position is a command when it is installed here
    # (functions and stray words are not); a listed command counts even
    # where it is missing, so a skipped test is still held to .ci/deps
    used = {c: w for c, w in found.items() if c in PACKAGES or shutil.which(c)}
    print("# commands the tests run: " + " ".join(sorted(used)))
    ok(len(used) >= 10, "the scan finds the commands the tests run (%d)" % len(used),
       "found only: %s" % " ".join(sorted(used)))
    for probe in ("groff", "python3", "timeout"):
        ok(probe in used, "the scan sees %s, which the tests are known to run" % probe)
    unlisted = ["%s (%s:%d)" % (c, os.path.relpath(w[0], ROOT), w[1])
                for c, w in sorted(used.items()) if c not in PACKAGES]
    ok(not unlisted, "every command the tests run is in the table of tests/ci_deps.t",
       "add to PACKAGES (and its package to .ci/deps):\n" + "\n".join(unlisted))
    have = deps_packages()
    ok("build-essential" in have, ".ci/deps is readable (it installs build-essential)")
    missing = sorted({"%s (for %s)" % (PACKAGES[c], c) for c in used
                      if c in PACKAGES and PACKAGES[c] != ESSENTIAL and PACKAGES[c] not in have})
    ok(not missing, ".ci/deps installs the package of every command the tests run",
       "missing from .ci/deps: " + ", ".join(missing))
    print("1..%d" % n)
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
