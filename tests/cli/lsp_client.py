"""A small Language Server Protocol client (python3 stdlib only) that drives
`svl lsp` over a pipe: tests/cli/lsp.t and tests/bench/lsp_bench.py."""
import json
import os
import pathlib
import select
import subprocess
import time


def uri(path):
    return pathlib.Path(os.path.abspath(path)).as_uri()


class Client:
    def __init__(self, svl, *args):
        self.p = subprocess.Popen([svl, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.buf = b""
        self.notes = []      # notifications not yet taken
        self.responses = {}

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_id(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def _read(self, timeout):
        """One message, or None when nothing arrives within timeout seconds
        (a generous bound: a hung server fails the test, it does not time it)."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode()
                n = int([l for l in head.split("\r\n") if l.lower().startswith("content-length:")][0].split(":")[1])
                if len(self.buf) >= end + 4 + n:
                    body = self.buf[end + 4:end + 4 + n]
                    self.buf = self.buf[end + 4 + n:]
                    return json.loads(body)
            r, _, _ = select.select([self.p.stdout], [], [], timeout)
            if not r:
                return None
            chunk = os.read(self.p.stdout.fileno(), 1 << 20)
            if not chunk:
                return None
            self.buf += chunk

    def pump(self, timeout=60):
        m = self._read(timeout)
        if m is None:
            return None
        if "id" in m and "method" not in m:
            self.responses[m["id"]] = m
        else:
            self.notes.append(m)
        return m

    def response(self, rid, timeout=60):
        deadline = time.monotonic() + timeout
        while rid not in self.responses:
            if self.pump(max(0.01, deadline - time.monotonic())) is None and time.monotonic() > deadline:
                return None
        return self.responses.pop(rid)

    def request(self, method, params, timeout=60):
        return self.response(self.request_id(method, params), timeout)

    def notification(self, method, pred=lambda m: True, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.notes):
                if m.get("method") == method and pred(m):
                    return self.notes.pop(i)
            left = deadline - time.monotonic()
            if left <= 0 or self.pump(left) is None:
                for i, m in enumerate(self.notes):
                    if m.get("method") == method and pred(m):
                        return self.notes.pop(i)
                return None

    def initialize(self, root=None, options=None):
        params = {"processId": os.getpid(), "rootUri": uri(root) if root else None, "capabilities": {}}
        if options is not None:
            params["initializationOptions"] = options
        r = self.request("initialize", params)
        self.notify("initialized", {})
        return r

    def open(self, path, text=None, version=1):
        if text is None:
            text = open(path, encoding="utf-8").read()
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri(path), "languageId": "svl", "version": version, "text": text}})

    def diagnostics(self, path, version=None, timeout=60):
        u = uri(path)
        m = self.notification("textDocument/publishDiagnostics",
                              lambda m: m["params"]["uri"] == u and (version is None or m["params"].get("version") == version),
                              timeout)
        return m["params"]["diagnostics"] if m else None

    def close(self):
        try:
            r = self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            self.p.stdin.close()
        except BrokenPipeError:
            r = None
        try:
            rc = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        return r, rc
