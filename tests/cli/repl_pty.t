#!/bin/bash
# The REPL through a pseudo-terminal: completion, history recall,
# multi-line continuation, errors that do not end the session, non-ASCII
# input.  Sessions run under LC_ALL=C.UTF-8, a locale every Debian libc
# has (libc-bin): the REPL sets LC_CTYPE from the environment so libedit
# reads £, € and é.
. "$(dirname "$0")/lib.sh"
export HOME=$tmp NO_COLOR=1 LC_ALL=C.UTF-8
python3 - "$SVL" "$tmp" <<'PY'
import os, pty, select, sys, time
svl, tmp = sys.argv[1], sys.argv[2]
def session(keys):
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tmp)
        os.execv(svl, [svl, "repl"])
    out = b""
    def drain(t=0.4):
        nonlocal out
        end = time.time() + t
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return
                if not data:
                    return
                out += data
    drain(0.8)
    for k in keys:
        os.write(fd, k.encode("utf-8"))
        drain()
    os.write(fd, b":quit\r")
    drain(0.5)
    os.waitpid(pid, 0)
    return out.decode("utf-8", "replace")
n = 0
def check(desc, cond, got):
    global n
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        for line in got[-600:].splitlines():
            print("# " + repr(line))
s = session(["let total_points = 41\r", "total_po\t + 1\r"])
check("tab completes a global name", "42" in s, s)
s = session(["let bid = {price: 7, prize: 2}\r", "bid.pri\t\t", "\x15", "bid.pric\t\r"])
check("tab completes record fields after a dot", "7" in s.split("bid.pric")[-1], s)
s = session(["20 + 1\r", "\x1b[A\r"])
check("up-arrow recalls history", s.count("21") >= 2, s)
s = session(["[1,\r", "2]\r"])
check("open bracket continues on a ... prompt", "... " in s and "[1, 2]" in s, s)
s = session(["nope + 1\r", "5 * 5\r"])
check("an error does not end the session", "undefined name" in s and "25" in s, s)
s = session(["len([x for x in 1..300000000])\r", "\x03", "2 + 2\r"])
check("Ctrl-C stops a long evaluation and the session goes on", "interrupted" in s and "4" in s.split("2 + 2")[-1], s)
s = session(["let p = £1_250\r", "p\r", "\"café\"\r", "[len(\"café\"), \"café\" + \"!\"]\r", "€12.5\r"])
check("£ can be typed and comes back", "let p = £1_250" in s and "£1,250.00" in s, s)
check("é can be typed and comes back", '"café"' in s and '[4, "café!"]' in s, s)
check("€ can be typed", "€12.50" in s, s)
s = session(["[1,\r", "2]\r", "\x1b[A\r"])
check("a multi-line entry is one history item", s.count("[1, 2]") >= 2 and "unexpected" not in s, s)
s = session(["let grants = [{name: \"A\", amount: £5}, {name: \"B\", amount: £7}]\r", "grants[2].amo\t\r", "grants[-1].na\t\r"])
check("tab completes fields after an index", "£7.00" in s and '"B"' in s.split("grants[-1].na")[-1], s)
check("history is kept in ~/.svl_history", os.path.exists(os.path.join(tmp, ".svl_history")), "")
print("1..%d" % n)
PY
