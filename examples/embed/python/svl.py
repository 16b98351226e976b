"""SVL from Python: a thin module over the C API (include/svl.h) through
ctypes, standard library only.  docs/embedding.md, "Python", has a guide.

    import svl
    with svl.VM(max_steps=1_000_000) as vm:
        vm.load_file("rules.svl")
        total = vm.call("total", {"price": Decimal("412000.00"), "quality": "good"})

Values cross over exactly: SVL numbers come back as decimal.Decimal (a
quantity as svl.Quantity, a percentage as svl.Percent), and go in from int,
Decimal, Quantity or Percent; a float is refused, since binary fractions are
what SVL exists to avoid.  Errors are raised as svl.Error (a subclass per
status) carrying code, message, file, line and column.  Handles the module
holds are released when their Python object goes, and all of a VM's when it
is closed.

The library is found from, in order: the `library` argument of VM, the
SVL_LIBRARY environment variable, then the system's (libsvl.so.0).

Threads: one VM is used by one thread at a time.  A thread other than the
one that made the first VM calls svl.thread_attach() before using SVL and
svl.thread_detach() before it ends (the collector must know it); the module
raises an error rather than let an unregistered thread in.
"""

import ctypes
import ctypes.util
import datetime
import json
import os
import threading
from collections import namedtuple
from decimal import Decimal

__all__ = [
    "VM", "Value", "Function", "Quantity", "Percent", "Verdict", "Error", "ParseError",
    "ResolveError", "EvaluationError", "AssertError", "LimitError", "FileError", "UsageError",
    "ALLOW_FILES", "ALLOW_ENV", "ALLOW_CLOCK", "thread_attach", "thread_detach", "stdlib_dir", "version",
    "error_help", "sha256",
]

ALLOW_FILES, ALLOW_ENV, ALLOW_CLOCK = 1, 2, 4

# svl_status
OK, ERR_SYNTAX, ERR_RESOLVE, ERR_RUNTIME, ERR_ASSERT, ERR_LIMIT, ERR_IO, ERR_INCOMPLETE, ERR_USAGE = range(9)
# svl_kind
(KIND_NONE, KIND_NULL, KIND_BOOL, KIND_NUMBER, KIND_TEXT, KIND_DATE, KIND_LIST, KIND_RANGE,
 KIND_RECORD, KIND_FUNCTION, KIND_VERDICT, KIND_TYPE, KIND_MODULE, KIND_DATETIME) = range(14)
# svl_format
FORMATS = {"text": 0, "repl": 1, "json": 2, "csv": 3, "md": 4, "plain": 5}

Quantity = namedtuple("Quantity", "amount unit")
Quantity.__doc__ = "A number with a unit: Quantity(Decimal('1200.50'), 'GBP') is £1,200.50."


class Percent(Decimal):
    """A percentage: Percent('0.125') is SVL's 12.5% (the number 0.125)."""

    __slots__ = ()


class Verdict(namedtuple("Verdict", "passed reasons warnings")):
    """A rule's result; true when it passed."""

    __slots__ = ()

    def __bool__(self):
        return bool(self.passed)


# ---- errors ----

class Error(Exception):
    """An SVL error: status (an svl_status number), code ("E0501"), message,
    hint, file, line, column, rendered (file:line:col, the source line, a
    caret and the call stack) and frames (function, file, line, column)."""

    def __init__(self, status, code, message, hint=None, file=None, line=0, column=0, rendered=None,
                 frames=()):
        self.status, self.code, self.message, self.hint = status, code, message, hint
        self.file, self.line, self.column = file, line, column
        self.rendered = rendered or message
        self.frames = list(frames)
        where = f"{file}:{line}:{column}: " if file and line else ""
        super().__init__(f"{where}{message}" + (f" [{code}]" if code else ""))


class ParseError(Error):
    """A lexical or syntax error: nothing ran."""


class ResolveError(Error):
    """An undefined name, a wrong number of arguments, a duplicate: nothing ran."""


class EvaluationError(Error):
    """An error while evaluating: units, types, division by zero..."""


class AssertError(Error):
    """A failed top-level assert."""


class LimitError(Error):
    """A step, heap, depth or time limit, an interrupt, or out of memory."""


class FileError(Error):
    """A file could not be read."""


class UsageError(Error):
    """The API was used wrongly: an unknown name, a released handle..."""


_ERRORS = {ERR_SYNTAX: ParseError, ERR_INCOMPLETE: ParseError, ERR_RESOLVE: ResolveError,
           ERR_RUNTIME: EvaluationError, ERR_ASSERT: AssertError, ERR_LIMIT: LimitError,
           ERR_IO: FileError, ERR_USAGE: UsageError}


# ---- the C declarations ----

_c = ctypes
_vm_p = _c.c_void_p
_val_p = _c.c_void_p
_WRITE = _c.CFUNCTYPE(None, _c.c_void_p, _c.POINTER(_c.c_char), _c.c_size_t)
_NATIVE = _c.CFUNCTYPE(_val_p, _vm_p, _c.c_int, _c.POINTER(_val_p), _c.c_void_p)


class _Config(_c.Structure):
    _fields_ = [("write", _WRITE), ("user_data", _c.c_void_p), ("report", _WRITE),
                ("permissions", _c.c_uint), ("max_steps", _c.c_uint64), ("max_heap", _c.c_size_t),
                ("max_depth", _c.c_uint), ("timeout_ms", _c.c_uint64), ("stack_bytes", _c.c_size_t),
                ("stdlib_path", _c.c_char_p), ("interactive", _c.c_int),
                ("allow_read", _c.POINTER(_c.c_char_p)), ("heap_budget", _c.c_size_t),
                # svl_config_init writes every field: a field missing here
                # is a write past the end of this struct (embed_python.t
                # compares the layout with the C compiler's)
                ("as_of", _c.c_char_p), ("max_load_bytes", _c.c_size_t), ("load_encoding", _c.c_char_p),
                ("warn", _WRITE)]


class _Frame(_c.Structure):
    _fields_ = [("function", _c.c_char_p), ("file", _c.c_char_p), ("line", _c.c_int), ("column", _c.c_int)]


class _Error(_c.Structure):
    _fields_ = [("status", _c.c_int), ("code", _c.c_char_p), ("message", _c.c_char_p),
                ("hint", _c.c_char_p), ("file", _c.c_char_p), ("line", _c.c_int), ("column", _c.c_int),
                ("rendered", _c.c_char_p), ("nframes", _c.c_int), ("frames", _c.POINTER(_Frame))]


_S = _c.c_int  # svl_status
_PROTOS = {
    "svl_config_init": (None, [_c.POINTER(_Config)]),
    "svl_new": (_vm_p, [_c.POINTER(_Config)]),
    "svl_free": (None, [_vm_p]),
    "svl_load_file": (_S, [_vm_p, _c.c_char_p]),
    "svl_load_string": (_S, [_vm_p, _c.c_char_p, _c.c_char_p, _c.c_size_t]),
    "svl_set_global": (_S, [_vm_p, _c.c_char_p, _val_p]),
    "svl_get": (_S, [_vm_p, _c.c_char_p, _c.POINTER(_val_p)]),
    "svl_has": (_c.c_int, [_vm_p, _c.c_char_p]),
    "svl_call": (_S, [_vm_p, _val_p, _c.c_int, _c.POINTER(_val_p), _c.POINTER(_val_p)]),
    "svl_call_named": (_S, [_vm_p, _val_p, _c.c_int, _c.POINTER(_val_p), _c.c_int,
                            _c.POINTER(_c.c_char_p), _c.POINTER(_val_p), _c.POINTER(_val_p)]),
    "svl_number": (_val_p, [_vm_p, _c.c_char_p]),
    "svl_int": (_val_p, [_vm_p, _c.c_int64]),
    "svl_percent": (_val_p, [_vm_p, _c.c_char_p]),
    "svl_quantity": (_val_p, [_vm_p, _c.c_char_p, _c.c_char_p]),
    "svl_text": (_val_p, [_vm_p, _c.c_char_p, _c.c_size_t]),
    "svl_bool": (_val_p, [_vm_p, _c.c_int]),
    "svl_null": (_val_p, [_vm_p]),
    "svl_date": (_val_p, [_vm_p, _c.c_int, _c.c_int, _c.c_int]),
    "svl_list": (_val_p, [_vm_p, _c.c_size_t, _c.POINTER(_val_p)]),
    "svl_record": (_val_p, [_vm_p, _c.c_size_t, _c.POINTER(_c.c_char_p), _c.POINTER(_val_p)]),
    "svl_from_json": (_S, [_vm_p, _c.c_char_p, _c.c_size_t, _c.POINTER(_val_p)]),
    "svl_load_data": (_S, [_vm_p, _c.c_char_p, _c.POINTER(_val_p)]),
    "svl_kind_of": (_c.c_int, [_vm_p, _val_p]),
    "svl_to_bool": (_S, [_vm_p, _val_p, _c.POINTER(_c.c_int)]),
    "svl_to_number": (_S, [_vm_p, _val_p, _c.POINTER(_c.c_char_p)]),
    "svl_to_unit": (_S, [_vm_p, _val_p, _c.POINTER(_c.c_char_p)]),
    "svl_is_percent": (_c.c_int, [_vm_p, _val_p]),
    "svl_to_text": (_S, [_vm_p, _val_p, _c.POINTER(_c.POINTER(_c.c_char)), _c.POINTER(_c.c_size_t)]),
    "svl_to_date": (_S, [_vm_p, _val_p, _c.POINTER(_c.c_int), _c.POINTER(_c.c_int), _c.POINTER(_c.c_int)]),
    "svl_length": (_S, [_vm_p, _val_p, _c.POINTER(_c.c_size_t)]),
    "svl_item": (_S, [_vm_p, _val_p, _c.c_size_t, _c.POINTER(_val_p)]),
    "svl_field_name": (_S, [_vm_p, _val_p, _c.c_size_t, _c.POINTER(_c.c_char_p)]),
    "svl_field_at": (_S, [_vm_p, _val_p, _c.c_size_t, _c.POINTER(_val_p)]),
    "svl_field": (_S, [_vm_p, _val_p, _c.c_char_p, _c.POINTER(_val_p)]),
    "svl_to_json": (_c.c_void_p, [_vm_p, _val_p]),
    "svl_format_value": (_c.c_void_p, [_vm_p, _val_p, _c.c_int]),
    "svl_type_name": (_c.c_char_p, [_vm_p, _val_p]),
    "svl_release": (None, [_vm_p, _val_p]),
    "svl_dup": (_val_p, [_vm_p, _val_p]),
    "svl_register": (_S, [_vm_p, _c.c_char_p, _NATIVE, _c.c_int, _c.c_int, _c.c_void_p]),
    "svl_error_set": (None, [_vm_p, _c.c_char_p]),
    "svl_run_tests": (_S, [_vm_p, _c.c_int, _c.POINTER(_c.c_int), _c.POINTER(_c.c_int)]),
    "svl_test_count": (_c.c_int, [_vm_p]),
    "svl_explain": (_S, [_vm_p, _c.c_char_p, _c.c_int, _c.c_int, _c.POINTER(_c.c_void_p)]),
    "svl_last_error": (_c.POINTER(_Error), [_vm_p]),
    "svl_error_help": (_c.c_char_p, [_c.c_char_p]),
    "svl_sha256": (None, [_c.c_char_p, _c.c_size_t, _c.c_char_p]),
    "svl_interrupt": (None, [_vm_p]),
    "svl_stdlib_dir": (_c.c_char_p, []),
    "svl_version": (_c.c_char_p, []),
    "svl_thread_attach": (None, []),
    "svl_thread_detach": (None, []),
}

_libs = {}
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [_c.c_void_p]
_libc.free.restype = None
_lock = threading.Lock()
_attached = set()  # idents of threads the collector knows
_first_thread = None


def _beside():
    """libsvl.so.0 of the prefix this module is installed in (make install
    puts svl.py in PREFIX/lib/python3/dist-packages), or None."""
    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "libsvl.so.0")
    return lib if os.path.exists(lib) else None


def _library(path=None):
    path = path or os.environ.get("SVL_LIBRARY") or _beside() or ctypes.util.find_library("svl") or "libsvl.so.0"
    with _lock:
        lib = _libs.get(path)
        if lib is None:
            lib = ctypes.CDLL(path)
            for name, (res, args) in _PROTOS.items():
                f = getattr(lib, name)
                f.restype, f.argtypes = res, args
            _libs[path] = lib
    return lib


def _str(b):
    return None if b is None else b.decode("utf-8", "replace")


def _check_thread():
    me = threading.get_ident()
    if me in _attached:
        return
    with _lock:
        global _first_thread
        if _first_thread is None:  # the thread of the first VM needs no attach
            _first_thread = me
            _attached.add(me)
            return
    raise RuntimeError("svl: this thread is not registered with the collector: call svl.thread_attach() first")


def thread_attach(library=None):
    """Register the calling thread before it uses any VM (not needed in the
    thread that made the first VM).  Before any VM it starts the collector,
    and then every thread must attach, the first VM's included."""
    global _first_thread
    _library(library).svl_thread_attach()
    with _lock:
        if _first_thread is None:
            _first_thread = 0  # no thread is exempt any more
        _attached.add(threading.get_ident())


def thread_detach(library=None):
    """Unregister the calling thread before it ends."""
    _attached.discard(threading.get_ident())
    _library(library).svl_thread_detach()


def stdlib_dir(library=None):
    return _str(_library(library).svl_stdlib_dir())


def version(library=None):
    """The version of the libsvl loaded, as "0.1.0"."""
    return _str(_library(library).svl_version())


def error_help(code, library=None):
    """The catalogue entry of an error code, or None."""
    return _str(_library(library).svl_error_help(code.encode()))


def sha256(data, library=None):
    out = _c.create_string_buffer(65)
    _library(library).svl_sha256(data, len(data), out)
    return out.value.decode()


# ---- handles ----

class Value:
    """A handle to an SVL value, pinned until release() (or until the
    object goes, or the VM is closed).  to_python() converts it."""

    __slots__ = ("vm", "_h", "__weakref__")

    def __init__(self, vm, handle):
        self.vm, self._h = vm, handle

    def release(self):
        """Let the value go; safe to call twice."""
        h, self._h = self._h, None
        if h and self.vm._ptr:
            self.vm._lib.svl_release(self.vm._ptr, h)

    def __del__(self):
        try:
            self.release()
        except Exception:  # interpreter shutdown
            pass

    @property
    def handle(self):
        if not self._h:
            raise UsageError(ERR_USAGE, None, "the handle was released")
        return self._h

    @property
    def kind(self):
        return self.vm._lib.svl_kind_of(self.vm._p(), self._h)

    @property
    def type_name(self):
        return _str(self.vm._lib.svl_type_name(self.vm._p(), self._h))

    def to_python(self):
        return self.vm._to_python(self.handle)

    def to_json(self):
        return self.vm._take_string(self.vm._lib.svl_to_json(self.vm._p(), self.handle))

    def format(self, fmt="text"):
        return self.vm._take_string(self.vm._lib.svl_format_value(self.vm._p(), self.handle, FORMATS[fmt]))

    def field(self, name):
        """A record's field, a verdict's or a module's name, as a Python value."""
        out = _val_p()
        self.vm._ok(self.vm._lib.svl_field(self.vm._p(), self.handle, name.encode(), _c.byref(out)))
        return self.vm._own(out.value)

    def __repr__(self):
        return f"<svl.Value {self.type_name}>" if self._h else "<svl.Value released>"


class Function(Value):
    """A callable SVL value (fn, rule, table, builtin, native)."""

    __slots__ = ()

    def __call__(self, *args, **named):
        return self.vm.call(self, *args, **named)


# ---- the VM ----

class VM:
    """An SVL virtual machine.  Keyword arguments set the svl_config fields:
    max_steps, max_heap, max_depth, timeout_ms, stack_bytes (0: the default),
    permissions (ALLOW_* bits; none by default), stdlib_path (a ':'-separated
    path; None: no stdlib; default: the installed one), allow_read (the
    directories a script's load() and import may read, with ALLOW_FILES;
    besides them only the directory of a file given to load_file),
    heap_budget (bytes one call into this VM may allocate; 0: none),
    output (a function given each text `print` writes; default: discarded)."""

    _DEFAULT = object()

    def __init__(self, *, max_steps=0, max_heap=0, max_depth=0, timeout_ms=0, stack_bytes=0,
                 permissions=0, stdlib_path=_DEFAULT, allow_read=(), heap_budget=0, output=None, library=None):
        self._ptr = None
        self._lib = _library(library)
        _check_thread()
        cfg = _Config()
        self._lib.svl_config_init(_c.byref(cfg))
        cfg.max_steps, cfg.max_heap, cfg.max_depth = max_steps, max_heap, max_depth
        cfg.timeout_ms, cfg.permissions, cfg.heap_budget = timeout_ms, permissions, heap_budget
        if stack_bytes:
            cfg.stack_bytes = stack_bytes
        if allow_read:
            dirs = [os.fsencode(d) for d in allow_read]
            cfg.allow_read = (_c.c_char_p * (len(dirs) + 1))(*dirs, None)  # copied by svl_new
        if stdlib_path is not VM._DEFAULT:
            self._stdlib = None if stdlib_path is None else stdlib_path.encode()
            cfg.stdlib_path = self._stdlib
        self._output = output
        # kept referenced: C holds the pointer for the VM's life
        self._write = _WRITE(self._on_write) if output else _WRITE()
        cfg.write = self._write
        self._natives = {}
        self._native_error = None
        self._ptr = self._lib.svl_new(_c.byref(cfg))
        if not self._ptr:
            raise MemoryError("svl_new: out of memory")

    def _on_write(self, _user, text, n):
        self._output(_c.string_at(text, n).decode("utf-8", "replace"))

    # life
    def close(self):
        """Free the VM and every handle it gave out; safe to call twice."""
        p, self._ptr = self._ptr, None
        if p:
            self._lib.svl_free(p)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _p(self):
        if not self._ptr:
            raise UsageError(ERR_USAGE, None, "the VM is closed")
        _check_thread()
        return self._ptr

    # errors
    def last_error(self):
        """The last error as an svl.Error (status OK: none yet)."""
        e = self._lib.svl_last_error(self._p()).contents
        frames = [(_str(f.function), _str(f.file), f.line, f.column) for f in e.frames[:e.nframes]] \
            if e.nframes else []
        cls = _ERRORS.get(e.status, Error)
        return cls(e.status, _str(e.code), _str(e.message), _str(e.hint), _str(e.file), e.line, e.column,
                   _str(e.rendered), frames)

    def _ok(self, status):
        if status != OK:
            raise self.last_error()

    def _made(self, handle):
        if not handle:
            raise self.last_error()
        return handle

    def _take_string(self, p):
        if not p:
            raise self.last_error()
        try:
            return _c.string_at(p).decode("utf-8")
        finally:
            _libc.free(p)

    # loading
    def load_file(self, path):
        self._ok(self._lib.svl_load_file(self._p(), os.fsencode(path)))

    def load_string(self, source, name="<string>"):
        src = source.encode("utf-8")
        self._ok(self._lib.svl_load_string(self._p(), name.encode(), src, len(src)))

    def load_data(self, path):
        """A CSV or JSON file read as the script's load() would."""
        out = _val_p()
        self._ok(self._lib.svl_load_data(self._p(), os.fsencode(path), _c.byref(out)))
        return self._own(out.value)

    def set_global(self, name, value):
        """Bind a global (before loading the files that use it)."""
        with self._handles() as hs:
            self._ok(self._lib.svl_set_global(self._p(), name.encode(), hs.make(value)))

    # names and calls
    def has(self, name):
        return bool(self._lib.svl_has(self._p(), name.encode()))

    def get(self, name):
        """A top-level name as a Python value (functions as svl.Function)."""
        out = _val_p()
        self._ok(self._lib.svl_get(self._p(), name.encode(), _c.byref(out)))
        return self._own(out.value)

    def handle(self, name):
        """A top-level name as an svl.Value handle, unconverted."""
        out = _val_p()
        self._ok(self._lib.svl_get(self._p(), name.encode(), _c.byref(out)))
        return self._wrap(out.value)

    def call(self, fn, *args, **named):
        """Call fn — a top-level name or an svl.Function — with positional and
        named arguments; the result as a Python value."""
        return self._own(self._call(fn, args, named))

    def call_value(self, fn, *args, **named):
        """As call, but the result as an svl.Value handle."""
        return self._wrap(self._call(fn, args, named))

    def _call(self, fn, args, named):
        with self._handles() as hs:
            if isinstance(fn, str):
                f = _val_p()
                self._ok(self._lib.svl_get(self._p(), fn.encode(), _c.byref(f)))
                hs.own(f.value)
                fh = f.value
            elif isinstance(fn, Value):
                fh = fn.handle
            else:
                raise TypeError(f"svl: cannot call a {type(fn).__name__}")
            argv = (_val_p * max(1, len(args)))(*[hs.make(a) for a in args])
            out = _val_p()
            if named:
                names = (_c.c_char_p * len(named))(*[k.encode() for k in named])
                vals = (_val_p * len(named))(*[hs.make(v) for v in named.values()])
                st = self._lib.svl_call_named(self._p(), fh, len(args), argv, len(named), names, vals,
                                              _c.byref(out))
            else:
                st = self._lib.svl_call(self._p(), fh, len(args), argv, _c.byref(out))
            self._ok(st)
            return out.value

    def value(self, obj):
        """An svl.Value handle made from a Python value."""
        return self._wrap(self._make(obj))

    def from_json(self, text):
        """JSON text as an svl.Value (numbers exact)."""
        data = text.encode("utf-8")
        out = _val_p()
        self._ok(self._lib.svl_from_json(self._p(), data, len(data), _c.byref(out)))
        return self._wrap(out.value)

    def interrupt(self):
        """Stop the evaluation running in this VM (from any thread): it fails
        with LimitError "interrupted"."""
        if self._ptr:
            self._lib.svl_interrupt(self._ptr)

    # tests and explanations
    def test_count(self):
        return self._lib.svl_test_count(self._p())

    def run_tests(self):
        """Run the loaded test blocks: (count, failed); the TAP lines go to
        `output`."""
        count, failed = _c.c_int(), _c.c_int()
        st = self._lib.svl_run_tests(self._p(), 1, _c.byref(count), _c.byref(failed))
        if st not in (OK, ERR_ASSERT):
            raise self.last_error()
        return count.value, failed.value

    def explain(self, name, fmt="text", max_depth=0):
        out = _c.c_void_p()
        self._ok(self._lib.svl_explain(self._p(), name.encode(), FORMATS[fmt], max_depth, _c.byref(out)))
        return self._take_string(out.value)

    # natives
    def register(self, signature, fn, min_args=None, max_args=None):
        """Make a Python function callable from SVL as signature, "name" or
        "name(param, ...)": it receives Python values and returns one; an
        exception becomes an SVL runtime error at the call site.  Register
        before loading the files that call it."""
        params = signature[signature.index("(") + 1:signature.rindex(")")].split(",") if "(" in signature else []
        nparams = len([p for p in params if p.strip()])
        lo = nparams if min_args is None else min_args
        hi = (nparams if "(" in signature else -1) if max_args is None else max_args

        def trampoline(vmp, nargs, argv, _user):
            try:
                args = [self._to_python(argv[i]) for i in range(nargs)]
                return self._make(fn(*args))  # handles made in a native are scoped to it
            except Error as e:  # an SVL error from a callback: pass it on as it is
                if e.status == ERR_LIMIT:
                    return None
                self._lib.svl_error_set(vmp, str(e.message).encode())
            except Exception as e:  # noqa: BLE001 — any Python error becomes SVL's
                self._lib.svl_error_set(vmp, (str(e) or type(e).__name__).encode())
            return None

        cb = _NATIVE(trampoline)
        self._ok(self._lib.svl_register(self._p(), signature.encode(), cb, lo, hi, None))
        self._natives[signature.split("(")[0].strip()] = cb  # alive as long as the VM

    # ---- conversions ----
    def _wrap(self, h):
        return Function(self, h) if self._lib.svl_kind_of(self._ptr, h) == KIND_FUNCTION else Value(self, h)

    def _own(self, h):
        """A new handle as a Python value, the handle released (kept for
        functions, types and modules, which have no Python form)."""
        kind = self._lib.svl_kind_of(self._ptr, h)
        if kind in (KIND_FUNCTION, KIND_TYPE, KIND_MODULE):
            return self._wrap(h)
        try:
            return self._to_python(h)
        finally:
            self._lib.svl_release(self._ptr, h)

    def _to_python(self, h):
        """The Python form of handle h.  Lists and records are filled from an
        explicit stack, not by recursion: a value nested thousands deep
        (a script can build one) must not exhaust Python's recursion limit."""
        out = [None]
        todo = [(h, out, 0, False)]
        try:
            while todo:
                hh, into, key, owned = todo.pop()
                try:
                    into[key] = self._convert(hh, todo)
                finally:
                    if owned:
                        self._lib.svl_release(self._ptr, hh)
        finally:
            for hh, _, _, owned in todo:  # left by an error
                if owned:
                    self._lib.svl_release(self._ptr, hh)
        return out[0]

    def _queue(self, getter, h, i, into, key, todo):
        """Item or field i of h, to be converted into into[key]: a
        function, type or module at once (its handle kept), the rest later."""
        out = _val_p()
        self._ok(getter(self._ptr, h, i, _c.byref(out)))
        if self._lib.svl_kind_of(self._ptr, out.value) in (KIND_FUNCTION, KIND_TYPE, KIND_MODULE):
            into[key] = self._wrap(out.value)
        else:
            todo.append((out.value, into, key, True))

    def _convert(self, h, todo):
        lib, vm = self._lib, self._ptr
        kind = lib.svl_kind_of(vm, h)
        if kind == KIND_NULL:
            return None
        if kind == KIND_BOOL:
            b = _c.c_int()
            self._ok(lib.svl_to_bool(vm, h, _c.byref(b)))
            return bool(b.value)
        if kind == KIND_NUMBER:
            s, u = _c.c_char_p(), _c.c_char_p()
            self._ok(lib.svl_to_number(vm, h, _c.byref(s)))
            self._ok(lib.svl_to_unit(vm, h, _c.byref(u)))
            if u.value:
                return Quantity(Decimal(s.value.decode()), u.value.decode())
            return (Percent if lib.svl_is_percent(vm, h) else Decimal)(s.value.decode())
        if kind == KIND_TEXT:
            p, n = _c.POINTER(_c.c_char)(), _c.c_size_t()
            self._ok(lib.svl_to_text(vm, h, _c.byref(p), _c.byref(n)))
            return _c.string_at(p, n.value).decode("utf-8")
        if kind == KIND_DATE:
            y, m, d = _c.c_int(), _c.c_int(), _c.c_int()
            self._ok(lib.svl_to_date(vm, h, _c.byref(y), _c.byref(m), _c.byref(d)))
            return datetime.date(y.value, m.value, d.value)
        if kind == KIND_DATETIME:
            # an aware datetime when Python can hold it exactly (6 fractional
            # digits at most), else the RFC 3339 text as published
            text = json.loads(self._take_string(lib.svl_to_json(vm, h)))
            frac = text[19:].split("+")[0].split("-")[0].rstrip("Zz")
            if len(frac) <= 7:
                return datetime.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
            return text
        if kind == KIND_LIST:
            items = [None] * self._length(h)
            for i in range(len(items)):
                self._queue(lib.svl_item, h, i, items, i, todo)
            return items
        if kind == KIND_RECORD:
            out = {}
            for i in range(self._length(h)):
                name = _c.c_char_p()
                self._ok(lib.svl_field_name(vm, h, i, _c.byref(name)))
                key = name.value.decode()
                out[key] = None  # the fields keep their order, whatever order they are filled in
                self._queue(lib.svl_field_at, h, i, out, key, todo)
            return out
        if kind == KIND_VERDICT:
            return Verdict(*(self._own_field(h, f) for f in ("passed", "reasons", "warnings")))
        if kind == KIND_RANGE:
            return json.loads(self._take_string(lib.svl_to_json(vm, h)), parse_float=Decimal, parse_int=Decimal)
        if kind in (KIND_FUNCTION, KIND_TYPE, KIND_MODULE):
            return self._wrap(lib.svl_dup(vm, h))
        raise self.last_error() if kind == KIND_NONE else TypeError(f"svl: unknown kind {kind}")

    def _length(self, h):
        n = _c.c_size_t()
        self._ok(self._lib.svl_length(self._ptr, h, _c.byref(n)))
        return n.value

    def _own_field(self, h, name):
        out = _val_p()
        self._ok(self._lib.svl_field(self._ptr, h, name.encode(), _c.byref(out)))
        return self._own(out.value)

    def _make(self, obj):
        """A new handle for a Python value (the caller releases it)."""
        lib, vm = self._lib, self._p()
        if isinstance(obj, Value):
            if obj.vm is not self:
                raise UsageError(ERR_USAGE, None, "a value of another VM")
            return self._made(lib.svl_dup(vm, obj.handle))
        if obj is None:
            return self._made(lib.svl_null(vm))
        if isinstance(obj, bool):
            return self._made(lib.svl_bool(vm, int(obj)))
        if isinstance(obj, int):
            if -2**63 <= obj < 2**63:
                return self._made(lib.svl_int(vm, obj))
            return self._made(lib.svl_number(vm, str(obj).encode()))
        if isinstance(obj, Percent):
            return self._made(lib.svl_percent(vm, _decimal_text(Decimal(obj) * 100)))
        if isinstance(obj, Decimal):
            return self._made(lib.svl_number(vm, _decimal_text(obj)))
        if isinstance(obj, Quantity):
            return self._made(lib.svl_quantity(vm, _decimal_text(Decimal(obj.amount)), obj.unit.encode()))
        if isinstance(obj, float):
            raise TypeError("svl: a float is a binary fraction; pass a Decimal (or an int) for an exact number")
        if isinstance(obj, str):
            b = obj.encode("utf-8")
            return self._made(lib.svl_text(vm, b, len(b)))
        if isinstance(obj, datetime.datetime):
            raise TypeError("svl: SVL has dates, not times: pass a datetime.date")
        if isinstance(obj, datetime.date):
            return self._made(lib.svl_date(vm, obj.year, obj.month, obj.day))
        if isinstance(obj, Verdict):
            raise TypeError("svl: a verdict cannot be made from Python")
        if isinstance(obj, (list, tuple)):
            with self._handles() as hs:
                items = [hs.make(x) for x in obj]
                return self._made(lib.svl_list(vm, len(items), (_val_p * max(1, len(items)))(*items)))
        if isinstance(obj, dict):
            with self._handles() as hs:
                keys = []
                for k in obj:
                    if not isinstance(k, str):
                        raise TypeError(f"svl: record keys are texts, not {type(k).__name__}")
                    keys.append(k.encode("utf-8"))
                vals = [hs.make(v) for v in obj.values()]
                n = len(keys)
                return self._made(lib.svl_record(vm, n, (_c.c_char_p * max(1, n))(*keys),
                                                 (_val_p * max(1, n))(*vals)))
        raise TypeError(f"svl: cannot pass a {type(obj).__name__} to SVL")

    def _handles(self):
        return _Handles(self)


class _Handles:
    """Handles made for one call, released when it ends, whatever happens."""

    def __init__(self, vm):
        self.vm, self.hs = vm, []

    def own(self, h):
        self.hs.append(h)
        return h

    def make(self, obj):
        return self.own(self.vm._make(obj))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.vm._ptr:
            for h in self.hs:
                self.vm._lib.svl_release(self.vm._ptr, h)


def _decimal_text(d):
    if not d.is_finite():
        raise ValueError(f"svl: {d} is not a number SVL has")
    return str(d).encode()

