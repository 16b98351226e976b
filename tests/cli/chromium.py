"""Headless Chromium driven over the DevTools protocol on a pipe
(--remote-debugging-pipe), so nothing beyond the Debian `chromium` package
is needed: the browser tests of svl report (tests/cli/report_browser.t,
tests/cli/report_record.t) share it."""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """Just enough of the DevTools protocol: commands and events as
    NUL-terminated JSON on fds 3 (to Chromium) and 4 (from it)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp()
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # out of the way of 3 and 4, which the child's dup2 overwrites
        hi = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_r, to_w, from_r, from_w)]
        for fd in (to_r, to_w, from_r, from_w):
            os.close(fd)
        self.to_r, self.to_w, self.from_r, self.from_w = hi

        def child():
            os.dup2(self.to_r, 3)
            os.dup2(self.from_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + self.profile,
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child, close_fds=False)
        os.close(self.to_r)
        os.close(self.from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            r, _, _ = select.select([self.from_r], [], [], left)
            if r:
                chunk = os.read(self.from_r, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session, timeout=60):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, path):
        self.b = browser
        tid = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.sid = browser.call("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            browser.call(domain + ".enable", session=self.sid)
        self.size(1200, 900)
        browser.events = [e for e in browser.events if e.get("sessionId") != self.sid]
        self.url = "file://" + path
        browser.call("Page.navigate", {"url": self.url}, session=self.sid)
        browser.wait_event("Page.loadEventFired", self.sid)

    def load_ms(self):
        return self.js("(() => { const e = performance.getEntriesByType('navigation')[0]; "
                       "return e.loadEventEnd - e.startTime; })()")

    def reload(self):
        self.b.call("Page.reload", {"ignoreCache": True}, session=self.sid)
        self.b.wait_event("Page.loadEventFired", self.sid)

    def size(self, w, h):
        self.b.call("Emulation.setDeviceMetricsOverride",
                    {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}, session=self.sid)

    def js(self, expr):
        r = self.b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=self.sid)
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def requests(self):
        """URLs the page asked for (Network.requestWillBeSent), but itself."""
        return [e["params"]["request"]["url"] for e in self.b.events
                if e.get("sessionId") == self.sid and e.get("method") == "Network.requestWillBeSent"
                and e["params"]["request"]["url"] != self.url]

    def screenshot(self, out, width=1200, full=True):
        self.size(width, 900)
        height = self.js("document.documentElement.scrollHeight") if full else 900
        self.size(width, min(height, 16000))
        r = self.b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=self.sid)
        with open(out, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        self.size(1200, 900)

    def pdf(self, out, **params):
        """Printed as Chromium's "Save as PDF" does: the page's own @page
        size and margins (preferCSSPageSize), backgrounds printed."""
        opts = {"printBackground": True, "preferCSSPageSize": True}
        opts.update(params)
        r = self.b.call("Page.printToPDF", opts, session=self.sid, timeout=300)
        data = base64.b64decode(r["data"])
        with open(out, "wb") as f:
            f.write(data)
        return data
