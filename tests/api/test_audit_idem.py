"""test_audit_idem.py — every write leaves one audit entry (action, resource,
object id, place, who) without unmasked sensitive values; the audit log is
append-only in the database itself; a POST retried with the same
Idempotency-Key is answered once, also when the retries race.
"""

import json
import sqlite3
import threading

import gg
from gg import COUNTY, HUABU, YUNSHAN

t = gg.Checks()
env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
G1 = gg.make_grid(city, HUABU)

SECRETS = []  # full ID numbers and phones sent in this test; none may appear in the audit log


def last_audit_id():
    return env.sql("SELECT COALESCE(MAX(id), 0) FROM audit_log")[0][0]


def new_entries(since):
    rows = env.sql("SELECT id, user_id, login, action, resource, object_id, place, detail"
                   " FROM audit_log WHERE id > ? ORDER BY id", (since,))
    keys = ("id", "user_id", "login", "action", "resource", "object_id", "place", "detail")
    return [dict(zip(keys, r)) for r in rows]


def audited(client, method, path, body, status, action, resource, object_id, place, login="city",
            what=None):
    """Do one write; check its status and exactly one audit entry describing it."""
    what = what or "%s %s" % (method, path)
    since = last_audit_id()
    r = client.request(method, path, body)
    if not t.status(r, status, what):
        return r, None
    new = new_entries(since)
    t.eq(len(new), 1, "%s: one audit entry" % what)
    if not new:
        return r, None
    e = new[0]
    oid = object_id(r) if callable(object_id) else object_id
    t.eq((e["action"], e["resource"], e["object_id"], e["place"], e["login"]),
         (action, resource, oid, place, login), "%s: audit entry fields" % what)
    return r, e


def detail_of(e):
    try:
        return json.loads(e["detail"])
    except (TypeError, ValueError):
        return None


def every_write():
    # grids
    audited(city, "POST", "/api/v1/grids", {"community": HUABU}, 201, "create", "grids",
            HUABU + "002", HUABU + "002")
    # registry creates and updates
    idn, phone = gg.id_number(7), "13812345678"
    sidn, sphone = gg.id_number(8), "13987654321"
    oidn = gg.id_number(9)
    SECRETS.extend([idn, phone, sidn, sphone, oidn, "13512345678", "15812345678"])
    oid = lambda r: str(r.body["id"])  # noqa: E731
    r, _ = audited(city, "POST", "/api/v1/estates", {"place": HUABU, "name": "审计小区"}, 201, "create",
                   "estates", oid, HUABU)
    est = r.body["id"]
    r, _ = audited(city, "POST", "/api/v1/buildings", {"place": G1, "estate_id": est, "name": "1号楼",
                                                       "lat": 49.6, "lon": 117.4}, 201, "create",
                   "buildings", oid, G1)
    bld = r.body["id"]
    r, e = audited(city, "POST", "/api/v1/households", {"building_id": bld, "room": "101",
                                                        "area_centi": "89.50"}, 201, "create",
                   "households", oid, G1)
    hh = r.body["id"]
    d = detail_of(e) if e else None
    t.ok(d is not None and d.get("area_centi") == 8950 and d.get("room") == "101",
         "household audit detail lists the normalised fields", e and e["detail"])
    r, e = audited(city, "POST", "/api/v1/residents", {"household_id": hh, "name": "张三", "id_number": idn,
                                                       "phone": phone}, 201, "create", "residents", oid, G1)
    res = r.body["id"]
    d = detail_of(e) if e else None
    t.ok(d is not None and d.get("name") == "张三" and d.get("id_number") == gg.mask_id(idn)
         and d.get("phone") == gg.mask_phone(phone), "resident audit detail is masked", e and e["detail"])
    t.ok(d is not None and "id_tail" not in d and "phone_tail" not in d, "no search tails in the detail")
    r, e = audited(city, "POST", "/api/v1/owners", {"household_id": hh, "kind": "person", "name": "张三",
                                                    "id_number": oidn}, 201, "create", "owners", oid, G1)
    own = r.body["id"]
    r, e = audited(city, "POST", "/api/v1/staff", {"place": G1, "name": "李四", "role": "fulltime",
                                                   "id_number": sidn, "phone": sphone}, 201, "create",
                   "staff", oid, G1)
    stf = r.body["id"]
    r, _ = audited(city, "POST", "/api/v1/paired_units", {"place": HUABU, "name": "财政局",
                                                          "phone": "13512345678"}, 201, "create",
                   "paired_units", oid, HUABU)
    pu = r.body["id"]
    r, _ = audited(city, "POST", "/api/v1/enterprises", {"place": HUABU, "name": "贸易公司",
                                                         "phone": "15812345678"}, 201, "create",
                   "enterprises", oid, HUABU)
    ent = r.body["id"]
    ids = {"estates": (est, HUABU), "buildings": (bld, G1), "households": (hh, G1),
           "residents": (res, G1), "owners": (own, G1), "staff": (stf, G1),
           "paired_units": (pu, HUABU), "enterprises": (ent, HUABU)}
    updates = {"estates": {"address": "华埠路1号"}, "buildings": {"floors": 5},
               "households": {"area_centi": "90.00"}, "residents": {"phone": "13812340000"},
               "owners": {"id_number": gg.id_number(10)}, "staff": {"phone": "13987650000"},
               "paired_units": {"contact": "王科长"}, "enterprises": {"industry": "trade"}}
    SECRETS.extend(["13812340000", gg.id_number(10), "13987650000"])
    for res_name, (rid, place) in ids.items():
        path = "/api/v1/%s/%d" % (res_name, rid)
        r, e = audited(city, "PATCH", path, updates[res_name], 200, "update", res_name, str(rid), place)
        d = detail_of(e) if e else None
        t.ok(d is not None and set(updates[res_name]) <= set(d), "update detail names the fields written",
             e and e["detail"])
        audited(city, "PUT", path, updates[res_name], 200, "update", res_name, str(rid), place,
                what="PUT " + path)
    # users and API keys
    audited(city, "POST", "/api/v1/users", {"login": "w1", "password": gg.PASSWORD, "role": "grid_worker",
                                            "place": G1}, 201, "create", "users",
            lambda r: str(r.body["id"]), G1)
    audited(city, "POST", "/api/v1/apikeys", {"name": "sync"}, 201, "create", "apikeys",
            lambda r: str(r.body["id"]), "")
    # sessions
    audited(anon, "POST", "/api/v1/session", {"login": "w1", "password": gg.PASSWORD}, 201, "login",
            "session", "", G1, login="w1")
    audited(anon, "POST", "/api/v1/session", {"login": "w1", "password": "wrong-password"}, 401,
            "login_failed", "session", "", "", login="w1")
    w1 = anon.login("w1")
    audited(w1, "DELETE", "/api/v1/session", None, 200, "logout", "session", "", G1, login="w1")
    # a refused write leaves no entry
    for method, path, body in (("POST", "/api/v1/estates", {"place": HUABU}),
                               ("POST", "/api/v1/estates", {"place": YUNSHAN + "999", "name": "x"}),
                               ("PATCH", "/api/v1/residents/%d" % res, {"id_number": "123"}),
                               ("PATCH", "/api/v1/residents/99999", {"name": "x"}),
                               ("POST", "/api/v1/users", {"login": "w1", "password": gg.PASSWORD,
                                                          "role": "grid_worker", "place": G1}),
                               ("POST", "/api/v1/grids", {"community": "150781004999"})):
        since = last_audit_id()
        r = city.request(method, path, body)
        t.ok(400 <= r.status < 500, "refused: %s %s" % (method, path), r.status)
        t.eq(new_entries(since), [], "refused %s %s leaves no audit entry" % (method, path))
    # the API shows the entries
    r = city.get("/api/v1/audit?limit=500")
    t.status(r, 200, "GET audit")
    acts = {(a["action"], a["resource"]) for a in r.body["items"]}
    for res_name in ids:
        t.ok(("create", res_name) in acts and ("update", res_name) in acts,
             "audit API lists create and update of %s" % res_name)
    items = city.list_all("/api/v1/audit", limit=7)
    got = [a["id"] for a in items]
    t.eq(got, sorted(got, reverse=True), "audit pages come newest first")
    t.eq(len(got), len(set(got)), "audit paging: no duplicates")
    t.eq(len(got), env.count("audit_log"), "audit paging: every entry once")


def no_secrets():
    rows = env.sql("SELECT * FROM audit_log")
    text = json.dumps(rows, ensure_ascii=False)
    for s in SECRETS:
        t.ok(s not in text, "audit log never holds %s…%s unmasked" % (s[:3], s[-2:]))
    r = city.get("/api/v1/audit?format=csv")
    body = r.body.decode("utf-8", "replace") if isinstance(r.body, bytes) else ""
    t.ok(r.status == 200 and all(s not in body for s in SECRETS), "audit export holds no unmasked values")


def append_only():
    n = env.count("audit_log")
    snapshot = env.sql("SELECT * FROM audit_log ORDER BY id")
    con = sqlite3.connect(env.db, timeout=10)
    for sql in ("UPDATE audit_log SET detail = 'tampered' WHERE id = 1",
                "UPDATE audit_log SET login = 'nobody'",
                "DELETE FROM audit_log WHERE id = 1",
                "DELETE FROM audit_log"):
        try:
            con.execute(sql)
            con.commit()
            t.ok(False, "the database refuses: " + sql)
        except sqlite3.DatabaseError as e:
            t.ok("append-only" in str(e), "the database refuses: " + sql, str(e))
            con.rollback()
    con.close()
    t.eq(env.count("audit_log"), n, "no audit entry removed")
    t.eq(env.sql("SELECT * FROM audit_log ORDER BY id"), snapshot, "no audit entry changed")


def idempotency():
    body = {"place": HUABU, "name": "幂等小区"}
    key = {"Idempotency-Key": "create-estate-1"}
    n0, a0, p0 = env.count("estates"), env.count("audit_log"), env.count("paired_units")
    r1 = city.post("/api/v1/estates", body, headers=key)
    t.status(r1, 201, "first POST with a key")
    r2 = city.post("/api/v1/estates", body, headers=key)
    t.eq((r2.status, r2.body), (r1.status, r1.body), "retry: same status and body")
    r3 = city.post("/api/v1/estates", body, headers=key)
    t.eq((r3.status, r3.body), (r1.status, r1.body), "second retry: same status and body")
    t.eq(env.count("estates"), n0 + 1, "three POSTs with one key made one row")
    t.eq(env.count("audit_log"), a0 + 1, "and one audit entry")
    # same key, different body / path
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "另一个小区"}, headers=key)
    t.error(r, 422, "same key, different body", field="Idempotency-Key", code="rule_violated")
    r = city.post("/api/v1/paired_units", body, headers=key)
    t.error(r, 422, "same key, different path", field="Idempotency-Key", code="rule_violated")
    r = city.post("/api/v1/estates", body, headers=key)
    t.eq((r.status, r.body), (r1.status, r1.body), "the key still answers the original request")
    t.eq(env.count("estates"), n0 + 1, "refused reuse of a key wrote nothing")
    t.eq(env.count("paired_units"), p0, "no paired unit from the wrong path")
    # a key is per user
    worker = make_user("idem-w", "community_admin", HUABU)
    r = worker.post("/api/v1/estates", body, headers=key)
    t.status(r, 201, "another user's request with the same key")
    t.ok(r.body.get("id") != r1.body.get("id"), "another user's key is independent")
    t.eq(env.count("estates"), n0 + 2, "the other user's POST made its own row")
    # a failed request is not remembered
    k2 = {"Idempotency-Key": "fix-and-retry"}
    r = city.post("/api/v1/estates", {"place": HUABU}, headers=k2)
    t.error(r, 400, "failed POST with a key", field="name")
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "修正后"}, headers=k2)
    t.status(r, 201, "a corrected request may reuse the key of a failed one")
    r2 = city.post("/api/v1/estates", {"place": HUABU, "name": "修正后"}, headers=k2)
    t.eq((r2.status, r2.body), (r.status, r.body), "and is replayed from then on")
    t.eq(env.sql("SELECT COUNT(*) FROM estates WHERE name = '修正后'")[0][0], 1, "one corrected row")
    # key length
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "长键"}, headers={"Idempotency-Key": "k" * 129})
    t.error(r, 400, "a 129-byte key", field="Idempotency-Key")
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "长键"}, headers={"Idempotency-Key": "k" * 128})
    t.status(r, 201, "a 128-byte key")
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "长键"}, headers={"Idempotency-Key": "k" * 2000})
    t.error(r, 400, "a 2000-byte key is refused, not ignored", field="Idempotency-Key")
    t.eq(env.sql("SELECT COUNT(*) FROM estates WHERE name = '长键'")[0][0], 1, "one row from the key tests")
    # other endpoints: grids, users, residents (sensitive answer stays masked in the replay)
    k3 = {"Idempotency-Key": "grid-1"}
    g1 = city.post("/api/v1/grids", {"community": YUNSHAN}, headers=k3)
    g2 = city.post("/api/v1/grids", {"community": YUNSHAN}, headers=k3)
    t.eq((g2.status, g2.body), (g1.status, g1.body), "grid create replayed")
    t.eq(env.sql("SELECT COUNT(*) FROM places WHERE parent = ?", (YUNSHAN,))[0][0], 1, "one grid")
    k4 = {"Idempotency-Key": "user-1"}
    u = {"login": "idem-user", "password": gg.PASSWORD, "role": "grid_worker", "place": G1}
    u1, u2 = city.post("/api/v1/users", u, headers=k4), city.post("/api/v1/users", u, headers=k4)
    t.status(u1, 201, "user create with a key")
    t.eq((u2.status, u2.body), (u1.status, u1.body), "user create replayed")
    t.eq(env.sql("SELECT COUNT(*) FROM users WHERE login = 'idem-user'")[0][0], 1, "one user")
    hh = env.sql("SELECT id FROM households LIMIT 1")[0][0]
    k5 = {"Idempotency-Key": "resident-1"}
    idn = gg.id_number(55)
    SECRETS.append(idn)
    rb = {"household_id": hh, "name": "幂等居民", "id_number": idn}
    p1, p2 = city.post("/api/v1/residents", rb, headers=k5), city.post("/api/v1/residents", rb, headers=k5)
    t.eq((p2.status, p2.body), (p1.status, p1.body), "resident create replayed")
    t.eq(p2.body.get("id_number"), gg.mask_id(idn), "the replayed answer is masked")
    stored = env.sql("SELECT response FROM idempotency")
    t.ok(all(idn not in s[0] for s in stored), "stored answers hold no unmasked ID number")
    # PATCH with a key
    est = r1.body["id"]
    k6 = {"Idempotency-Key": "patch-1"}
    q1 = city.patch("/api/v1/estates/%d" % est, {"address": "一号"}, headers=k6)
    city.patch("/api/v1/estates/%d" % est, {"address": "二号"})
    q2 = city.patch("/api/v1/estates/%d" % est, {"address": "一号"}, headers=k6)
    t.eq((q2.status, q2.body), (q1.status, q1.body), "PATCH with a key replayed")
    t.eq(city.get("/api/v1/estates/%d" % est).body.get("address"), "二号", "the replay did not write again")


def make_user(login, role, place):
    r = city.post("/api/v1/users", {"login": login, "password": gg.PASSWORD, "role": role, "place": place})
    if r.status != 201:
        raise RuntimeError("cannot create %s: %s" % (login, r.body))
    return anon.login(login)


def concurrent():
    n = 12
    for round_no in range(3):
        key = {"Idempotency-Key": "race-%d" % round_no}
        body = {"place": G1, "name": "并发小区%d" % round_no, "address": "并发路%d号" % round_no}
        before, audit_before = env.count("estates"), env.count("audit_log")
        results = [None] * n
        start = threading.Barrier(n)

        def worker(i):
            start.wait()
            try:
                results[i] = city.post("/api/v1/estates", body, headers=key)
            except Exception as e:  # noqa: BLE001
                results[i] = e

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        ok = [r for r in results if isinstance(r, gg.Resp)]
        t.eq(len(ok), n, "round %d: every racing request was answered" % round_no)
        t.eq({r.status for r in ok}, {201}, "round %d: every racing request got 201" % round_no)
        t.eq(len({json.dumps(r.body, sort_keys=True) for r in ok}), 1,
             "round %d: every racing request got the same body" % round_no)
        t.eq(env.count("estates"), before + 1, "round %d: one row from %d racing retries" % (round_no, n))
        t.eq(env.count("audit_log"), audit_before + 1, "round %d: one audit entry" % (round_no))
    # racing requests with different keys all write
    before = env.count("estates")
    results = []
    mu = threading.Lock()

    def distinct(i):
        r = city.post("/api/v1/estates", {"place": G1, "name": "不同键%d" % i}, headers={"Idempotency-Key": "d-%d" % i})
        with mu:
            results.append(r.status)

    threads = [threading.Thread(target=distinct, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    t.eq(sorted(results), [201] * 8, "racing requests with different keys all succeed")
    t.eq(env.count("estates"), before + 8, "and each writes its row")


t.run(every_write)
t.run(append_only)
t.run(idempotency)
t.run(concurrent)
t.run(no_secrets)
t.status(anon.get("/healthz"), 200, "healthz at the end")
t.finish()
