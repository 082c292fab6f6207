"""test_server.py — the server as a process: keep-alive, /healthz, the access
log, a graceful SIGTERM that lets requests in flight finish, login rate
limiting, cookie sessions and logout.
"""

import http.client
import json
import re
import signal
import socket
import threading
import time

import gg
from gg import COUNTY, HUABU

t = gg.Checks()
env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
G1 = gg.make_grid(city, HUABU)
for login in ("rl1", "rl2", "rl3", "rl4", "ck1", "other"):
    r = city.post("/api/v1/users", {"login": login, "password": gg.PASSWORD, "role": "grid_worker", "place": G1})
    if r.status != 201:
        raise SystemExit("cannot create %s: %s" % (login, r.body))


def healthz():
    r = anon.get("/healthz")
    t.status(r, 200, "GET /healthz")
    t.eq(r.body, {"status": "ok", "db": "sqlite"}, "healthz body")
    t.ok(r.headers.get("content-type", "").startswith("application/json"), "healthz is JSON")
    r = anon.request("HEAD", "/healthz")
    t.status(r, 200, "HEAD /healthz")
    t.eq(r.body, b"", "HEAD has no body")
    r = city.get("/api/v1/me")
    t.eq(r.headers.get("cache-control"), "no-store", "API answers are not cached")
    t.eq(r.headers.get("x-content-type-options"), "nosniff", "nosniff on API answers")


def keep_alive():
    conn = anon.connect()
    conn.connect()
    sock = conn.sock
    port = sock.getsockname()[1]
    steps = [
        ("GET", "/healthz", None, None, 200),
        ("POST", "/api/v1/session", {"login": "city", "password": gg.PASSWORD}, None, 201),
        ("GET", "/api/v1/me", None, "TOKEN", 200),
        ("POST", "/api/v1/estates", {"place": HUABU, "name": "长连接小区"}, "TOKEN", 201),
        ("GET", "/api/v1/estates?limit=1", None, "TOKEN", 200),
        ("PATCH", "/api/v1/estates/1", {"address": "一号"}, "TOKEN", 200),
        ("GET", "/api/v1/nope", None, "TOKEN", 404),
        ("GET", "/api/v1/me", None, None, 401),
        ("POST", "/api/v1/estates", b"{bad json", "TOKEN", 400),
        ("POST", "/api/v1/estates", {"place": HUABU}, "TOKEN", 400),
        ("DELETE", "/api/v1/estates/1", None, "TOKEN", 405),
        ("GET", "/api/v1/estates?format=csv", None, "TOKEN", 200),
        ("GET", "/api/v1/estates?format=xlsx", None, "TOKEN", 200),
        ("HEAD", "/healthz", None, None, 200),
        ("GET", "/healthz", None, None, 200),
    ]
    token = None
    c = gg.Client(srv.port)
    for i, (method, path, body, tok, want) in enumerate(steps * 2):
        r = c.request(method, path, body, conn=conn, token=token if tok else "")
        if method == "POST" and path == "/api/v1/session":
            token = r.body.get("token")
        t.status(r, want, "keep-alive step %d: %s %s" % (i, method, path))
        t.ok(r.headers.get("connection", "").lower() != "close",
             "keep-alive step %d: the server keeps the connection" % i, r.headers.get("connection"))
        t.ok(conn.sock is sock and conn.sock.getsockname()[1] == port,
             "keep-alive step %d: still the same socket" % i)
    conn.close()
    # a client that asks to close gets it closed
    r = anon.get("/healthz", headers={"Connection": "close"})
    t.status(r, 200, "Connection: close is honoured")


def access_log():
    s2 = env.server(quiet=False)
    c = s2.client()
    tok = c.login("city").token
    n0 = len(s2.wait_lines(lambda ls: any('"POST /api/v1/session"' in ln for ln in ls)))
    # (method, path, body, token, status, the user the line names: routing
    # errors come before authentication, a login names who logged in)
    reqs = [("GET", "/healthz", None, None, 200, "-"),
            ("GET", "/api/v1/nope", None, tok, 404, "city"),
            ("GET", "/api/v1/me", None, tok, 200, "city"),
            ("GET", "/api/v1/me", None, None, 401, "-"),
            ("GET", "/api/v1/households?limit=1&q=secret-query", None, tok, 200, "city"),
            ("POST", "/api/v1/estates", {"place": HUABU, "name": "日志小区"}, tok, 201, "city"),
            ("POST", "/api/v1/estates", {"place": HUABU}, tok, 400, "city"),
            ("DELETE", "/api/v1/households/1", None, tok, 405, "-"),
            ("GET", "/nope", None, tok, 404, "city"),  # the static route is public but authenticates
            ("POST", "/api/v1/session", {"login": "city", "password": gg.PASSWORD}, None, 201, "city")]
    for method, path, body, token, want, _ in reqs:
        r = c.request(method, path, body, token=token or "")
        t.status(r, want, "access-log request %s %s" % (method, path))
    lines = s2.wait_lines(lambda ls: len(ls) >= n0 + len(reqs))
    log = [ln for ln in lines[n0:] if not ln.startswith("gridgov:")]
    t.eq(len(log), len(reqs), "one access-log line per request")
    pat = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (\S+) "(\S+) (\S+)" (\d{3}) ([\d.]+)ms user=(\S+)$')
    parsed = []
    for line in log:
        m = pat.match(line.rstrip("\n"))
        if t.ok(m, "access-log line format", line):
            parsed.append((m.group(2), m.group(3), int(m.group(4)), m.group(6), m.group(1)))
    for method, path, body, token, want, user in reqs:
        hit = [p for p in parsed if p[:4] == (method, path.split("?")[0], want, user)]
        t.ok(hit, "an access-log line says %s %s %d user=%s" % (method, path, want, user), parsed)
        if hit:
            t.eq(hit[0][4], "127.0.0.1", "access-log line has the client address")
            parsed.remove(hit[0])
    text = "".join(lines)
    t.ok(tok not in text and gg.PASSWORD not in text, "the log holds no token and no password")
    t.ok("secret-query" not in text, "the log leaves out query strings")
    t.eq(s2.stop(), 0, "logging server stops with status 0")
    t.ok(any("SIGTERM received" in ln for ln in s2.lines), "SIGTERM is announced")
    # the quiet server logs nothing per request
    t.ok(not [ln for ln in srv.lines if '"GET ' in ln], "--quiet writes no access log")


def graceful_sigterm():
    s3 = env.server(threads=4)
    c = s3.client()
    tok = c.login("city").token
    # 1. a request whose body is still arriving when SIGTERM comes is finished
    body = json.dumps({"place": HUABU, "name": "优雅停机小区", "address": "x" * 100}).encode()
    head = ("POST /api/v1/estates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (tok, len(body))).encode()
    slow = socket.create_connection(("127.0.0.1", s3.port), timeout=30)
    slow.sendall(head + body[:20])
    time.sleep(0.3)
    # 2. a burst of slow-ish requests (logins hash passwords) on other connections
    results = []
    mu = threading.Lock()
    stop_at = [None]

    def burst(i):
        for k in range(200):
            started = time.time()
            if stop_at[0] and started > stop_at[0] + 1:
                return
            try:
                cl = http.client.HTTPConnection("127.0.0.1", s3.port, timeout=30)
                cl.request("POST", "/api/v1/session", json.dumps({"login": "city", "password": gg.PASSWORD}),
                           {"Content-Type": "application/json"})
                resp = cl.getresponse()
                raw = resp.read()
                cl.close()
                try:
                    ok = resp.status == 201 and "token" in json.loads(raw)
                except ValueError:
                    ok = False
                out = ("answered", started, time.time(), resp.status, ok)
            except (ConnectionError, http.client.RemoteDisconnected, socket.timeout) as e:
                out = ("refused", started, time.time(), type(e).__name__, None)
            except http.client.IncompleteRead as e:
                out = ("truncated", started, time.time(), repr(e), False)
            with mu:
                results.append(out)
            if out[0] != "answered" and stop_at[0]:
                return

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    time.sleep(0.5)
    stop_at[0] = time.time()
    s3.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    slow.sendall(body[20:])
    raw = b""
    slow.settimeout(20)
    try:
        while True:
            chunk = slow.recv(65536)
            if not chunk:
                break
            raw += chunk
            if b"\r\n\r\n" in raw:
                hdr, _, rest = raw.partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", hdr, re.I)
                if m and len(rest) >= int(m.group(1)):
                    break
    except OSError:
        pass
    slow.close()
    t.ok(raw.startswith(b"HTTP/1.1 201"), "the request in flight at SIGTERM got its answer", raw[:80])
    hdr, _, rest = raw.partition(b"\r\n\r\n")
    try:
        row = json.loads(rest)
    except ValueError:
        row = {}
    t.eq(row.get("name"), "优雅停机小区", "the in-flight answer is complete JSON")
    for th in threads:
        th.join(60)
    t.eq(s3.wait(20), 0, "the server exits 0 after SIGTERM")
    t.eq(env.sql("SELECT COUNT(*) FROM estates WHERE name = '优雅停机小区'")[0][0], 1,
         "the in-flight write was committed")
    answered = [x for x in results if x[0] == "answered"]
    t.ok(len(answered) >= 6, "the burst got answers before the stop", len(answered))
    t.ok(all(x[4] for x in answered), "every answer in the burst is a complete 201 with a token",
         [x for x in answered if not x[4]][:3])
    t.eq([x for x in results if x[0] == "truncated"], [], "no answer was cut off")
    in_flight = [x for x in answered if x[1] < stop_at[0] < x[2]]
    print("burst: %d answered (%d spanning SIGTERM), %d not served" %
          (len(answered), len(in_flight), len([x for x in results if x[0] == "refused"])), flush=True)
    t.ok(in_flight, "requests in flight when SIGTERM came were finished", len(in_flight))
    t.ok(any("stopped" in ln for ln in s3.lines), "the server says it stopped")
    try:
        socket.create_connection(("127.0.0.1", s3.port), timeout=2).close()
        t.ok(False, "nothing listens after the stop")
    except OSError:
        t.ok(True, "nothing listens after the stop")


def login_limit():
    for i in range(5):
        r = anon.post("/api/v1/session", {"login": "rl1", "password": "wrong-%d" % i})
        t.error(r, 401, "wrong password %d" % (i + 1), field="password", code="unauthenticated")
    r = anon.post("/api/v1/session", {"login": "rl1", "password": gg.PASSWORD})
    t.error(r, 429, "6th attempt with the right password", field="login", code="rate_limited")
    r = anon.post("/api/v1/session", {"login": "rl1", "password": "wrong"})
    t.error(r, 429, "7th attempt", field="login", code="rate_limited")
    r = anon.post("/api/v1/session", {"login": "other", "password": gg.PASSWORD})
    t.status(r, 201, "another login is not limited")
    # 4 failures then a success resets the count
    for i in range(4):
        anon.post("/api/v1/session", {"login": "rl2", "password": "wrong"})
    r = anon.post("/api/v1/session", {"login": "rl2", "password": gg.PASSWORD})
    t.status(r, 201, "4 failures then the right password")
    for i in range(4):
        r = anon.post("/api/v1/session", {"login": "rl2", "password": "wrong"})
        t.status(r, 401, "after a success the count starts again (%d)" % (i + 1))
    r = anon.post("/api/v1/session", {"login": "rl2", "password": gg.PASSWORD})
    t.status(r, 201, "still under the limit")
    # unknown logins are limited the same way (no user enumeration by the limit)
    for i in range(5):
        anon.post("/api/v1/session", {"login": "ghost", "password": "wrong"})
    r = anon.post("/api/v1/session", {"login": "ghost", "password": "wrong"})
    t.error(r, 429, "an unknown login is limited too", code="rate_limited")
    fails = env.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND login = 'rl1'")[0][0]
    t.eq(fails, 5, "each wrong password of rl1 was audited, the refused ones not")


def login_limit_race():
    """Guesses sent at once must not slip past the limit while the first ones are checked."""
    n = 24
    results = [None] * n
    start = threading.Barrier(n)

    def guess(i):
        start.wait()
        results[i] = anon.post("/api/v1/session", {"login": "rl3", "password": "guess-%d" % i}).status

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    t.ok(results.count(401) <= 5, "at most 5 of %d racing guesses were checked" % n,
         {s: results.count(s) for s in set(results)})
    t.eq(results.count(401) + results.count(429), n, "the rest were refused with 429")
    r = anon.post("/api/v1/session", {"login": "rl3", "password": gg.PASSWORD})
    t.error(r, 429, "right password after the race", code="rate_limited")


def djb2_slot(s):
    h = 5381
    for b in s.encode():
        h = (h * 33 + b) & 0xFFFFFFFF
    return h % 1024


def login_limit_collision():
    """Failures of another login that shares rl4's slot in the server's table must
    not wipe rl4's count (the table is 1024 slots keyed by a djb2 hash)."""
    target = djb2_slot("rl4")
    other = next("x%d" % i for i in range(100000) if djb2_slot("x%d" % i) == target)
    for _ in range(3):
        anon.post("/api/v1/session", {"login": "rl4", "password": "wrong"})
        anon.post("/api/v1/session", {"login": other, "password": "wrong"})
    for _ in range(2):
        anon.post("/api/v1/session", {"login": "rl4", "password": "wrong"})
    r = anon.post("/api/v1/session", {"login": "rl4", "password": gg.PASSWORD})
    t.error(r, 429, "5 failures of rl4 interleaved with failures of %s" % other, code="rate_limited")


def cookies():
    r = anon.post("/api/v1/session", {"login": "ck1", "password": gg.PASSWORD})
    t.status(r, 201, "login for a cookie")
    sc = r.headers.get("set-cookie", "")
    token = r.body.get("token", "")
    parts = [p.strip() for p in sc.split(";")]
    t.eq(parts[0], "gg_session=" + token, "Set-Cookie carries the session token")
    t.ok("HttpOnly" in parts, "cookie is HttpOnly", sc)
    t.ok("SameSite=Strict" in parts, "cookie is SameSite=Strict", sc)
    t.ok("Path=/" in parts, "cookie is for the whole site", sc)
    t.ok(any(p.startswith("Max-Age=") and int(p[8:]) > 0 for p in parts), "cookie has a lifetime", sc)
    ck = gg.Client(srv.port, cookie="gg_session=" + token)
    r = ck.get("/api/v1/me")
    t.status(r, 200, "the cookie alone authenticates")
    t.eq(r.body.get("login"), "ck1", "cookie session is ck1's")
    r = ck.get("/api/v1/households")
    t.status(r, 200, "the cookie works on lists")
    r = gg.Client(srv.port, cookie="other=1; gg_session=%s; theme=dark" % token).get("/api/v1/me")
    t.status(r, 200, "the cookie among others")
    # logout through the cookie ends that session
    r = ck.delete("/api/v1/session")
    t.status(r, 200, "logout with the cookie")
    sc = r.headers.get("set-cookie", "")
    t.ok(sc.startswith("gg_session=;") and "Max-Age=0" in sc, "logout clears the cookie", sc)
    r = ck.get("/api/v1/me")
    t.error(r, 401, "the cookie is dead after logout", code="unauthenticated")
    r = anon.get("/api/v1/me", token=token)
    t.error(r, 401, "and so is the same token as a bearer", code="unauthenticated")


def logout():
    a = anon.login("other")
    b = anon.login("other")
    r = a.delete("/api/v1/session")
    t.status(r, 200, "logout with a bearer token")
    r = a.get("/api/v1/me")
    t.error(r, 401, "the token is dead after logout", code="unauthenticated")
    r = a.delete("/api/v1/session")
    t.error(r, 401, "logging out twice", code="unauthenticated")
    r = b.get("/api/v1/me")
    t.status(r, 200, "another session of the same user lives on")
    t.eq(env.sql("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'other'")[0][0],
         2, "the logged-out session row is gone (one earlier login, one live)")


def concurrency():
    n, per = 12, 10
    errors = []
    mu = threading.Lock()

    def work(i):
        for k in range(per):
            try:
                if k % 3 == 0:
                    r = city.post("/api/v1/estates", {"place": HUABU, "name": "并发%d-%d" % (i, k)})
                    want = 201
                else:
                    r = city.get("/api/v1/estates?limit=5")
                    want = 200
                if r.status != want:
                    with mu:
                        errors.append((r.status, r.body))
            except Exception as e:  # noqa: BLE001
                with mu:
                    errors.append(repr(e))

    before = env.count("estates")
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    t.eq(errors, [], "%d clients x %d mixed requests all answered" % (n, per))
    t.eq(env.count("estates"), before + n * len(range(0, per, 3)), "every concurrent write stored once")


for section in (healthz, keep_alive, access_log, login_limit, login_limit_race, login_limit_collision,
                cookies, logout, concurrency, graceful_sigterm):
    t.run(section)
t.status(anon.get("/healthz"), 200, "the main server is still healthy")
t.eq(srv.stop(), 0, "the main server stops with status 0")
t.finish()
