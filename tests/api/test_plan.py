"""test_plan.py — grid planning on the demo city, through the CLI and the API.

The seed's own case: 华埠社区 (150781004004) has 6 grids of about 560
households, over the 300–500 standard. `gridgov plan` must flag them and
propose 7–11 grids within bounds; applying the plan moves households,
teams and open cases in one transaction (closed cases keep their grid),
and a failure injected at any step leaves the database exactly as it was.
"""

import json
import os
import time

import gg
from gg import HUABU, YUNSHAN

t = gg.Checks()
env = gg.DemoEnv(prefix="gridgov-plan-")
OLD = ["%s%03d" % (HUABU, i) for i in range(1, 7)]


def cli(*args, extra_env=None):
    import subprocess
    penv = dict(os.environ)
    penv.update(extra_env or {})
    return subprocess.run([gg.BIN, "plan", "--db", env.db] + list(args), cwd=env.dir,
                          capture_output=True, text=True, timeout=300, env=penv)


def ring_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2


def polygons(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    return []


def check_geojson(fc, what):
    """RFC 7946 shape: lon/lat order, closed rings, CCW exteriors, CW holes."""
    t.eq(fc.get("type"), "FeatureCollection", "%s: a FeatureCollection" % what)
    bad = []
    for f in fc["features"]:
        if not f["geometry"]:
            bad.append("no geometry")
            continue
        for poly in polygons(f["geometry"]):
            for i, ring in enumerate(poly):
                if len(ring) < 4 or ring[0] != ring[-1]:
                    bad.append("ring not closed")
                a = ring_area(ring)
                if (i == 0 and a <= 0) or (i > 0 and a >= 0):
                    bad.append("ring %d oriented wrong" % i)
                if not all(115 < p[0] < 120 and 48 < p[1] < 51 for p in ring):
                    bad.append("not lon/lat of Manzhouli")
    t.eq(bad, [], "%s: every ring closed, oriented, in lon/lat" % what)


def seed_cases():
    """Two open cases and one closed case in grid 1 of 华埠社区 (test data written directly)."""
    now = int(time.time())
    hh = env.sql("SELECT h.id, b.lat, b.lon FROM households h JOIN buildings b ON b.id = h.building_id"
                 " WHERE h.place = ? ORDER BY h.id LIMIT 40", (OLD[0],))
    ids = []
    for i, (hid, lat, lon) in enumerate((hh[0], hh[-1], hh[20])):
        state, closed = ("closed", now) if i == 2 else ("registered", None)
        ids.append(env.write(
            "INSERT INTO cases (place, category, title, source, household_id, lat, lon, state,"
            " team_grid, reported_at, closed_at, closure, created_at, updated_at)"
            " VALUES (?, 'utilities.heating_cold', '暖气不热', 'staff', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (OLD[0], hid, lat, lon, state, OLD[0], now, closed, "normal" if closed else "", now, now)))
    # one more open case reported by place, near the community's north-east corner
    lat, lon = env.sql("SELECT MAX(lat), MAX(lon) FROM buildings WHERE place LIKE ?", (HUABU + "%",))[0]
    ids.append(env.write(
        "INSERT INTO cases (place, category, title, source, lat, lon, state, team_grid, reported_at,"
        " created_at, updated_at) VALUES (?, 'sanitation.garbage', '垃圾未清运', 'staff', ?, ?,"
        " 'reported', ?, ?, ?, ?)", (OLD[5], lat, lon, OLD[5], now, now, now)))
    return ids


OPEN1, OPEN2, CLOSED, OPEN_BY_PLACE = seed_cases()


def cli_preview():
    r = cli("--community", HUABU, "--format", "json")
    t.eq(r.returncode, 0, "plan --community 华埠社区 runs")
    plan = json.loads(r.stdout)
    c = plan["communities"][0]
    t.eq(c["households"], 3369, "华埠社区 has 3,369 households")
    t.eq(sorted(g["code"] for g in c["before"]["out_of_standard"]), OLD,
         "all 6 of today's grids are flagged")
    t.ok(all("超过上限 500" in g["why"] for g in c["before"]["out_of_standard"]),
         "each flagged grid says it is over 500", c["before"]["out_of_standard"])
    grids = plan["grids"]
    t.ok(7 <= len(grids) <= 11, "7 to 11 grids proposed", len(grids))
    t.ok(all(300 <= g["households"] <= 500 and g["residents"] <= 2500 for g in grids),
         "every proposed grid within 300–500 households and 2,500 residents",
         [(g["code"], g["households"], g["residents"]) for g in grids])
    t.eq(sum(g["households"] for g in grids), 3369, "no household lost or counted twice")
    t.eq(c["after"]["within_bounds"], len(grids), "the plan says all grids are within bounds")
    codes = [g["code"] for g in grids]
    t.eq(codes, ["%s%03d" % (HUABU, 7 + i) for i in range(len(grids))],
         "new codes follow the old serials in order")
    t.ok(all(g["within_bounds"] and g["why"] == "" for g in grids), "no grid has a reason")
    t.ok(c["split"]["proposed"] and len(c["split"]["groups"]) == 2,
         "a split of 3,369 households into 2 communities is proposed", c["split"])
    t.eq(sum(x["households"] for x in c["split"]["groups"]), 3369, "the split keeps every household")
    st = c["staffing"]
    t.eq(st["fulltime_by_ratio"], (c["residents"] * 18 + 9999) // 10000,
         "full-time workers at 18 per 10,000 residents, rounded up")
    t.eq(st["need"]["grid_chief"], len(grids), "one grid chief per grid")
    t.eq(c["diff"]["open_cases"], 3, "the three open cases are counted")
    t.ok(c["after"]["households"]["min"] >= 300 and c["after"]["households"]["max"] <= 500,
         "quality figures agree", c["after"])
    t.ok(0 < c["after"]["compactness"]["min"] <= c["after"]["compactness"]["mean"] <= 1,
         "compactness in (0, 1]", c["after"]["compactness"])
    # west→east, north→south: the first grid is north of the last
    t.ok(grids[0]["centre"][1] > grids[-1]["centre"][1], "serial 1 lies north of the last grid")
    # table and GeoJSON
    r = cli("--community", HUABU)
    t.ok(r.returncode == 0 and "超过上限 500" in r.stdout and "within bounds %d/%d" % (len(grids), len(grids)) in r.stdout,
         "the table shows the flags and the bounds", r.stdout[-800:])
    path = os.path.join(env.dir, "huabu.geojson")
    r = cli("--community", HUABU, "--format", "geojson", "--out", path)
    t.eq(r.returncode, 0, "GeoJSON written")
    with open(path) as f:
        fc = json.load(f)
    t.eq(len(fc["features"]), len(grids), "one feature per grid")
    check_geojson(fc, "CLI GeoJSON")
    r = cli("--validate-geojson", path)
    t.ok(r.returncode == 0 and "GeoJSON OK" in r.stdout, "GEOS finds the GeoJSON valid", r.stdout + r.stderr)


def bad_geojson():
    cases = {
        "clockwise exterior": [[[117, 49], [117, 49.1], [117.1, 49.1], [117.1, 49], [117, 49]]],
        "ring not closed": [[[117, 49], [117.1, 49], [117.1, 49.1], [117, 49.1]]],
        "self-intersecting": [[[117, 49], [117.1, 49.1], [117.1, 49], [117, 49.1], [117, 49]]],
    }
    for what, coords in cases.items():
        path = os.path.join(env.dir, "bad.geojson")
        with open(path, "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": coords}}]}, f)
        r = gg.subprocess.run([gg.BIN, "plan", "--validate-geojson", path], capture_output=True, text=True)
        t.ok(r.returncode == 1 and "GeoJSON OK" not in r.stdout, "%s is refused" % what, r.stdout + r.stderr)


def city_check():
    r = cli("--check")
    t.eq(r.returncode, 3, "--check exits 3 when something is out of standard")
    for code in OLD:
        t.ok(code in r.stdout, "--check lists %s" % code)
    t.ok("华埠社区" in r.stdout and "建议拆分社区" in r.stdout, "--check lists 华埠社区 for a split")
    r = cli("--check", "--format", "json")
    chk = json.loads(r.stdout)
    t.eq(chk["grids"], 143, "the check saw the city's 143 grids")
    t.eq(sorted(g["code"] for g in chk["grids_out"]), OLD, "only 华埠社区's grids are out of standard")
    r = cli("--city", "--format", "json")
    plan = json.loads(r.stdout)
    t.eq(plan["summary"]["replanned"], 1, "a city plan re-plans only the community out of standard")


srv = env.server()
anon = srv.client()
admin = anon.login("admin", gg.DEMO_PASSWORD)


def api_plan():
    r = admin.post("/api/v1/plans", {"scope": HUABU})
    t.status(r, 201, "city admin computes a plan of 华埠社区")
    return r.body


def rollback():
    plan = api_plan()
    pid = plan["id"]
    for step in ("grids", "households", "teams", "cases", "retire", "state"):
        s2 = env.server(extra_env={"GG_PLAN_FAIL_AT": step})
        c2 = s2.client(admin.token)
        before = env.dump()
        r = c2.post("/api/v1/plans/%d/apply" % pid)
        t.error(r, 500, "apply failing at %s" % step)
        t.ok(env.dump() == before, "a failure at %s leaves every table unchanged" % step)
        t.eq(s2.stop(), 0, "server stops")
    before = env.dump()
    r = cli("--plan", str(pid), "--apply", extra_env={"GG_PLAN_FAIL_AT": "cases"})
    t.ok(r.returncode == 1 and "nothing changed" in r.stderr, "CLI apply failing at cases", r.stderr)
    t.ok(env.dump() == before, "the CLI's failed apply changed nothing")
    return pid


def apply_ok(pid):
    r = admin.get("/api/v1/plans/%d" % pid)
    t.status(r, 200, "read the plan")
    t.eq(r.body.get("state"), "preview", "the plan is a preview")
    t.ok("assignment" not in json.dumps(r.body) and "geometry" not in json.dumps(r.body),
         "the API's plan has no assignment or shapes")
    r = admin.get("/api/v1/plans/%d?format=geojson" % pid)
    t.status(r, 200, "plan as GeoJSON")
    t.ok(r.headers.get("content-type", "").startswith("application/geo+json"), "GeoJSON media type")
    fc = json.loads(r.body)
    check_geojson(fc, "API GeoJSON")
    new = [f["properties"]["code"] for f in fc["features"]]
    staff_before = dict(env.sql("SELECT place, COUNT(*) FROM staff WHERE place LIKE ? GROUP BY place",
                                (HUABU + "%",)))
    nstaff = sum(staff_before.values())
    r = admin.post("/api/v1/plans/%d/apply" % pid)
    t.status(r, 200, "apply the plan")
    t.eq(sorted(r.body.get("grids", [])), sorted(new), "the new grids")
    t.eq(sorted(r.body.get("retired", [])), OLD, "the old grids retired")
    r = admin.get("/api/v1/grids?place=" + HUABU)
    t.eq(sorted(g["code"] for g in r.body["items"]), sorted(new), "the grid list shows the new grids only")
    t.ok(all(300 <= g["households"] <= 500 for g in r.body["items"]), "every grid within bounds now")
    t.eq(env.sql("SELECT COUNT(*) FROM households WHERE place IN (%s)" % ",".join("?" * 6), OLD)[0][0], 0,
         "no household left in an old grid")
    t.eq(env.sql("SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id"
                 " WHERE r.place <> h.place")[0][0], 0, "residents follow their household")
    t.eq(env.sql("SELECT COUNT(*) FROM buildings b JOIN households h ON h.building_id = b.id"
                 " WHERE b.place <> h.place")[0][0], 0, "households follow their building")
    t.eq(env.sql("SELECT COUNT(*) FROM staff WHERE place LIKE ?", (HUABU + "%",))[0][0], nstaff,
         "no staff lost")
    t.eq(env.sql("SELECT COUNT(*) FROM staff WHERE place IN (%s)" % ",".join("?" * 6), OLD)[0][0], 0,
         "every team moved to a new grid")
    t.eq(env.sql("SELECT COUNT(*) FROM places WHERE code IN (%s) AND retired_at IS NOT NULL"
                 % ",".join("?" * 6), OLD)[0][0], 6, "old grids kept, marked retired")
    rows = dict(env.sql("SELECT id, place FROM cases WHERE id IN (?, ?, ?, ?)",
                        (OPEN1, OPEN2, CLOSED, OPEN_BY_PLACE)))
    t.ok(rows[OPEN1] in new and rows[OPEN2] in new and rows[OPEN_BY_PLACE] in new,
         "open cases moved to new grids", rows)
    t.eq(rows[CLOSED], OLD[0], "the closed case keeps the grid it was handled in")
    hb = env.sql("SELECT h.place FROM cases c JOIN households h ON h.id = c.household_id WHERE c.id = ?",
                 (OPEN1,))[0][0]
    t.eq(rows[OPEN1], hb, "an open case goes where its household went")
    t.eq(env.sql("SELECT COUNT(*) FROM case_log WHERE action = 'regrid'")[0][0], 3,
         "one regrid log row per moved case")
    t.eq(env.sql("SELECT team_grid FROM cases WHERE id = ?", (OPEN1,))[0][0], rows[OPEN1],
         "the case's team is its new grid's")
    u = dict(env.sql("SELECT login, place FROM users WHERE login IN ('huabu_worker', 'resident')"))
    t.ok(u["huabu_worker"] in new and u["resident"] in new, "grid-bound users moved", u)
    t.eq(env.sql("SELECT state FROM plans WHERE id = ?", (pid,))[0][0], "applied", "plan applied")
    r = admin.post("/api/v1/plans/%d/apply" % pid)
    t.error(r, 409, "applying twice", field="id")
    r = admin.get("/api/v1/plans/check?scope=" + HUABU)
    t.status(r, 200, "check after applying")
    t.eq(r.body.get("grids_out"), [], "no grid of 华埠社区 out of standard after applying")
    old_plan = env.sql("SELECT COUNT(*) FROM plan_buildings WHERE plan_id = ?", (pid,))[0][0]
    t.ok(old_plan > 0, "the applied plan is kept for history")


def stale_and_errors():
    plan = api_plan()
    pid = plan["id"]
    b = env.sql("SELECT id FROM buildings WHERE place LIKE ? LIMIT 1", (HUABU + "%",))[0][0]
    r = admin.patch("/api/v1/buildings/%d" % b, {"place": YUNSHAN + "001"})
    t.status(r, 200, "a building moves out of 华埠社区 after the preview")
    before = env.dump()
    r = admin.post("/api/v1/plans/%d/apply" % pid)
    t.error(r, 409, "a stale plan is refused", field="id")
    t.ok(env.dump() == before, "the refused apply changed nothing")
    r = admin.post("/api/v1/plans", {"scope": HUABU, "colour": "red"})
    t.error(r, 400, "unknown field", field="colour")
    r = admin.post("/api/v1/plans", {"scope": "15078100400"})
    t.error(r, 400, "bad scope", field="scope")
    r = admin.post("/api/v1/plans", {"scope": HUABU, "params": {"min_households": 600}})
    t.error(r, 400, "min over max", field="max_households")
    r = admin.post("/api/v1/plans", {"scope": HUABU, "params": {"min_households": "x"}})
    t.error(r, 400, "a string for a number", field="min_households")
    r = admin.get("/api/v1/plans/999999")
    t.error(r, 404, "no such plan")
    r = admin.get("/api/v1/plans/abc")
    t.error(r, 404, "a plan id that is not a number")
    r = admin.get("/api/v1/plans/%d?format=kml" % pid)
    t.error(r, 400, "unknown format", field="format")
    r = admin.post("/api/v1/plans", {"scope": HUABU, "params": {"max_households": 700,
                                                                  "split_households": 4000}})
    t.status(r, 201, "other bounds are allowed")
    if r.status == 201:
        t.ok(all(g["households"] <= 700 for g in r.body["grids"]), "the bounds given are used")
        t.eq(r.body["communities"][0]["split"]["proposed"], False, "no split under 4,000")
    r = admin.get("/api/v1/plans?scope=" + HUABU)
    t.status(r, 200, "list plans")
    t.ok(len(r.body["items"]) >= 3 and "body" not in r.body["items"][0], "plans listed without bodies")


def roles():
    street = anon.login("xinghua", gg.DEMO_PASSWORD)
    comm = anon.login("huabu", gg.DEMO_PASSWORD)
    worker = anon.login("huabu_worker", gg.DEMO_PASSWORD)
    auditor = anon.login("auditor", gg.DEMO_PASSWORD)
    r = street.post("/api/v1/plans", {"scope": HUABU})
    t.status(r, 201, "the street admin plans a community of the street")
    pid = r.body.get("id")
    r = street.post("/api/v1/plans", {"scope": YUNSHAN})
    t.error(r, 403, "the 兴华 street admin plans 云杉社区 of 南区", field="scope", code="forbidden")
    r = comm.post("/api/v1/plans", {"scope": HUABU})
    t.error(r, 403, "a community admin cannot plan", code="forbidden")
    r = comm.get("/api/v1/plans/%d" % pid)
    t.status(r, 200, "the community admin reads its community's plan")
    r = comm.post("/api/v1/plans/%d/apply" % pid)
    t.error(r, 403, "a community admin cannot apply", code="forbidden")
    r = worker.get("/api/v1/plans")
    t.error(r, 403, "a grid worker sees no plans", code="forbidden")
    r = auditor.get("/api/v1/plans/%d" % pid)
    t.status(r, 200, "the auditor reads plans")
    r = auditor.post("/api/v1/plans/%d/apply" % pid)
    t.error(r, 403, "the auditor cannot apply", code="forbidden")
    y = admin.post("/api/v1/plans", {"scope": YUNSHAN}).body
    r = street.get("/api/v1/plans/%d" % y["id"])
    t.error(r, 404, "the 兴华 street admin cannot see a plan of 云杉社区")
    r = street.post("/api/v1/plans/%d/apply" % y["id"])
    t.error(r, 404, "nor apply it")


t.run(cli_preview)
t.run(bad_geojson)
t.run(city_check)
t.run(roles)
pid = rollback()
t.run(apply_ok, pid)
t.run(stale_and_errors)
t.status(anon.get("/healthz"), 200, "healthz at the end")
t.finish()
