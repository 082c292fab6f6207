"""test_cases.py — black-box tests of categories and cases on the demo city.

The demo city of Manzhouli (`gridgov demo`) gives the users of 华埠社区 grid 1:
resident, huabu_worker, huabu_chief, the community admin huabu, the street
admin xinghua, the city admin, the auditor and the heating company's
handler. The test adds a second resident of grid 1, a resident and a grid
worker of 云杉社区 (another street), and takes every other grid worker of
grid 1 off duty so that automatic dispatch in grid 1 has one candidate.

Covered: categories (read by all, edited by city admins); the full cycle as
each role (report → register → automatic dispatch → accept → handle →
verify → rate); illegal transitions (409, nothing changed); wrong roles
(403); out-of-scope access (404); private cases; concurrent accept (exactly
one 200); idempotent POSTs; department dispatch; extensions; nearby
duplicates and merge; list filters and exports; the overdue sweep with a
pinned clock (GG_TEST_NOW) and its escalation levels.
"""

import os
import sqlite3
import threading

import gg

t = gg.Checks()
PW = "Manzhouli2026!"
GRID1 = "150781004004001"
YUNSHAN1 = "150781002001001"


class DemoEnv(gg.Env):
    """A temporary directory with the demo city instead of a bare `init`."""

    def __init__(self):  # noqa: D107 - replaces gg.Env.__init__ on purpose
        import atexit
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="gridgov-cases-")
        self.db = os.path.join(self.dir, "gridgov.db")
        self.servers = []
        gg._ENVS.append(self)
        self.keep = os.environ.get("GRIDGOV_KEEP_TMP") == "1"
        atexit.register(self.close)
        out = self.cli("demo", "--db", self.db, "--data", gg.DATA)
        if out.returncode != 0:
            raise RuntimeError("gridgov demo failed: %s" % out.stderr)

    def write(self, query, args=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            con.execute(query, args)
            con.commit()
        finally:
            con.close()


env = DemoEnv()
srv = env.server()
anon = srv.client()


def login(name, client=None):
    return (client or anon).login(name, PW)


U = {n: login(n) for n in ["admin", "xinghua", "huabu", "huabu_chief", "huabu_worker",
                           "resident", "auditor", "heating"]}
admin, chief, worker, res = U["admin"], U["huabu_chief"], U["huabu_worker"], U["resident"]

# ---------------------------------------------------------------- fixture


def one(query, args=()):
    rows = env.sql(query, args)
    return rows[0][0] if rows else None


WORKER_STAFF = one("SELECT staff_id FROM users WHERE login = 'huabu_worker'")
RES_ID = one("SELECT resident_id FROM users WHERE login = 'resident'")
HOME = one("SELECT household_id FROM residents WHERE id = ?", (RES_ID,))
HOME_LAT, HOME_LON = env.sql("SELECT b.lat, b.lon FROM households h JOIN buildings b"
                             " ON b.id = h.building_id WHERE h.id = ?", (HOME,))[0]
RES2_ID, HOME2 = env.sql("SELECT id, household_id FROM residents WHERE place = ?"
                         " AND household_id <> ? ORDER BY id LIMIT 1", (GRID1, HOME))[0]
FAR_RES_ID = one("SELECT id FROM residents WHERE place = ? ORDER BY id LIMIT 1", (YUNSHAN1,))
FAR_STAFF = one("SELECT id FROM staff WHERE place = ? AND role = 'fulltime' ORDER BY id LIMIT 1",
                (YUNSHAN1,))


def add_user(login_, role, place, resident_id=None, staff_id=None, department=None):
    r = admin.post("/api/v1/users", {"login": login_, "password": PW, "role": role,
                                     "place": place})
    if r.status != 201:
        raise SystemExit("cannot create %s: %s %s" % (login_, r.status, r.body))
    if resident_id:
        env.write("UPDATE users SET resident_id = ? WHERE login = ?", (resident_id, login_))
    if staff_id:
        env.write("UPDATE users SET staff_id = ? WHERE login = ?", (staff_id, login_))
    if department:
        env.write("UPDATE users SET department = ? WHERE login = ?", (department, login_))
    return login(login_)


res2 = add_user("resident2", "resident", GRID1, resident_id=RES2_ID)
far_res = add_user("far_resident", "resident", YUNSHAN1, resident_id=FAR_RES_ID)
far_worker = add_user("far_worker", "grid_worker", YUNSHAN1, staff_id=FAR_STAFF)
env.write("UPDATE staff SET on_duty = 0 WHERE place = ? AND role IN ('fulltime', 'parttime')"
          " AND id <> ?", (GRID1, WORKER_STAFF))


def file_case(client, category="utilities.heating_cold", **kw):
    body = {"category": category, "description": "卧室暖气片冰凉"}
    if "lat" not in kw and "household_id" not in kw:
        body["household_id"] = HOME
    body.update(kw)
    r = client.post("/api/v1/cases", body)
    if r.status != 201:
        raise RuntimeError("filing failed: %s %s" % (r.status, gg.short(r.body)))
    return r.body


def act(client, cid, action, **kw):
    body = {"action": action}
    body.update(kw)
    return client.post("/api/v1/cases/%d/actions" % cid, body)


def get(client, cid):
    return client.get("/api/v1/cases/%d" % cid)


def dispatched(cid):
    """Register case cid as the grid worker; returns the answer (auto-dispatched)."""
    r = act(worker, cid, "register")
    t.status(r, 200, "register case %d" % cid)
    return r.body


# ---------------------------------------------------------------- categories


def test_categories():
    r = res.get("/api/v1/categories")
    t.status(r, 200, "a resident lists categories")
    cats = {c["code"]: c for c in r.body["items"]}
    t.ok(len(cats) >= 19, "the seeded categories are there", len(cats))
    hc = cats.get("utilities.heating_cold", {})
    t.eq((hc.get("name"), hc.get("parent"), hc.get("limit_hours"), hc.get("handler")),
         ("暖气不热", "utilities", 14, "grid"), "暖气不热 under 水电气暖, 14 working hours, grid")
    t.eq(cats.get("dispute", {}).get("private"), True, "矛盾纠纷 is private")
    t.eq(cats.get("utilities.heating_network", {}).get("handler"), "热力公司",
         "供热管网故障 goes to the heating company")
    for code in ["sanitation.stairwell", "sanitation.garbage", "safety", "property", "facilities",
                 "livelihood", "policy", "cityman.illegal_building", "cityman.street_vending",
                 "cityman.waterlogging", "utilities.pipe_blocked", "utilities.outage"]:
        t.ok(code in cats, "category %s is seeded" % code)
    new = {"code": "sanitation.snow", "parent": "sanitation", "name": "积雪清扫",
           "limit_hours": 7}
    t.error(U["huabu"].post("/api/v1/categories", new), 403, "a community admin may not add one")
    r = admin.post("/api/v1/categories", new)
    t.status(r, 201, "the city admin adds a category")
    t.eq(r.body.get("handler"), "grid", "the default handler is the grid team")
    t.error(admin.post("/api/v1/categories", new), 409, "the same code again", field="code")
    t.error(admin.post("/api/v1/categories", dict(new, code="Snow!")), 400, "a bad code",
            field="code")
    t.error(admin.post("/api/v1/categories", dict(new, code="safety.snow")), 422,
            "a child's code carries its parent's", field="code")
    t.error(admin.post("/api/v1/categories", dict(new, code="sanitation.x", limit_hours=0)), 400,
            "limit_hours from 1", field="limit_hours")
    t.error(admin.post("/api/v1/categories", dict(new, code="sanitation.y", colour="red")), 400,
            "an unknown field", field="colour")
    r = admin.patch("/api/v1/categories/sanitation.snow", {"limit_hours": 14, "active": False})
    t.status(r, 200, "the city admin edits a category")
    t.eq((r.body.get("limit_hours"), r.body.get("active")), (14, False), "the edit took")
    t.error(admin.patch("/api/v1/categories/sanitation.snow", {"code": "x"}), 400,
            "the code never changes", field="code")
    t.error(worker.patch("/api/v1/categories/sanitation.snow", {"limit_hours": 1}), 403,
            "a grid worker may not edit categories")
    t.error(res.get("/api/v1/categories/nothing"), 404, "an unknown category")
    r = res.get("/api/v1/categories")
    t.ok("sanitation.snow" not in [c["code"] for c in r.body["items"]],
         "an inactive category is not offered")
    r = admin.get("/api/v1/categories?include_inactive=1")
    t.ok("sanitation.snow" in [c["code"] for c in r.body["items"]],
         "include_inactive lists it")
    t.error(res.post("/api/v1/cases", {"category": "sanitation.snow", "household_id": HOME}),
            422, "no reports in an inactive category", field="category")
    t.ok(any(row[0] == "categories" for row in
             env.sql("SELECT resource FROM audit_log WHERE action = 'create'")),
         "category edits are audited")


# ---------------------------------------------------------------- the cycle


def log_actions(body):
    return [e["action"] for e in body.get("log", [])]


def test_full_cycle():
    c = file_case(res)
    cid = c["id"]
    t.eq((c["state"], c["place"], c["private"], c["source"]),
         ("reported", GRID1, False, "resident"), "a resident's report waits, in grid 1")
    t.eq(c["actions"], ["cancel"], "the reporter may only cancel it now")
    t.error(act(res, cid, "register"), 403, "a resident may not register")
    t.error(act(worker, cid, "accept"), 409, "nothing to accept before dispatch")
    b = dispatched(cid)
    t.eq(b.get("state"), "dispatched", "registered and dispatched at once")
    t.eq(b.get("assignee_staff_id"), WORKER_STAFF, "dispatched to the on-duty grid worker")
    t.eq(log_actions(b), ["report", "register", "dispatch"], "three log rows")
    t.eq(b["log"][2]["actor"], "system", "dispatch by the system")
    t.ok(b.get("deadline") and b["deadline"] > b["dispatched_at"], "a deadline is set")
    t.ok(isinstance(b.get("time_left_minutes"), int) and 0 < b["time_left_minutes"] <= 14 * 60,
         "time left in working minutes", b.get("time_left_minutes"))
    t.ok("accept" in b.get("actions", []), "the worker is offered accept")
    t.status(act(worker, cid, "accept", note="马上上门"), 200, "the worker accepts")
    t.error(act(worker, cid, "handle"), 400, "handling needs a result", field="result")
    r = act(worker, cid, "handle", result="排气阀排气后暖气恢复")
    t.status(r, 200, "the worker reports the result")
    t.eq(r.body.get("state"), "handled", "handled")
    t.error(act(worker, cid, "verify"), 403, "the worker may not verify their own work")
    r = act(chief, cid, "verify")
    t.status(r, 200, "the grid chief verifies")
    t.eq((r.body.get("state"), r.body.get("closure")), ("closed", "normal"), "closed 正常")
    t.error(act(res, cid, "rate", rating=6), 400, "rating 1..5", field="rating")
    t.error(act(res2, cid, "rate", rating=5), 404, "another resident cannot even see it")
    r = act(res, cid, "rate", rating=5, comment="很及时")
    t.status(r, 200, "the resident rates")
    t.eq((r.body.get("state"), r.body.get("rating"), r.body.get("rating_comment")),
         ("rated", 5, "很及时"), "rated 5")
    r = get(res, cid)
    t.eq(log_actions(r.body),
         ["report", "register", "dispatch", "accept", "handle", "verify", "rate"],
         "the log has the seven steps")
    t.eq(r.body["log"][3]["actor"], "网格员", "residents see roles, not staff logins")
    t.eq(r.body["log"][3]["note"], "马上上门", "the note is kept")
    t.status(get(U["auditor"], cid), 200, "the auditor reads it")
    t.error(act(U["auditor"], cid, "supervise", note="x"), 403, "the auditor acts on nothing")
    return cid


def test_illegal_transitions(done):
    before = get(worker, done).body
    for action, who in [("accept", worker), ("verify", chief), ("rate", res), ("register", worker),
                        ("dispatch", chief), ("handle", worker)]:
        extra = {"rating": 4} if action == "rate" else {}
        t.error(act(who, done, action, **extra), 409, "%s on a rated case" % action)
    after = get(worker, done).body
    t.eq((after["version"], len(after["log"]), after["state"]),
         (before["version"], len(before["log"]), before["state"]), "409s changed nothing")
    c = file_case(res)
    cid = c["id"]
    t.error(act(chief, cid, "verify"), 409, "verify a reported case")
    t.error(act(worker, cid, "fly"), 400, "an unknown action", field="action")
    t.error(worker.post("/api/v1/cases/%d/actions" % cid, {"note": "x"}), 400, "no action",
            field="action")
    t.error(act(worker, cid, "register", rating=3), 400, "a field of another action",
            field="rating")
    t.error(act(worker, cid, "register", expected_version=c["version"] + 1), 409,
            "a stale expected_version", field="expected_version")
    t.error(act(res, cid, "cancel"), 400, "cancel needs a reason", field="note")
    t.eq(get(res, cid).body.get("version"), c["version"], "refusals changed nothing")
    r = act(res, cid, "cancel", note="已自行修好", expected_version=c["version"])
    t.status(r, 200, "the reporter cancels with a reason")
    t.eq((r.body.get("state"), r.body.get("closure")), ("cancelled", "cancelled"), "cancelled")
    t.error(worker.delete("/api/v1/cases/%d" % cid), 405, "no DELETE on cases")


def test_roles_and_scope():
    c = file_case(res)
    cid = c["id"]
    t.error(act(U["heating"], cid, "register"), 404, "a department sees only its own cases")
    t.error(act(res, cid, "supervise", note="请尽快"), 403, "the reporter may not supervise")
    t.error(act(worker, cid, "supervise", note="请尽快"), 403, "a grid worker may not supervise")
    t.status(act(U["huabu"], cid, "supervise", note="请尽快"), 200, "the community supervises")
    t.error(get(far_worker, cid), 404, "a worker of another street cannot see it")
    t.error(act(far_worker, cid, "register"), 404, "... nor act on it")
    t.error(get(res2, cid), 404, "another resident of the grid cannot see it")
    t.error(get(far_res, cid), 404, "nor one elsewhere")
    t.error(worker.get("/api/v1/cases/abc"), 404, "a malformed id")
    t.error(worker.get("/api/v1/cases/99999999"), 404, "a missing case")
    ids = [x["id"] for x in far_worker.list_all("/api/v1/cases")]
    t.ok(cid not in ids, "out-of-scope cases are not listed")
    ids = [x["id"] for x in res2.list_all("/api/v1/cases")]
    t.ok(cid not in ids, "other residents' cases are not listed")
    for who in ["xinghua", "huabu", "huabu_chief"]:
        t.status(get(U[who], cid), 200, "%s sees a case of grid 1" % who)
    t.error(far_worker.post("/api/v1/cases", {"category": "safety", "household_id": HOME}), 422,
            "a worker files only in their area", field="household_id")
    t.error(res.post("/api/v1/cases", {"category": "safety", "household_id": HOME2}), 422,
            "a resident files only for their own household", field="household_id")
    t.error(U["heating"].post("/api/v1/cases", {"category": "safety", "household_id": HOME}), 403,
            "a department handler does not file")
    t.error(res.post("/api/v1/cases", {"category": "safety"}), 400, "where is required",
            field="household_id")
    t.error(res.post("/api/v1/cases", {"category": "safety", "lat": 49.5}), 400,
            "lat without lon", field="lon")
    t.error(res.post("/api/v1/cases", {"category": "safety", "lat": 10, "lon": 10}), 422,
            "no grid near the point", field="lat")
    return cid


def test_private():
    c = file_case(res, "dispute", title="楼上漏水纠纷")
    cid = c["id"]
    t.eq(c.get("private"), True, "a dispute is private")
    t.error(get(res2, cid), 404, "another resident cannot see it")
    t.ok(cid not in [x["id"] for x in res2.list_all("/api/v1/cases")], "nor list it")
    r = res2.get("/api/v1/cases/nearby?category=dispute&lat=%f&lon=%f&radius_m=500"
                 % (HOME_LAT, HOME_LON))
    t.status(r, 200, "nearby as another resident")
    t.ok(cid not in [x["id"] for x in r.body.get("items", [])], "private cases are never offered")
    r = res.get("/api/v1/cases/nearby?category=dispute&lat=%f&lon=%f" % (HOME_LAT, HOME_LON))
    t.ok(cid in [x["id"] for x in r.body.get("items", [])], "the reporter sees their own")
    for who in ["huabu_worker", "huabu_chief", "huabu"]:
        r = get(U[who], cid)
        t.status(r, 200, "%s in scope sees the private case" % who)
    t.error(get(far_worker, cid), 404, "staff out of scope do not")
    c2 = file_case(res, "safety", private=True)
    t.eq(c2.get("private"), True, "a reporter may ask for privacy")


def test_concurrent_accept():
    for round_ in range(5):
        c = file_case(res)
        b = dispatched(c["id"])
        if b.get("assignee_staff_id") != WORKER_STAFF:
            t.ok(False, "round %d: dispatched to the worker" % round_, b)
            continue
        clients = [worker, login("huabu_worker")]
        barrier = threading.Barrier(len(clients))
        got = [None] * len(clients)

        def go(i):
            barrier.wait()
            got[i] = act(clients[i], c["id"], "accept").status

        ths = [threading.Thread(target=go, args=(i,)) for i in range(len(clients))]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        t.eq(sorted(got), [200, 409], "round %d: exactly one accept wins" % round_)
        r = get(worker, c["id"])
        t.eq(log_actions(r.body).count("accept"), 1, "round %d: one accept in the log" % round_)


def test_idempotent_post():
    n0 = env.count("cases")
    h = {"Idempotency-Key": "case-report-1"}
    body = {"category": "sanitation.stairwell", "household_id": HOME, "title": "楼道堆放杂物"}
    a = res.post("/api/v1/cases", body, headers=h)
    b = res.post("/api/v1/cases", body, headers=h)
    t.status(a, 201, "first POST")
    t.status(b, 201, "retried POST")
    t.eq(b.body.get("id"), a.body.get("id"), "the retry answers the same case")
    t.eq(env.count("cases"), n0 + 1, "filed once")
    t.error(res.post("/api/v1/cases", dict(body, title="别的"), headers=h), 422,
            "the key reused for another body")
    cid = a.body["id"]
    h2 = {"Idempotency-Key": "register-%d" % cid}
    r1 = worker.post("/api/v1/cases/%d/actions" % cid, {"action": "register"}, headers=h2)
    r2 = worker.post("/api/v1/cases/%d/actions" % cid, {"action": "register"}, headers=h2)
    t.eq((r1.status, r2.status), (200, 200), "a retried action replays its answer, not a 409")
    t.eq(log_actions(get(worker, cid).body).count("register"), 1, "registered once")


def test_department():
    c = file_case(res, "utilities.heating_network", title="小区供热管线漏水")
    b = dispatched(c["id"])
    t.eq((b.get("assignee_dept"), b.get("assignee_staff_id")), ("热力公司", None),
         "a category with a department goes to it")
    heat = U["heating"]
    ids = [x["id"] for x in heat.list_all("/api/v1/cases?assignee=me")]
    t.ok(c["id"] in ids, "the heating company's queue has it")
    t.error(act(worker, c["id"], "accept"), 403, "the grid worker is not its assignee")
    t.status(act(heat, c["id"], "accept"), 200, "the handler accepts")
    t.status(act(heat, c["id"], "handle", result="已更换管段"), 200, "and handles")
    t.error(act(heat, c["id"], "verify"), 403, "but does not verify")
    r = act(U["huabu"], c["id"], "verify")
    t.status(r, 200, "the community verifies")
    # a commander returns a case to a department by hand
    c2 = file_case(res)
    dispatched(c2["id"])
    t.status(act(worker, c2["id"], "return", note="属供热管网问题"), 200, "the worker returns it")
    r = act(chief, c2["id"], "dispatch", department="热力公司")
    t.status(r, 200, "the chief dispatches to the heating company")
    t.eq(r.body.get("assignee_dept"), "热力公司", "now the department's")
    t.eq(r.body.get("returned"), 1, "the return is counted")
    t.error(act(chief, c2["id"], "dispatch", staff_id=1), 409, "dispatch twice")


def test_extension():
    c = file_case(res)
    b = dispatched(c["id"])
    cid, dl = c["id"], b["deadline"]
    t.error(act(chief, cid, "extend_approve", note="同意"), 409, "nothing to approve yet")
    t.error(act(worker, cid, "extend_request", note="等配件"), 400, "hours are required",
            field="hours")
    r = act(worker, cid, "extend_request", note="等配件", hours=7)
    t.status(r, 200, "the worker asks for 7 hours")
    t.error(act(worker, cid, "extend_request", note="再等", hours=7), 409, "only one at a time")
    t.ok("extend_approve" in get(chief, cid).body.get("actions", []), "the chief may approve")
    t.error(act(worker, cid, "extend_approve", note="同意"), 403,
            "the worker may not approve their own")
    t.error(act(chief, cid, "extend_approve", note="同意", hours=8), 422,
            "no more than asked", field="hours")
    r = act(chief, cid, "extend_approve", note="同意")
    t.status(r, 200, "the chief approves")
    t.ok(r.body.get("deadline", 0) > dl, "the deadline moved")
    t.eq(r.body.get("extended_hours"), 7, "7 hours granted")
    t.status(act(worker, cid, "extend_request", note="还要等", hours=3), 200, "ask again")
    r = act(chief, cid, "extend_reject", note="不同意")
    t.status(r, 200, "the chief rejects")
    t.eq(r.body.get("ext_pending_hours"), 0, "nothing pending")


def test_nearby_and_merge():
    lat, lon = HOME_LAT + 0.0002, HOME_LON + 0.0002
    orig = file_case(res, "cityman.waterlogging", lat=lat, lon=lon, title="路口积水")
    q = "/api/v1/cases/nearby?category=cityman.waterlogging&lat=%f&lon=%f&radius_m=300" % (
        HOME_LAT, HOME_LON)
    r = res2.get(q)
    t.status(r, 200, "nearby before filing")
    hits = {x["id"]: x for x in r.body.get("items", [])}
    t.ok(orig["id"] in hits, "the open case is offered to another resident")
    t.ok("description" not in hits.get(orig["id"], {}) and "reporter_id" not in
         hits.get(orig["id"], {}), "in a reduced form")
    t.ok(isinstance(hits.get(orig["id"], {}).get("distance_m"), int), "with its distance")
    t.error(res2.get(q.replace("radius_m=300", "radius_m=9999")), 400, "radius capped",
            field="radius_m")
    t.error(res2.get("/api/v1/cases/nearby?category=cityman.waterlogging&lat=x&lon=1"), 400,
            "lat must be a number", field="lat")
    dup = file_case(res2, "cityman.waterlogging", lat=lat, lon=lon, title="积水")
    t.eq(dup["place"], GRID1, "a point is located into the grid of the nearest building")
    t.error(act(worker, dup["id"], "merge"), 400, "merge needs into", field="into")
    t.error(act(worker, dup["id"], "merge", into=dup["id"]), 422, "not into itself",
            field="into")
    t.error(act(res2, dup["id"], "merge", into=orig["id"]), 403, "residents do not merge")
    r = act(worker, dup["id"], "merge", into=orig["id"])
    t.status(r, 200, "the worker merges the duplicate")
    t.eq((r.body.get("state"), r.body.get("closure"), r.body.get("merged_into")),
         ("cancelled", "merged", orig["id"]), "merged")
    t.eq(get(worker, orig["id"]).body.get("duplicates"), [dup["id"]], "the original lists it")


def test_lists():
    r = worker.get("/api/v1/cases?state=dispatched")
    t.status(r, 200, "filter by state")
    t.ok(r.body["items"] and all(x["state"] == "dispatched" for x in r.body["items"]),
         "only dispatched ones")
    r = worker.get("/api/v1/cases?category=utilities&limit=500")
    t.ok(r.body["items"] and all(x["category"].startswith("utilities") for x in r.body["items"]),
         "a category takes its children")
    mine = worker.list_all("/api/v1/cases?assignee=me", limit=2)
    t.ok(mine and all(x["assignee_staff_id"] == WORKER_STAFF for x in mine), "assignee=me")
    dls = [x["deadline"] for x in mine if x["deadline"] is not None]
    t.eq(dls, sorted(dls), "the worker's queue comes by deadline")
    t.eq(len(set(x["id"] for x in mine)), len(mine), "paging by deadline repeats nothing")
    every = worker.list_all("/api/v1/cases", limit=2)
    t.eq(len(set(x["id"] for x in every)), len(every), "paging repeats nothing")
    t.eq(len(every), len(worker.list_all("/api/v1/cases")), "paging loses nothing")
    t.eq([x["id"] for x in every], sorted((x["id"] for x in every), reverse=True),
         "newest first")
    r = worker.get("/api/v1/cases?grid=%s&overdue=1" % GRID1)
    t.status(r, 200, "overdue filter")
    t.error(worker.get("/api/v1/cases?state=lost"), 400, "an unknown state", field="state")
    t.error(worker.get("/api/v1/cases?colour=red"), 400, "an unknown parameter", field="colour")
    t.error(worker.get("/api/v1/cases?assignee=bob"), 400, "assignee=me only", field="assignee")
    r = chief.get("/api/v1/cases?format=csv")
    t.status(r, 200, "the chief exports CSV")
    t.ok(isinstance(r.body, bytes) and r.body.startswith(b"\xef\xbb\xbf") and
         "暖气不热".encode() in r.body, "CSV with a BOM and Chinese text")
    r = U["huabu"].get("/api/v1/cases?format=xlsx")
    t.ok(r.status == 200 and r.body[:2] == b"PK", "xlsx export", r.status)
    t.error(worker.get("/api/v1/cases?format=csv"), 403, "a grid worker does not export")


# ---------------------------------------------------------------- the clock

MON_0900 = 1772413200  # Monday 2026-03-02 09:00 China Standard Time
HOUR, DAY = 3600, 86400


def pinned(at):
    """A server whose clock reads `at`, and fresh logins on it."""
    s = env.server(extra_env={"GG_TEST_NOW": str(at)})
    c = s.client()
    return s, {n: login(n, c) for n in ["admin", "huabu_chief", "huabu_worker", "resident"]}


def escalations(body):
    return [e["detail"].get("to") for e in body["log"] if e["action"] == "escalate"]


def test_overdue_escalation():
    s, u = pinned(MON_0900)
    c = file_case(u["resident"], "utilities.outage", title="整栋楼停水")
    r = act(u["huabu_worker"], c["id"], "register")
    t.status(r, 200, "registered at Monday 09:00")
    cid = c["id"]
    # 4 working hours from Monday 09:00: 12:00 is 3, then 14:30 + 1 = 15:30
    t.eq(r.body.get("deadline"), MON_0900 + 6 * HOUR + 30 * 60, "deadline Monday 15:30")
    t.eq(r.body.get("time_left_minutes"), 240, "240 working minutes left")
    t.status(act(u["huabu_worker"], cid, "accept"), 200, "accepted")
    t.error(u["huabu_chief"].post("/api/v1/admin/tick"), 403, "only the city admin ticks")
    r = u["admin"].post("/api/v1/admin/tick")
    t.status(r, 200, "tick before the deadline")
    t.eq(r.body.get("escalations"), 0, "nothing overdue yet")
    s.stop()

    s, u = pinned(MON_0900 + DAY)  # Tuesday 09:00: three working hours late
    r = u["admin"].post("/api/v1/admin/tick")
    t.status(r, 200, "tick on Tuesday")
    t.ok(r.body.get("escalations", 0) >= 1, "an escalation", r.body)
    b = get(u["huabu_worker"], cid).body
    t.eq((b.get("overdue"), b.get("escalated_to")), (True, "grid_chief"), "late: to the chief")
    t.ok(b.get("time_left_minutes", 0) < 0, "time left is negative", b.get("time_left_minutes"))
    t.eq(escalations(b), ["grid_chief"], "one escalate row")
    t.eq(b["log"][-1]["actor"], "system", "written by the system")
    ids = [x["id"] for x in u["huabu_worker"].list_all("/api/v1/cases?overdue=1")]
    t.ok(cid in ids, "overdue=1 lists it")
    r = u["admin"].post("/api/v1/admin/tick")
    t.eq(escalations(get(u["huabu_worker"], cid).body), ["grid_chief"],
         "a second tick writes nothing more")
    s.stop()

    s, u = pinned(MON_0900 + 7 * DAY)  # a week later: past 3 working days
    r = u["admin"].post("/api/v1/admin/tick")
    t.status(r, 200, "tick a week later")
    b = get(u["huabu_worker"], cid).body
    t.eq(escalations(b), ["grid_chief", "community", "street"],
         "community and street once each")
    t.eq(b.get("escalated_to"), "street", "now at the street")
    u["admin"].post("/api/v1/admin/tick")
    t.eq(len(escalations(get(u["huabu_worker"], cid).body)), 3, "and never again")
    t.status(act(u["huabu_worker"], cid, "handle", result="管道抢修完毕，已恢复供水"), 200,
             "handled late")
    r = act(u["huabu_chief"], cid, "verify")
    t.eq((r.status, r.body.get("closure")), (200, "overdue"), "closed 超时")
    t.ok(any(row[0] == "tick" for row in env.sql("SELECT action FROM audit_log")),
         "ticks are audited")
    s.stop()


t.run(test_categories)
done = None
try:
    done = test_full_cycle()
except Exception:  # noqa: BLE001
    import traceback
    t.ok(False, "section test_full_cycle raised", traceback.format_exc())
if done:
    t.run(test_illegal_transitions, done)
t.run(test_roles_and_scope)
t.run(test_private)
t.run(test_concurrent_accept)
t.run(test_idempotent_post)
t.run(test_department)
t.run(test_extension)
t.run(test_nearby_and_merge)
t.run(test_lists)
t.run(test_overdue_escalation)
t.finish()
