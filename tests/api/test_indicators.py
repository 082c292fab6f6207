"""test_indicators.py — black-box tests of GET /api/v1/indicators on the demo city.

Real cases are driven through the API by the demo's users of 华埠社区 grid 1
(the other grid workers of grid 1 are taken off duty, so automatic dispatch
goes to huabu_worker), on servers whose clock is pinned with GG_TEST_NOW:
Monday 2026-03-02 09:00, 11:00, Tuesday 10:00, Thursday 10:00 and Tuesday
2026-03-31 17:00 (China Standard Time; a working day is 08:30–12:00 and
14:30–18:00). The expected figures are worked out by hand below, case by
case. Then:

  * roll-ups by street, community, grid, worker, category and month, the
    month and category filters, the totals row, and the exports;
  * scope: a community admin cannot read another street or community, a
    grid worker not the city, a resident nothing, a department handler only
    their department; bad arguments are 400 with the field named;
  * random activity through the API, after which `gridgov indicators
    --check` finds the stored counters equal to those recomputed, and the
    API's city totals equal a recomputation from the cases table by the
    documented rule; a corrupted counter is found by --check and repaired
    by --rebuild.
"""

import csv
import io
import random

import gg

t = gg.Checks()
PW = "Manzhouli2026!"
GRID1 = "150781004004001"
HUABU = gg.HUABU
XINGHUA = gg.XINGHUA
NANQU = gg.NANQU
YUNSHAN = gg.YUNSHAN
YUNSHAN1 = "150781002001001"

HOUR = 3600
DAY = 86400
T0 = 1772413200            # Monday 2026-03-02 09:00
T1 = T0 + 2 * HOUR         # Monday 11:00
T2 = T0 + DAY + HOUR       # Tuesday 2026-03-03 10:00
T3 = T0 + 3 * DAY + HOUR   # Thursday 2026-03-05 10:00
T4 = T0 + 29 * DAY + 8 * HOUR  # Tuesday 2026-03-31 17:00

COUNTERS = ["due", "closed", "closed_on_time", "handling_minutes_sum", "dispatched", "returned",
            "extended", "reopened", "rated", "rating_sum", "rating_4_5"]
RATES = ["close_rate", "on_time_rate", "mean_handling_minutes", "return_rate", "extension_rate",
         "reopen_rate", "mean_rating", "satisfaction_rate"]

env = gg.DemoEnv()


def one(query, args=()):
    rows = env.sql(query, args)
    return rows[0][0] if rows else None


WORKER_STAFF = one("SELECT staff_id FROM users WHERE login = 'huabu_worker'")
WORKER_NAME = one("SELECT name FROM staff WHERE id = ?", (WORKER_STAFF,))
RES_ID = one("SELECT resident_id FROM users WHERE login = 'resident'")
HOME = one("SELECT household_id FROM residents WHERE id = ?", (RES_ID,))
FAR_HOME = one("SELECT id FROM households WHERE place = ? ORDER BY id LIMIT 1", (YUNSHAN1,))
env.write("UPDATE staff SET on_duty = 0 WHERE place = ? AND role IN ('fulltime', 'parttime')"
          " AND id <> ?", (GRID1, WORKER_STAFF))


class Phase:
    """A server whose clock stands at now; users log in on first use."""

    def __init__(self, now):
        self.now = now
        self.srv = env.server(extra_env={"GG_TEST_NOW": str(now)})
        self.anon = self.srv.client()
        self.users = {}

    def __getitem__(self, login):
        if login not in self.users:
            self.users[login] = self.anon.login(login, PW)
        return self.users[login]

    def stop(self):
        self.srv.stop()


def file_case(client, category, **kw):
    body = {"category": category, "description": "测试"}
    if "household_id" not in kw and "lat" not in kw:
        body["household_id"] = HOME
    body.update(kw)
    r = client.post("/api/v1/cases", body)
    if r.status != 201:
        raise RuntimeError("filing failed: %s %s" % (r.status, gg.short(r.body)))
    return r.body["id"]


def act(client, cid, action, what=None, **kw):
    body = {"action": action}
    body.update(kw)
    r = client.post("/api/v1/cases/%d/actions" % cid, body)
    t.status(r, 200, what or "%s case %d" % (action, cid))
    return r.body


def indicators(client, query=""):
    return client.get("/api/v1/indicators" + query)


def counters(row):
    return {k: row.get(k) for k in COUNTERS}


def want(due=0, closed=0, on_time=0, minutes=0, dispatched=0, returned=0, extended=0, reopened=0,
         rated=0, rating_sum=0, r45=0):
    return dict(zip(COUNTERS, [due, closed, on_time, minutes, dispatched, returned, extended,
                               reopened, rated, rating_sum, r45]))


def rate(num, den, scale=10000):
    """num / den × scale rounded half up, None for a zero denominator (as indicator.c)."""
    return None if den == 0 else (2 * num * scale + den) // (2 * den)


def rates_of(c):
    return {
        "close_rate": rate(c["closed"], c["due"]),
        "on_time_rate": rate(c["closed_on_time"], c["due"]),
        "mean_handling_minutes": rate(c["handling_minutes_sum"], c["closed"], 1),
        "return_rate": rate(c["returned"], c["dispatched"]),
        "extension_rate": rate(c["extended"], c["dispatched"]),
        "reopen_rate": rate(c["reopened"], c["dispatched"]),
        "mean_rating": rate(c["rating_sum"], c["rated"], 100),
        "satisfaction_rate": rate(c["rating_4_5"], c["rated"]),
    }


def check_row(row, expected, what):
    t.eq(counters(row), expected, "%s: counters" % what)
    t.eq({k: row.get(k) for k in RATES}, rates_of(expected), "%s: rates" % what)


# ---------------------------------------------------------------- the scripted month
#
# Case by case (W = huabu_worker; "min" = working minutes from dispatch to result):
#   A  resident, 暖气不热 (14 h), registered 09:00 → deadline Wed 09:00; handled Mon 11:00
#      (120 min), verified 正常, rated 5.
#   B  worker, 水管堵塞 (7 h) → deadline Tue 09:00; handled Tue 10:00 (390 + 90 = 480 min),
#      verified 超时.
#   C  worker, 暖气不热; returned at once; dispatched again by the chief at 11:00 (deadline
#      Wed 11:00); accepted, still open.
#   D  worker, 楼道卫生 (14 h); extension of 7 h approved → deadline Thu 09:00; handled Thu
#      10:00 (390 + 420 + 420 + 90 = 1,320 min), verified 超时.
#   E  worker, 供热管网故障 → 热力公司 (7 h, deadline Tue 09:00); handled Mon 11:00 by the
#      company (120 min), verified 正常.
#   F  resident, 暖气不热; handled Mon 11:00, reopened by the resident, handled again Tue
#      10:00 (480 min from the dispatch), verified 正常 (deadline Wed 09:00), rated 3.
#   G  resident, reported, never registered: counts nowhere.
#   H  resident, cancelled: counts nowhere.
#   I  worker, 暖气不热, dispatched Tue 03-31 17:00 → deadline Thu 04-02 17:00: April.
#   J  worker, 安全隐患 (4 h) → deadline Mon 15:30; handled Tue 10:00 (480 min), closed
#      特殊 (counts as on time).
#   K  city admin, 暖气不热 in 云杉社区 grid 1 (南区街道), dispatched there, open.

GRID1_MARCH = want(due=7, closed=6, on_time=4, minutes=120 + 480 + 1320 + 120 + 480 + 480,
                   dispatched=7, returned=1, extended=1, reopened=1, rated=2, rating_sum=8, r45=1)
GRID1_APRIL = want(due=1, dispatched=1)
GRID1_ALL = {k: GRID1_MARCH[k] + GRID1_APRIL[k] for k in COUNTERS}
YUNSHAN1_ALL = want(due=1, dispatched=1)
CITY_ALL = {k: GRID1_ALL[k] + YUNSHAN1_ALL[k] for k in COUNTERS}
# W has every grid 1 case but E (热力公司)
WORKER_ALL = want(due=7, closed=5, on_time=3, minutes=120 + 480 + 1320 + 480 + 480, dispatched=7,
                  returned=1, extended=1, reopened=1, rated=2, rating_sum=8, r45=1)
HEATING_ALL = want(due=1, closed=1, on_time=1, minutes=120, dispatched=1)
BY_CATEGORY = {
    "utilities.heating_cold": want(due=4, closed=2, on_time=2, minutes=600, dispatched=4,
                                   returned=1, reopened=1, rated=2, rating_sum=8, r45=1),
    "utilities.pipe_blocked": want(due=1, closed=1, minutes=480, dispatched=1),
    "utilities.heating_network": HEATING_ALL,
    "sanitation.stairwell": want(due=1, closed=1, minutes=1320, dispatched=1, extended=1),
    "safety": want(due=1, closed=1, on_time=1, minutes=480, dispatched=1),
}

IDS = {}


def scripted():
    p = Phase(T0)
    res, worker, chief, admin = p["resident"], p["huabu_worker"], p["huabu_chief"], p["admin"]
    heating = p["heating"]
    for name, who, cat in [("A", res, "utilities.heating_cold"),
                           ("B", worker, "utilities.pipe_blocked"),
                           ("C", worker, "utilities.heating_cold"),
                           ("D", worker, "sanitation.stairwell"),
                           ("E", worker, "utilities.heating_network"),
                           ("F", res, "utilities.heating_cold"),
                           ("G", res, "utilities.heating_cold"),
                           ("H", res, "utilities.heating_cold"),
                           ("J", worker, "safety")]:
        IDS[name] = file_case(who, cat)
    IDS["K"] = file_case(admin, "utilities.heating_cold", household_id=FAR_HOME)
    A, B, C, D, E, F, H, J = (IDS[k] for k in "ABCDEFHJ")
    for cid in (A, F):
        b = act(worker, cid, "register")
        t.eq(b.get("assignee_staff_id"), WORKER_STAFF, "case %d goes to the worker" % cid)
    b = act(worker, B, "accept")
    t.eq(b.get("deadline"), T0 + DAY, "水管堵塞: 7 working hours end Tuesday 09:00")
    act(worker, A, "accept")
    act(worker, C, "return", note="不属于本网格")
    act(worker, D, "extend_request", note="需要物业配合", hours=7)
    b = act(chief, D, "extend_approve", note="同意")
    t.eq(b.get("deadline"), T0 + 3 * DAY, "the extension moves D's deadline to Thursday 09:00")
    act(worker, D, "accept")
    act(heating, E, "accept")
    act(worker, F, "accept")
    act(worker, J, "accept")
    act(res, H, "cancel", note="已自行修好")
    tot = indicators(admin, "?place=" + GRID1).body["total"]
    t.eq((tot["due"], tot["dispatched"], tot["returned"]), (6, 7, 1),
         "at 09:00 grid 1 has seven cases dispatched, six due: C was returned")
    p.stop()

    p = Phase(T1)
    res, worker, chief, heating = p["resident"], p["huabu_worker"], p["huabu_chief"], p["heating"]
    act(worker, A, "handle", result="排气后恢复")
    b = act(chief, A, "verify")
    t.eq(b.get("closure"), "normal", "A closed 正常")
    act(res, A, "rate", rating=5)
    b = act(chief, C, "dispatch", staff_id=WORKER_STAFF)
    t.eq(b.get("deadline"), T0 + 2 * DAY + 2 * HOUR, "C's new clock ends Wednesday 11:00")
    act(worker, C, "accept")
    act(heating, E, "handle", result="管网阀门已修复")
    act(chief, E, "verify")
    act(worker, F, "handle", result="已调节")
    act(res, F, "reopen", note="还是不热")
    p.stop()

    p = Phase(T2)
    res, worker, chief = p["resident"], p["huabu_worker"], p["huabu_chief"]
    act(worker, B, "handle", result="已疏通")
    b = act(chief, B, "verify")
    t.eq(b.get("closure"), "overdue", "B closed 超时")
    act(worker, F, "accept")
    act(worker, F, "handle", result="更换阀门")
    b = act(chief, F, "verify")
    t.eq(b.get("closure"), "normal", "F closed 正常 after its reopening")
    act(res, F, "rate", rating=3, comment="一般")
    act(worker, J, "handle", result="已排除隐患")
    b = act(chief, J, "verify", note="需协调供电部门", special=True)
    t.eq(b.get("closure"), "special", "J closed 特殊")
    p.stop()

    p = Phase(T3)
    worker, chief, admin = p["huabu_worker"], p["huabu_chief"], p["admin"]
    act(worker, D, "handle", result="楼道已清理")
    b = act(chief, D, "verify")
    t.eq(b.get("closure"), "overdue", "D closed 超时")
    before = indicators(admin, "?group=grid").body
    r = admin.post("/api/v1/admin/tick")
    t.status(r, 200, "the overdue sweep runs")
    t.ok(r.body.get("escalations", 0) >= 2, "C and K are escalated", r.body)
    t.eq(indicators(admin, "?group=grid").body, before, "escalation does not change indicators")
    p.stop()

    p = Phase(T4)
    IDS["I"] = file_case(p["huabu_worker"], "utilities.heating_cold")
    b = p["huabu_worker"].get("/api/v1/cases/%d" % IDS["I"]).body
    t.eq(b.get("deadline"), T4 + 2 * DAY, "I's deadline is Thursday 2026-04-02 17:00")
    p.stop()


def rows_by_key(body):
    return {row["key"]: row for row in body.get("items", [])}


def rollups():
    p = Phase(T4)
    admin = p["admin"]
    r = indicators(admin)
    t.status(r, 200, "the city admin reads the city's indicators")
    t.eq((r.body.get("group"), r.body.get("place")), ("street", gg.COUNTY),
         "by default the city is grouped by street")
    rows = rows_by_key(r.body)
    t.eq(sorted(rows), [NANQU, XINGHUA], "only streets with cases are listed, in code order")
    t.eq([row["key"] for row in r.body["items"]], [NANQU, XINGHUA], "rows in code order")
    check_row(rows.get(XINGHUA, {}), GRID1_ALL, "兴华街道")
    t.eq(rows.get(XINGHUA, {}).get("name"), "兴华街道", "the street's name")
    check_row(rows.get(NANQU, {}), YUNSHAN1_ALL, "南区街道")
    check_row(r.body["total"], CITY_ALL, "the city's totals")
    t.eq((r.body["total"].get("key"), r.body["total"].get("name")), (None, "合计"), "totals row")
    # the headline figures of grid 1, by hand
    tot = indicators(admin, "?place=" + GRID1).body["total"]
    t.eq((tot["close_rate"], tot["on_time_rate"], tot["mean_handling_minutes"],
          tot["return_rate"], tot["mean_rating"], tot["satisfaction_rate"]),
         (7500, 5000, 500, 1250, 400, 5000),
         "grid 1: 6/8 closed, 4/8 on time, 3,000/6 minutes, 1/8 returned, 8/2 rating, 1/2 满意")

    r = indicators(admin, "?group=community")
    rows = rows_by_key(r.body)
    check_row(rows.get(HUABU, {}), GRID1_ALL, "华埠社区")
    t.eq(rows.get(HUABU, {}).get("name"), "华埠社区", "the community's short name")
    check_row(rows.get(YUNSHAN, {}), YUNSHAN1_ALL, "云杉社区")
    r = indicators(admin, "?group=grid&place=" + HUABU)
    rows = rows_by_key(r.body)
    t.eq(sorted(rows), [GRID1], "华埠社区 has cases in grid 1 only")
    check_row(rows.get(GRID1, {}), GRID1_ALL, "grid 1")
    t.eq(rows.get(GRID1, {}).get("name"), "华埠社区第1网格", "the grid's name")

    r = indicators(admin, "?place=" + GRID1)
    t.eq(r.body.get("group"), "worker", "a grid is grouped by worker by default")
    rows = rows_by_key(r.body)
    t.eq([row["key"] for row in r.body["items"]], [str(WORKER_STAFF), "热力公司"],
         "staff first, then departments")
    check_row(rows.get(str(WORKER_STAFF), {}), WORKER_ALL, "the worker")
    t.eq(rows.get(str(WORKER_STAFF), {}).get("name"), WORKER_NAME, "the worker's name")
    check_row(rows.get("热力公司", {}), HEATING_ALL, "the heating company")

    r = indicators(admin, "?group=category&place=" + GRID1)
    rows = rows_by_key(r.body)
    t.eq(set(rows), set(BY_CATEGORY), "one row per category with cases")
    for code, exp in BY_CATEGORY.items():
        check_row(rows.get(code, {}), exp, "category %s" % code)
    t.eq(rows.get("utilities.heating_cold", {}).get("name"), "暖气不热", "the category's name")
    t.eq([row["key"] for row in r.body["items"]],
         ["utilities.pipe_blocked", "utilities.heating_cold", "utilities.heating_network",
          "sanitation.stairwell", "safety"], "categories in their sort order")
    # a parent includes its children
    r = indicators(admin, "?category=utilities&place=" + GRID1)
    exp = {k: sum(BY_CATEGORY[c][k] for c in BY_CATEGORY if c.startswith("utilities."))
           for k in COUNTERS}
    check_row(r.body["total"], exp, "水电气暖 with its children")
    r = indicators(admin, "?category=utilities.heating_cold&group=street")
    check_row(r.body["total"], {k: BY_CATEGORY["utilities.heating_cold"][k] + YUNSHAN1_ALL[k]
                                for k in COUNTERS}, "暖气不热 city-wide")

    r = indicators(admin, "?group=month&place=" + GRID1)
    rows = rows_by_key(r.body)
    t.eq([row["key"] for row in r.body["items"]], ["2026-03", "2026-04"], "two months")
    check_row(rows.get("2026-03", {}), GRID1_MARCH, "March (by deadline)")
    check_row(rows.get("2026-04", {}), GRID1_APRIL, "April: I is due on 2 April")
    t.eq(rows.get("2026-03", {}).get("name"), "2026年3月", "the month's name")
    r = indicators(admin, "?from=2026-03&to=2026-03&place=" + GRID1)
    check_row(r.body["total"], GRID1_MARCH, "from/to March")
    t.eq((r.body["total"]["close_rate"], r.body["total"]["on_time_rate"],
          r.body["total"]["return_rate"]), (8571, 5714, 1429), "March: 6/7, 4/7, 1/7 rounded")
    r = indicators(admin, "?from=2026-04&place=" + GRID1)
    check_row(r.body["total"], GRID1_APRIL, "from April")
    r = indicators(admin, "?to=2026-02")
    t.eq((r.body["items"], r.body["total"]["due"], r.body["total"]["close_rate"]), ([], 0, None),
         "nothing before March: no rows, zero totals, no rates")
    r = indicators(admin, "?department=热力公司")
    check_row(r.body["total"], HEATING_ALL, "department filter")

    # exports
    r = indicators(admin, "?group=grid&place=%s&format=csv" % HUABU)
    t.status(r, 200, "CSV export")
    text = r.body.decode("utf-8") if isinstance(r.body, bytes) else ""
    t.ok(text.startswith("\ufeff"), "CSV with a byte-order mark for Excel")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    t.eq(lines[0][:5] if lines else None, ["网格代码", "网格", "应结案数", "结案数", "按期结案数"],
         "CSV headers in Chinese")
    t.eq(lines[0][-8:] if lines else None, ["结案率", "按期结案率", "平均处置时长", "退回率", "延期率",
                                            "返工率", "平均评分", "满意率"], "the rates' headers")
    t.eq(len(lines), 3, "header, grid 1 and the totals")
    t.eq(lines[1] if len(lines) > 1 else None,
         [GRID1, "华埠社区第1网格", "8", "6", "4", "3000", "8", "1", "1", "1", "2", "8", "1",
          "75.00%", "50.00%", "8小时20分", "12.50%", "12.50%", "12.50%", "4.00", "50.00%"],
         "grid 1's row with formatted rates")
    t.eq(lines[2][:6] if len(lines) > 2 else None, ["", "合计", "8", "6", "4", "3000"],
         "the totals row")
    r = indicators(admin, "?format=xlsx")
    t.status(r, 200, "xlsx export")
    t.ok(isinstance(r.body, bytes) and r.body[:2] == b"PK", "an xlsx file")
    t.ok("attachment" in r.headers.get("content-disposition", ""), "as a download")
    p.stop()


def scope():
    p = Phase(T4)
    huabu, xinghua, worker, res = p["huabu"], p["xinghua"], p["huabu_worker"], p["resident"]
    r = indicators(huabu)
    t.status(r, 200, "a community admin reads their community")
    t.eq((r.body.get("group"), r.body.get("place")), ("grid", HUABU), "grouped by grid")
    t.eq([row["key"] for row in r.body["items"]], [GRID1], "only their own grids")
    check_row(r.body["total"], GRID1_ALL, "the community's totals leave 云杉 out")
    t.error(indicators(huabu, "?place=" + NANQU), 403, "not another street", field="place",
            code="forbidden")
    t.error(indicators(huabu, "?place=" + YUNSHAN), 403, "not another community", field="place")
    t.error(indicators(huabu, "?place=" + XINGHUA), 403, "not their own street either",
            field="place")
    t.error(indicators(huabu, "?place=" + gg.COUNTY), 403, "not the city", field="place")
    t.error(indicators(xinghua, "?place=" + NANQU), 403, "a street admin not another street",
            field="place")
    r = indicators(xinghua, "?group=grid")
    t.eq([row["key"] for row in r.body["items"]], [GRID1], "the street admin sees its grids")
    r = indicators(worker)
    t.status(r, 200, "a grid worker reads their grid")
    t.eq(r.body.get("place"), GRID1, "scoped to the grid")
    t.error(indicators(worker, "?place=" + HUABU), 403, "a grid worker not the community")
    t.error(indicators(worker, "?format=csv"), 403, "a grid worker does not export")
    t.error(indicators(res), 403, "residents see no indicators", code="forbidden")
    heating = p["heating"]
    r = indicators(heating)
    t.status(r, 200, "the heating company reads its own")
    t.eq(r.body.get("department"), "热力公司", "forced to its department")
    check_row(r.body["total"], HEATING_ALL, "only the heating company's case")
    t.error(indicators(heating, "?department=自来水公司"), 403, "not another department",
            field="department")
    r = indicators(p["auditor"], "?group=grid")
    t.status(r, 200, "the auditor reads the city")
    check_row(r.body["total"], CITY_ALL, "the auditor's totals")
    t.error(p.anon.get("/api/v1/indicators"), 401, "not without a login")
    admin = p["admin"]
    for q, field in [("?group=district", "group"), ("?from=2026-13", "from"),
                     ("?to=2026-3", "to"), ("?from=2026-04&to=2026-03", "to"),
                     ("?category=Heating!", "category"), ("?place=abc", "place"),
                     ("?format=pdf", "format"), ("?colour=red", "colour"),
                     ("?department=", "department")]:
        t.error(indicators(admin, q), 400, "bad argument %s" % q, field=field)
    p.stop()


# ---------------------------------------------------------------- random activity

ACTORS = ["huabu_worker", "huabu_chief", "resident", "heating", "admin", "huabu"]
CATS = ["utilities.heating_cold", "utilities.pipe_blocked", "utilities.heating_network",
        "sanitation.stairwell", "safety", "dispute", "cityman.waterlogging"]


def action_body(action, rnd, cid, ids):
    b = {"action": action}
    if action in ("cancel", "return", "reopen", "extend_request", "extend_approve",
                  "extend_reject", "supervise"):
        b["note"] = "随机操作"
    if action == "handle":
        b["result"] = "已处理"
    if action == "rate":
        b["rating"] = rnd.randint(1, 5)
    if action == "extend_request":
        b["hours"] = rnd.choice([1, 7, 14])
    if action == "extend_approve" and rnd.random() < 0.5:
        b["hours"] = 1
    if action == "verify" and rnd.random() < 0.15:
        b["special"] = True
        b["note"] = "特殊结案"
    if action == "merge":
        b["into"] = rnd.choice([i for i in ids if i != cid] or [cid])
    if action == "dispatch" and rnd.random() < 0.3:
        b["department"] = "自来水公司"
    return b


def random_activity():
    rnd = random.Random(20260302)
    ids = []
    done = 0
    for step, now in enumerate([T0 + 40 * DAY, T0 + 40 * DAY + 3 * HOUR, T0 + 42 * DAY + HOUR,
                                T0 + 47 * DAY + 2 * HOUR, T0 + 70 * DAY]):
        p = Phase(now)
        for _ in range(12):
            who = rnd.choice(["huabu_worker", "resident", "huabu_chief"])
            cat = rnd.choice(CATS)
            ids.append(file_case(p[who], cat))
        for _ in range(150):
            who = rnd.choice(ACTORS)
            cid = rnd.choice(ids)
            r = p[who].get("/api/v1/cases/%d" % cid)
            if r.status != 200 or not r.body.get("actions"):
                continue
            action = rnd.choice(r.body["actions"])
            r = p[who].post("/api/v1/cases/%d/actions" % cid, action_body(action, rnd, cid, ids))
            done += r.status == 200
            t.ok(r.status < 500, "random %s on case %d answers without a server error" %
                 (action, cid), gg.short(r.body))
        if step == 2:
            t.status(p["admin"].post("/api/v1/admin/tick"), 200, "a tick among the activity")
        p.stop()
    t.ok(done > 100, "the random walk took many actions", done)


def cst_month(ts):
    import time
    return time.strftime("%Y-%m", time.gmtime(ts + 8 * HOUR))


def recomputed_from_cases():
    """City totals and months by the documented rule, minutes left out."""
    total = {k: 0 for k in COUNTERS if k != "handling_minutes_sum"}
    months = set()
    for (state, dispatched_at, deadline, closure, rating, returned, reopened,
         extended) in env.sql("SELECT state, dispatched_at, deadline, closure, rating, returned,"
                              " reopened, extended_hours FROM cases"):
        with_deadline = state in ("dispatched", "accepted", "handled", "closed", "rated")
        if not with_deadline and state != "registered":
            continue
        when = deadline if with_deadline and deadline else dispatched_at
        if not when:
            continue
        months.add(cst_month(when))
        due = 1 if with_deadline and deadline else 0
        closed = 1 if due and state in ("closed", "rated") else 0
        total["due"] += due
        total["closed"] += closed
        total["closed_on_time"] += 1 if closed and closure in ("normal", "special") else 0
        total["dispatched"] += 1
        total["returned"] += 1 if returned else 0
        total["extended"] += 1 if extended else 0
        total["reopened"] += 1 if reopened else 0
        if closed and rating:
            total["rated"] += 1
            total["rating_sum"] += rating
            total["rating_4_5"] += 1 if rating >= 4 else 0
    return total, months


def check_after_random():
    out = env.cli("indicators", "--db", env.db, "--check")
    t.ok(out.returncode == 0, "--check: the stored counters equal those recomputed",
         out.stdout + out.stderr)
    t.ok("indicators OK" in out.stdout, "--check says so", out.stdout)
    p = Phase(T0 + 70 * DAY)
    admin = p["admin"]
    api = indicators(admin, "?group=month").body
    total, months = recomputed_from_cases()
    t.eq({k: api["total"][k] for k in total}, total,
         "the API's city totals equal a recomputation from the cases table")
    t.eq({row["key"] for row in api["items"]}, months, "the months are those of the rule")
    streets = indicators(admin, "?group=street").body
    t.eq(streets["total"], api["total"], "the same totals whatever the grouping")
    t.eq({k: sum(row[k] for row in streets["items"]) for k in COUNTERS},
         {k: api["total"][k] for k in COUNTERS}, "the rows add up to the totals")
    workers = indicators(admin, "?group=worker").body
    t.eq(workers["total"], api["total"], "grouped by worker (the other table) too")
    p.stop()

    # a corrupted counter is found and rebuilt
    env.write("UPDATE indicator_counters SET due = due + 1"
              " WHERE (place, staff_id, department, category, month) ="
              " (SELECT place, staff_id, department, category, month FROM indicator_counters"
              "  WHERE dispatched > 0 ORDER BY place, staff_id, department, category, month"
              "  LIMIT 1)")
    env.write("DELETE FROM indicator_counters_place WHERE (place, category, month) ="
              " (SELECT place, category, month FROM indicator_counters_place"
              "  WHERE dispatched > 0 ORDER BY place DESC, category DESC, month DESC LIMIT 1)")
    out = env.cli("indicators", "--db", env.db, "--check")
    t.ok(out.returncode == 1, "--check fails on a corrupted table", out.stdout)
    t.ok("indicator_counters " in out.stdout and "due stored" in out.stdout,
         "it names the bucket and the counter", out.stdout)
    t.ok("(missing)" in out.stdout, "and the missing bucket", out.stdout)
    t.ok("differ in 2 buckets" in out.stdout, "two buckets differ", out.stdout)
    out = env.cli("indicators", "--db", env.db, "--rebuild")
    t.ok(out.returncode == 0, "--rebuild", out.stderr)
    t.ok("rebuilt the indicators of" in out.stdout, "it says what it did", out.stdout)
    out = env.cli("indicators", "--db", env.db, "--check")
    t.ok(out.returncode == 0, "--check after --rebuild", out.stdout)
    out = env.cli("indicators", "--db", env.db)
    t.eq(out.returncode, 2, "--rebuild or --check is required")
    out = env.cli("indicators", "--db", env.db, "--check", "--rebuild")
    t.eq(out.returncode, 2, "not both")


t.run(scripted)
t.run(rollups)
t.run(scope)
t.run(random_activity)
t.run(check_after_random)
t.finish()
