"""Tests of svl.py against a built or installed libsvl.so (SVL_LIBRARY names
it), printing TAP: values both ways, exact decimals, calls, natives, every
kind of error with its code and place, each limit, interrupt from another
thread, handles, permissions, threads.  Run by tests/cli/embed_python.t.

    SVL_LIBRARY=/prefix/lib/libsvl.so.0 python3 test_svl.py
"""

import datetime
import gc
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svl  # noqa: E402

n = failed = 0


def ok(cond, desc, diag=None):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {desc}")
    if not cond and diag is not None:
        for line in str(diag).splitlines():
            print(f"# {line}")


def is_(got, want, desc):
    ok(got == want and type(got) is type(want), desc, f"got {got!r}, want {want!r}")


def raises(cls, fn, desc, check=None):
    """fn() raises cls (and check(exception) holds); returns the exception."""
    try:
        fn()
    except cls as e:
        ok(check is None or check(e), desc, f"{type(e).__name__}: {e}")
        return e
    except Exception as e:  # noqa: BLE001
        ok(False, desc, f"raised {type(e).__name__}: {e}")
        return None
    ok(False, desc, "nothing raised")
    return None


RULES = """\
unit FTE
let weights = {price: 60%, quality: 40%}
fn add(a, b) = a + b
fn third(x) = x / 3
fn vat(price: GBP) = price * 20%
fn score(bid, lowest: GBP, weight = weights.price) = round(100 * lowest / bid.price * weight, 2)
fn kinds() = [1.50, "café", true, null, date("2024-02-29"), 12.5%, £1.50, 3 FTE, {a: 1, b: [2]}]
fn echo(x) = x
fn twice(f, x) = f(f(x))
fn spin(n) = sum([i for i in 1..n])
fn deep(n) = if n == 0 then 0 else 1 + deep(n - 1)
fn grow(n) = [[i, i, i, i] for i in 1..n]
fn fail(x) = x / 0
rule big(x) {
  require x > 10, "too small"
}
table grade(points) hit first {
  | points || grade  |
  | >= 70  || "good" |
  | -      || "poor" |
}
test "add" {
  assert add(1, 2) == 3
}
test "wrong" {
  assert add(1, 2) == 4
}
"""


def values():
    with svl.VM() as vm:
        vm.load_string(RULES, "rules.svl")
        is_(vm.call("add", Decimal("0.1"), Decimal("0.2")), Decimal("0.3"), "0.1 + 0.2 is exactly 0.3")
        is_(vm.call("third", 100), Decimal("33.33333333333333333333333333333333"), "34 digits, as a Decimal")
        is_(vm.call("add", 2**62, 2**62), Decimal(2**63), "ints, and past int64")
        is_(vm.call("add", 10**30, 1), Decimal(10**30 + 1), "a 31-digit int in")
        is_(vm.call("vat", svl.Quantity(Decimal("1234.50"), "GBP")), svl.Quantity(Decimal("246.9"), "GBP"),
            "a Quantity in and out")
        is_(vm.call("echo", svl.Percent("0.125")), svl.Percent("0.125"), "a Percent in and out")
        is_(vm.call("echo", "Zoë"), "Zoë", "text, UTF-8 both ways")
        is_(vm.call("echo", True), True, "bool")
        is_(vm.call("echo", None), None, "None is null")
        is_(vm.call("echo", datetime.date(2024, 2, 29)), datetime.date(2024, 2, 29), "a date")
        dv = svl.VM()
        dv.load_string('fn dts() = [datetime("2025-03-11T12:41:13.5+01:00"), datetime("2025-03-11T11:41:13.1234567Z")]\n')
        is_(dv.call("dts"), [datetime.datetime(2025, 3, 11, 12, 41, 13, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
                             "2025-03-11T11:41:13.1234567Z"], "a date-time: an aware datetime, or its RFC 3339 text past microseconds")
        is_(vm.call("echo", [1, "a", [None]]), [Decimal(1), "a", [None]], "a list, nested")
        is_(vm.call("echo", {"b": 1, "a": {"c": True}}), {"b": Decimal(1), "a": {"c": True}}, "a dict, nested")
        got = vm.call("kinds")
        is_(got, [Decimal("1.5"), "café", True, None, datetime.date(2024, 2, 29), svl.Percent("0.125"),
                  svl.Quantity(Decimal("1.5"), "GBP"), svl.Quantity(Decimal(3), "FTE"),
                  {"a": Decimal(1), "b": [Decimal(2)]}], "every kind of value back")
        ok(list(vm.call("echo", {"z": 1, "a": 2, "m": 3})) == ["z", "a", "m"], "record field order kept")
        is_(vm.call("score", {"price": svl.Quantity(Decimal(125), "GBP")}, lowest=svl.Quantity(Decimal(100), "GBP")),
            Decimal("48"), "named arguments, defaults filled")
        is_(vm.call("score", {"price": svl.Quantity(Decimal(125), "GBP")}, svl.Quantity(Decimal(100), "GBP"),
                    weight=svl.Percent("0.5")), Decimal("40"), "positional then named")
        v = vm.call("big", 5)
        ok(isinstance(v, svl.Verdict) and not v and v.reasons == ["too small"] and v.warnings == [],
           "a rule gives a Verdict, false with its reasons", v)
        ok(bool(vm.call("big", 50)), "... true when it passes")
        is_(vm.call("grade", 75), "good", "a decision table")
        f = vm.get("add")
        ok(isinstance(f, svl.Function) and f.type_name, "a function comes back as svl.Function")
        is_(f(1, 2), Decimal(3), "... and is callable")
        is_(vm.call("twice", vm.get("third"), 9), Decimal(1), "a Function passed back in")
        is_(vm.get("weights"), {"price": svl.Percent("0.6"), "quality": svl.Percent("0.4")}, "get of a let")
        ok(vm.has("add") and not vm.has("nope"), "has")
        h = vm.value({"price": Decimal("1.10")})
        ok(isinstance(h, svl.Value) and h.to_json() == '{"price": 1.1}', "value() and to_json()", h.to_json())
        is_(h.format("text"), "{price: 1.1}", "format()")
        j = vm.from_json('{"price": 0.10000000000000000000000000000001, "n": [1, 2]}')
        is_(vm.call("echo", j), {"price": Decimal("0.10000000000000000000000000000001"),
                                 "n": [Decimal(1), Decimal(2)]}, "from_json keeps 32 digits")
        is_(h.field("price"), Decimal("1.1"), "field()")
        lines = []
        with svl.VM(output=lines.append) as vm2:
            vm2.load_string('print "hello"\nprint £1.5\n')
        is_("".join(lines), "hello\n£1.50\n", "print goes to output")
        out = []
        with svl.VM(output=out.append) as vm3:
            vm3.load_string(RULES, "rules.svl")
            is_(vm3.test_count(), 2, "test_count")
            is_(vm3.run_tests(), (2, 1), "run_tests: 2 ran, 1 failed")
            ok("ok 1 - add" in "".join(out) and "not ok 2 - wrong" in "".join(out), "... as TAP", "".join(out))
        vm.load_string("let shown = add(40, 2)\n", "x.svl")
        ok("shown = 42" in vm.explain("shown"), "explain", vm.explain("shown"))


def errors():
    with svl.VM() as vm:
        vm.load_string(RULES, "rules.svl")
        e = raises(svl.ParseError, lambda: vm.load_string("fn f(x) =\n  x *\n", "bad.svl"),
                   "a syntax error is ParseError", lambda e: e.status == svl.ERR_SYNTAX)
        ok(e and e.file == "bad.svl" and e.line == 2 and e.column > 0 and e.code.startswith("E0"),
           "... with code, file, line and column", e and vars(e))
        ok(e and "bad.svl:2:" in str(e) and "^" in e.rendered, "... in str() and rendered", e and e.rendered)
        e = raises(svl.EvaluationError, lambda: vm.call("fail", 1), "a runtime error is EvaluationError")
        ok(e and e.code == "E0501" and e.file == "rules.svl" and e.line == 13 and e.column == 14
           and e.message == "division by zero", "... division by zero at rules.svl:13:14 [E0501]", e and vars(e))
        ok(e and e.frames and e.frames[0][0] == "fail", "... with the call stack", e and e.frames)
        e = raises(svl.FileError, lambda: vm.load_file("/nonexistent/rules.svl"), "a missing file is FileError")
        ok(e and "nonexistent" in e.message and e.code, "... naming it", e and vars(e))
        raises(svl.ResolveError, lambda: vm.load_string("let y = nope(1)\n", "r.svl"), "an undefined name: ResolveError")
        raises(svl.AssertError, lambda: vm.load_string("assert 1 == 2\n", "a.svl"), "a failed assert: AssertError")
        raises(svl.UsageError, lambda: vm.call("ad", 1, 2), "an unknown name: UsageError",
               lambda e: "did you mean 'add'" in e.message)
        raises(svl.EvaluationError, lambda: vm.call("vat", "ten pounds"), "a text for a GBP parameter",
               lambda e: "vat" in e.message and "GBP" in e.message)
        raises(svl.EvaluationError, lambda: vm.call("add", 1), "too few arguments from the host")
        raises(svl.EvaluationError, lambda: vm.call("score", {}, nope=1), "an unknown named argument")
        raises(TypeError, lambda: vm.call("echo", 0.1), "a float is refused", lambda e: "Decimal" in str(e))
        raises(TypeError, lambda: vm.call("echo", {1: "x"}), "a record key that is not a text")
        raises(TypeError, lambda: vm.call("echo", object()), "an object SVL has no value for")
        raises(ValueError, lambda: vm.call("echo", Decimal("NaN")), "NaN is refused")
        raises(svl.UsageError, lambda: vm.call("echo", svl.Quantity(Decimal(1), "parsecs")), "an unknown unit",
               lambda e: "parsecs" in e.message)
        raises(svl.UsageError, lambda: vm.call("echo", Decimal("1" * 40)), "40 digits are refused, not rounded")
        raises(UnicodeEncodeError, lambda: vm.call("echo", "bad \ud800"), "a string that is not valid Unicode")
        raises(svl.EvaluationError, lambda: vm.from_json("{nope"), "bad JSON", lambda e: e.code)
        is_(vm.call("add", 1, 2), Decimal(3), "the VM is usable after all that")


def deep_values():
    """A value nested 2,000 deep (issue 17): an error from every walk in
    SVL, and a Python list from the conversion, never a crash."""
    deep = "let d = reduce(range(1, 2000), [], fn(acc, x) = [acc])\n"
    for expr in ("to_json(d)", "\"{d}\"", "unique([d, [d]])", "sort([d, [d]])", "contains([d], [d])"):
        with svl.VM(max_steps=1_000_000, timeout_ms=10_000) as vm:
            raises(svl.LimitError, lambda: vm.load_string(deep + f"let r = {expr}\n", "deep.svl"),
                   f"2,000 deep: {expr} is a LimitError", lambda e: e.code == "E0806")
    with svl.VM(max_steps=1_000_000, timeout_ms=10_000) as vm:
        vm.load_string(deep, "deep.svl")
        raises(svl.LimitError, lambda: vm.handle("d").to_json(), "2,000 deep: Value.to_json is a LimitError")
        d = vm.get("d")
        k = 0
        while d:
            d, k = d[0], k + 1
        is_(k, 2000, "2,000 deep: get() converts it without recursion")


def limits():
    with svl.VM(max_steps=20000) as vm:
        vm.load_string(RULES, "rules.svl")
        raises(svl.LimitError, lambda: vm.call("spin", 10**9), "max_steps", lambda e: "step limit" in e.message)
        is_(vm.call("spin", 10), Decimal(55), "... the VM usable after it")
    with svl.VM(max_depth=50) as vm:
        vm.load_string(RULES, "rules.svl")
        raises(svl.LimitError, lambda: vm.call("deep", 100), "max_depth", lambda e: "depth" in e.message)
        is_(vm.call("deep", 40), Decimal(40), "... the VM usable after it")
    with svl.VM(timeout_ms=200) as vm:
        vm.load_string(RULES, "rules.svl")
        t0 = time.monotonic()
        raises(svl.LimitError, lambda: vm.call("spin", 10**15), "timeout_ms", lambda e: "time limit" in e.message)
        ok(0.15 <= time.monotonic() - t0 < 10, "... after about 200 ms")
    with svl.VM(max_heap=48 << 20) as vm:
        vm.load_string(RULES, "rules.svl")
        raises(svl.LimitError, lambda: vm.call("grow", 5_000_000), "max_heap", lambda e: "heap limit" in e.message)
        is_(len(vm.call("grow", 10)), 10, "... the VM usable after it")
    with svl.VM(max_depth=100000, stack_bytes=256 << 10) as vm:
        vm.load_string(RULES, "rules.svl")
        raises(svl.LimitError, lambda: vm.call("deep", 90000), "stack_bytes",
               lambda e: "stack" in e.message)
        is_(vm.call("deep", 10), Decimal(10), "... the VM usable after it")
    with svl.VM(timeout_ms=20000) as vm:
        vm.load_string(RULES, "rules.svl")
        timer = threading.Timer(0.2, vm.interrupt)  # interrupt needs no thread registration
        timer.start()
        raises(svl.LimitError, lambda: vm.call("spin", 10**15), "interrupt() from another Python thread",
               lambda e: "interrupted" in e.message)
        timer.join()
        is_(vm.call("spin", 10), Decimal(55), "... the VM usable after it")


def handles():
    vm = svl.VM()
    vm.load_string(RULES, "rules.svl")
    h = vm.value([1, 2, 3])
    h.release()
    h.release()
    ok(True, "releasing a handle twice is safe")
    raises(svl.UsageError, lambda: h.to_python(), "a released handle is a UsageError, not a crash")
    kept = vm.value("kept")
    for i in range(20000):  # handles made and released per call: nothing piles up
        vm.call("add", i, i)
    is_(kept.to_python(), "kept", "a handle held across 20,000 calls and collections")
    other = svl.VM()
    raises(svl.UsageError, lambda: other.call("echo", kept), "a handle of another VM is refused")
    other.close()
    f = vm.get("add")
    vm.close()
    vm.close()
    ok(True, "closing a VM twice is safe")
    raises(svl.UsageError, lambda: vm.call("add", 1, 2), "a closed VM is a UsageError")
    raises(svl.UsageError, lambda: f(1, 2), "... and so are its functions")
    kept.release()
    del f, kept
    gc.collect()
    ok(True, "handles of a closed VM go without a crash")


def natives():
    seen = []
    with svl.VM() as vm:
        def lookup(name):
            seen.append(name)
            if name == "ghost":
                raise LookupError(f"no record for '{name}'")
            return {"acme": 82}[name]
        vm.register("performance(supplier)", lookup)
        vm.register("count_args", lambda *a: len(a), 0, -1)
        vm.register("callback(x)", lambda x: vm.call("add", x, 1))
        vm.load_string('fn check(s) = performance(s) >= 60\nfn n() = count_args(1, 2, 3)\n'
                       'fn cb(x) = callback(x) * 2\nfn add(a, b) = a + b\nfn spin(n) = sum([i for i in 1..n])\n',
                       "natives.svl")
        is_(vm.call("check", "acme"), True, "a Python native called from SVL")
        is_(seen, ["acme"], "... with the argument as a Python value")
        is_(vm.call("n"), Decimal(3), "a native of any number of arguments")
        is_(vm.call("cb", 1), Decimal(4), "a native calling back into the VM")
        e = raises(svl.EvaluationError, lambda: vm.call("check", "ghost"),
                   "a native's exception is an SVL runtime error")
        ok(e and e.message == "no record for 'ghost'" and e.file == "natives.svl" and e.line == 1,
           "... with its message, at the call site", e and vars(e))
        raises(svl.ResolveError, lambda: vm.load_string("let z = performance(1, 2)\n", "z.svl"),
               "a native's arity is checked before anything runs")
    with svl.VM(max_steps=20000) as vm:
        vm.register("inner(n)", lambda n: vm.call("spin", n))
        vm.load_string("fn spin(n) = sum([i for i in 1..n])\nfn outer(n) = inner(n)\n", "lim.svl")
        raises(svl.LimitError, lambda: vm.call("outer", 10**9), "a limit inside a native's callback stays a limit")


def permissions():
    d = tempfile.mkdtemp()
    csv_path = os.path.join(d, "bids.csv")
    with open(csv_path, "w") as f:
        f.write("supplier,price\nAcme,0.10\nBee,0.20\n")
    src = f'fn bids() = load("{csv_path}")\nfn now() = today()\n'
    with svl.VM() as vm:
        vm.load_string(src, "p.svl")
        raises(svl.EvaluationError, lambda: vm.call("bids"), "no permission: load() refused",
               lambda e: e.code == "E0902")
        raises(svl.EvaluationError, lambda: vm.call("now"), "no permission: today() refused",
               lambda e: e.code == "E0902")
        is_(vm.load_data(csv_path)[1]["price"], Decimal("0.2"), "load_data by the host needs none")
    with svl.VM(permissions=svl.ALLOW_FILES) as vm:
        vm.load_string(src, "p.svl")
        raises(svl.EvaluationError, lambda: vm.call("bids"), "ALLOW_FILES alone: a directory not allowed is refused",
               lambda e: e.code == "E0902" and "outside the directories" in e.message)
    with svl.VM(permissions=svl.ALLOW_FILES | svl.ALLOW_CLOCK, allow_read=[d]) as vm:
        vm.load_string(src, "p.svl")
        is_(sum(b["price"] for b in vm.call("bids")), Decimal("0.3"), "ALLOW_FILES, allow_read: load() works, exactly")
        ok(isinstance(vm.call("now"), datetime.date), "ALLOW_CLOCK: today() works")
    os.unlink(csv_path)
    os.rmdir(d)
    ok(svl.stdlib_dir() and os.path.isdir(svl.stdlib_dir()), "stdlib_dir", svl.stdlib_dir())
    with svl.VM() as vm:
        mod = sorted(f[:-4] for f in os.listdir(svl.stdlib_dir()) if f.endswith(".svl") and not f.startswith("_"))[0]
        vm.load_string(f"import {mod}\n", "m.svl")
        ok(isinstance(vm.get(mod), svl.Value), "a stdlib module imports with no permission")
    with svl.VM(stdlib_path=None) as vm:
        raises(svl.Error, lambda: vm.load_string(f"import {mod}\n", "m.svl"), "... and not with stdlib_path=None")
    ok(svl.error_help("E0501") and "division" in svl.error_help("E0501"), "error_help")
    is_(svl.sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256")


def threads():
    result = {}

    def unregistered():
        try:
            svl.VM()
            result["u"] = "no error"
        except RuntimeError as e:
            result["u"] = str(e)

    t = threading.Thread(target=unregistered)
    t.start()
    t.join()
    ok("thread_attach" in result["u"], "an unregistered thread is refused, not crashed", result["u"])

    def worker(k):
        svl.thread_attach()
        try:
            with svl.VM() as vm:
                vm.load_string(f"let tag = {k}\nfn f(i) = i * 1000 + tag\n", f"t{k}.svl")
                result[k] = all(vm.call("f", i) == Decimal(i * 1000 + k) for i in range(300))
        finally:
            svl.thread_detach()

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ok(all(result.get(k) for k in range(4)), "4 threads, a VM each, 300 calls each: every result right", result)


def example():
    here = os.path.dirname(os.path.abspath(__file__))
    c = os.path.join(here, "..", "c")
    import io
    import contextlib
    import example as ex
    buf = io.StringIO()
    cwd = os.getcwd()
    os.chdir(os.path.join(here, "..", "..", ".."))
    try:
        with contextlib.redirect_stdout(buf):
            ex.main("examples/embed/c/tender.svl", "examples/embed/c/bids.csv")
    finally:
        os.chdir(cwd)
    with open(os.path.join(c, "expected.out"), encoding="utf-8") as f:
        want = f.read()
    ok(buf.getvalue() == want, "example.py prints what the C host prints (../c/expected.out)", buf.getvalue())


print("TAP version 13")
for part in (values, errors, deep_values, limits, handles, natives, permissions, threads, example):
    try:
        part()
    except Exception as e:  # noqa: BLE001 — a crash in one part fails it, the rest still run
        ok(False, f"{part.__name__} raised {type(e).__name__}: {e}")
print(f"1..{n}")
sys.exit(1 if failed else 0)
