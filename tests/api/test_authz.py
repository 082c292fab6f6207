"""test_authz.py — the authorisation matrix, place scopes and authentication.

Every role, bound to a real place of Manzhouli, calls every endpoint; the
expected answer comes from the table EXPECT below, written out by hand from
the permission matrix in src/core/authz.c (not computed from it), so that a
change of the matrix shows up here as a failing check and has to be made in
both places on purpose.
"""

import os
import time

import gg
from gg import COUNTY, HUABU, XINGHUA, YUNSHAN

t = gg.Checks()

ROLES = ["city_admin", "street_admin", "community_admin", "grid_chief", "grid_worker",
         "dept_handler", "resident", "auditor"]

# Letters: R read (list and one), C create, U update, X export (?format=csv),
# I see full ID numbers (?reveal=1), P see full phones (?reveal=1).
# One column per role, in the order of ROLES above.
#                  city      street    community chief     worker  dept resident auditor
EXPECT = {
    "places":       ["RCU",   "RCU",    "RU",     "R",      "R",    "R", "R",     "RX"],
    "grids":        ["RCUXIP", "RCUXIP", "RCUXIP", "R",     "R",    "",  "",      "RX"],
    "teams":        ["RX",    "RX",     "RX",     "R",      "R",    "",  "",      "RX"],
    "estates":      ["RCUXIP", "RCUXIP", "RCUXIP", "RU",    "R",    "",  "",      "RX"],
    "buildings":    ["RCUXIP", "RCUXIP", "RCUXIP", "RCU",   "R",    "",  "",      "RX"],
    "households":   ["RCUXIP", "RCUXIP", "RCUXIP", "RCUXP", "RCUP", "",  "",      "RXIP"],
    "residents":    ["RCUXIP", "RCUXIP", "RCUXIP", "RCUXIP", "RCUP", "", "",      "RXIP"],
    "owners":       ["RCUXIP", "RCUXIP", "RCUXIP", "RCUXIP", "RCUP", "", "",      "RXIP"],
    "staff":        ["RCUXIP", "RCUXIP", "RCUXIP", "RCUP",  "RP",   "",  "",      "RXIP"],
    "paired_units": ["RCUXIP", "RCUXIP", "RCUXIP", "R",     "R",    "",  "",      "RX"],
    "enterprises":  ["RCUXIP", "RCUXIP", "RCUXIP", "R",     "R",    "",  "",      "RX"],
    "users":        ["RCU",   "RCU",    "RCU",    "",       "",     "",  "",      "R"],
    "audit":        ["RX",    "RX",     "RX",     "",       "",     "",  "",      "RX"],
    "apikeys":      ["RCU",   "",       "",       "",       "",     "",  "",      "R"],
    "photos":       ["RC",    "RC",     "RC",     "RC",     "RC",   "RC", "RC",   "R"],
    # plans: C computes a preview, U applies it
    "plans":        ["RCU",   "RCU",    "R",      "",       "",     "",  "",      "R"],
    "indicators":   ["RX",    "RX",     "RX",     "RX",     "R",    "R", "",      "RX"],
}


def may(role, resource, letter):
    return letter in EXPECT[resource][ROLES.index(role)]


env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
G1 = gg.make_grid(city, HUABU)      # 150781004004001
G2 = gg.make_grid(city, HUABU)      # 150781004004002
GY = gg.make_grid(city, YUNSHAN)    # 150781002001001

XINGHUA_EMPTY = "150781004001"  # 兴华街道's first community, left without buildings
PLACE_OF = {"city_admin": COUNTY, "street_admin": XINGHUA, "community_admin": HUABU,
            "grid_chief": G1, "grid_worker": G1, "dept_handler": COUNTY, "resident": G1,
            "auditor": COUNTY}
C = {"city_admin": city}
for role in ROLES[1:]:
    r = city.post("/api/v1/users", {"login": role, "password": gg.PASSWORD, "role": role,
                                    "place": PLACE_OF[role]})
    if r.status != 201:
        raise SystemExit("cannot create %s: %s %s" % (role, r.status, r.body))
    C[role] = anon.login(role)
# A department handler reads the indicators of its own department only: give it one.
env.write("UPDATE users SET department = '热力公司' WHERE login = 'dept_handler'")

# One row of every resource in grid 1 of 华埠社区 (or in 华埠社区 itself for the
# resources bound to a community), and a household in 云杉社区 for the scope tests.
ID1, ID_STAFF, ID_OWNER = gg.id_number(1), gg.id_number(2), gg.id_number(3)
O = {}
O["estates"] = gg.create(city, "estates", {"place": G1, "name": "华埠小区"})
O["buildings"] = gg.create(city, "buildings", {"place": G1, "estate_id": O["estates"]["id"],
                                               "name": "1号楼", "lat": 49.59, "lon": 117.43})
O["households"] = gg.create(city, "households", {"building_id": O["buildings"]["id"], "room": "101",
                                                 "area_centi": "88.00"})
O["residents"] = gg.create(city, "residents", {"household_id": O["households"]["id"], "name": "张三",
                                               "id_number": ID1, "phone": "13812345678"})
O["owners"] = gg.create(city, "owners", {"household_id": O["households"]["id"], "kind": "person",
                                         "name": "张三", "id_number": ID_OWNER})
O["staff"] = gg.create(city, "staff", {"place": G1, "name": "李网格", "role": "fulltime",
                                       "phone": "13912345678", "id_number": ID_STAFF})
O["paired_units"] = gg.create(city, "paired_units", {"place": HUABU, "name": "市财政局", "phone": "13612345678"})
O["enterprises"] = gg.create(city, "enterprises", {"place": HUABU, "name": "口岸贸易公司"})
B2 = gg.create(city, "buildings", {"place": G2, "name": "2号楼", "lat": 49.6, "lon": 117.44})
H2 = gg.create(city, "households", {"building_id": B2["id"], "room": "201", "area_centi": 7000})
BY = gg.create(city, "buildings", {"place": GY, "name": "云杉1号楼", "lat": 49.58, "lon": 117.42})
HY = gg.create(city, "households", {"building_id": BY["id"], "room": "101", "area_centi": 8000})
RY = gg.create(city, "residents", {"household_id": HY["id"], "name": "云杉居民", "phone": "13700001234"})
EY = gg.create(city, "estates", {"place": YUNSHAN, "name": "云杉小区"})


def visible(role, place):
    """The row's place lies in the role's subtree."""
    return place.startswith(PLACE_OF[role])


def create_body(resource, role):
    n = ROLES.index(role)
    return {
        "estates": {"place": G1, "name": "%s的小区" % role},
        "buildings": {"place": G1, "name": "%s号楼" % role, "lat": 49.5, "lon": 117.4},
        "households": {"building_id": O["buildings"]["id"], "room": "9%02d" % n, "area_centi": 5000},
        "residents": {"household_id": O["households"]["id"], "name": "居民%d" % n},
        "owners": {"household_id": O["households"]["id"], "kind": "organisation",
                   "name": "单位%d" % n, "org_code": "ORG%d" % n},
        "staff": {"place": G1, "name": "志愿者%d" % n, "role": "volunteer"},
        "paired_units": {"place": HUABU, "name": "包联单位%d" % n},
        "enterprises": {"place": HUABU, "name": "企业%d" % n},
    }[resource]


UPDATE_BODY = {
    "estates": {"address": "华埠路1号"}, "buildings": {"floors": 6},
    "households": {"address": "1号楼101"}, "residents": {"relation": "head"},
    "owners": {"handed_over": True}, "staff": {"on_duty": True},
    "paired_units": {"contact": "王科长"}, "enterprises": {"industry": "trade"},
}


def expect(resp, allowed, what, ok_status, scoped=True):
    """allowed and in scope -> ok_status; allowed but outside -> 404; else 403."""
    if allowed and scoped:
        return t.status(resp, ok_status, what)
    if allowed:
        return t.error(resp, 404, what, code="not_found")
    return t.error(resp, 403, what, code="forbidden")


def registry_matrix(role):
    c = C[role]
    for res in gg.REGISTRY:
        obj = O[res]
        seen = visible(role, obj["place"])
        r = c.get("/api/v1/" + res)
        expect(r, may(role, res, "R"), "%s list %s" % (role, res), 200)
        if r.status == 200:
            ids = [x["id"] for x in r.body["items"]]
            t.eq(obj["id"] in ids, seen, "%s list %s shows the row iff in scope" % (role, res))
        r = c.get("/api/v1/%s/%d" % (res, obj["id"]))
        expect(r, may(role, res, "R"), "%s read %s" % (role, res), 200, seen)
        r = c.patch("/api/v1/%s/%d" % (res, obj["id"]), UPDATE_BODY[res])
        expect(r, may(role, res, "U"), "%s update %s" % (role, res), 200, seen)
        r = c.post("/api/v1/" + res, create_body(res, role))
        expect(r, may(role, res, "C"), "%s create %s" % (role, res), 201)
        r = c.get("/api/v1/%s?format=csv" % res)
        expect(r, may(role, res, "R") and may(role, res, "X"), "%s export %s" % (role, res), 200)
        # reveal: needs read and at least one of I/P; shows exactly what the role may see
        r = c.get("/api/v1/%s/%d?reveal=1" % (res, obj["id"]))
        can = may(role, res, "R") and (may(role, res, "I") or may(role, res, "P"))
        expect(r, can, "%s reveal %s" % (role, res), 200, seen)
        if r.status == 200:
            full = {"residents": (ID1, "13812345678"), "owners": (ID_OWNER, None),
                    "staff": (ID_STAFF, "13912345678"), "paired_units": (None, "13612345678")}.get(res)
            if full:
                idn, phone = full
                if idn:
                    t.eq(r.body.get("id_number") == idn, may(role, res, "I"),
                         "%s reveal %s: ID number shown iff allowed" % (role, res))
                if phone:
                    t.eq(r.body.get("phone") == phone, may(role, res, "P"),
                         "%s reveal %s: phone shown iff allowed" % (role, res))
        r = c.get("/api/v1/%s/%d" % (res, obj["id"]))
        if r.status == 200:
            text = gg.short(r.body, 100000)
            t.ok(ID1 not in text and ID_OWNER not in text and ID_STAFF not in text
                 and "13812345678" not in text and "13912345678" not in text,
                 "%s read %s without reveal is masked" % (role, res), text)


def other_matrix(role):
    c = C[role]
    n = ROLES.index(role)
    r = c.get("/api/v1/me")
    t.status(r, 200, "%s me" % role)
    t.eq((r.body.get("role"), r.body.get("place")), (role, PLACE_OF[role]), "%s me says who" % role)
    # users
    r = c.get("/api/v1/users")
    expect(r, may(role, "users", "R"), "%s list users" % role, 200)
    r = c.post("/api/v1/users", {"login": "made-by-%s" % role, "password": gg.PASSWORD,
                                 "role": "grid_worker", "place": G1})
    expect(r, may(role, "users", "C"), "%s create user" % role, 201)
    # audit
    r = c.get("/api/v1/audit")
    expect(r, may(role, "audit", "R"), "%s read audit" % role, 200)
    r = c.get("/api/v1/audit?format=csv")
    expect(r, may(role, "audit", "R") and may(role, "audit", "X"), "%s export audit" % role, 200)
    # API keys
    r = c.post("/api/v1/apikeys", {"name": "key of %s" % role})
    expect(r, may(role, "apikeys", "C"), "%s create API key" % role, 201)
    kid = city.post("/api/v1/apikeys", {"name": "to revoke by %s" % role}).body["id"]
    r = c.delete("/api/v1/apikeys/%d" % kid)
    expect(r, may(role, "apikeys", "U"), "%s revoke API key" % role, 200)
    t.eq(env.sql("SELECT revoked FROM api_keys WHERE id = ?", (kid,))[0][0],
         1 if may(role, "apikeys", "U") else 0, "%s: the key is revoked iff allowed" % role)
    # grids and teams
    r = c.get("/api/v1/grids")
    expect(r, may(role, "grids", "R"), "%s list grids" % role, 200)
    r = c.get("/api/v1/grids/" + G1)
    expect(r, may(role, "grids", "R"), "%s read grid" % role, 200)
    r = c.get("/api/v1/grids?format=csv")
    expect(r, may(role, "grids", "R") and may(role, "grids", "X"), "%s export grids" % role, 200)
    r = c.post("/api/v1/grids", {"community": HUABU, "name": "新网格%d" % n})
    expect(r, may(role, "grids", "C"), "%s create grid" % role, 201)
    r = c.get("/api/v1/teams")
    expect(r, may(role, "teams", "R"), "%s list teams" % role, 200)
    # grid plans: a preview of 华埠社区; applied, one of a community of 兴华街道
    # without buildings (so that applying moves nothing the other checks use)
    r = c.get("/api/v1/plans")
    expect(r, may(role, "plans", "R"), "%s list plans" % role, 200)
    r = c.post("/api/v1/plans", {"scope": HUABU})
    expect(r, may(role, "plans", "C"), "%s compute a plan" % role, 201)
    pid = city.post("/api/v1/plans", {"scope": HUABU}).body["id"]
    r = c.get("/api/v1/plans/%d" % pid)
    expect(r, may(role, "plans", "R"), "%s read a plan" % role, 200, visible(role, HUABU))
    pid = city.post("/api/v1/plans", {"scope": XINGHUA_EMPTY}).body["id"]
    r = c.post("/api/v1/plans/%d/apply" % pid)
    expect(r, may(role, "plans", "U"), "%s apply a plan" % role, 200, visible(role, XINGHUA_EMPTY))
    # places
    r = c.get("/api/v1/places")
    expect(r, may(role, "places", "R"), "%s list places" % role, 200)
    r = c.get("/api/v1/places/" + G1)
    expect(r, may(role, "places", "R"), "%s read place" % role, 200)
    r = c.get("/api/v1/places/%s/children" % HUABU)
    expect(r, may(role, "places", "R"), "%s children of a place" % role, 200)
    # photos: upload (reading is per photo: tests/api/test_photos.py)
    body, ctype = gg.multipart([("photo", "p.png", "image/png", gg.png(1, 1, (n, n, n)))])
    r = c.post("/api/v1/photos", body, headers={"Content-Type": ctype})
    expect(r, may(role, "photos", "C"), "%s uploads a photo" % role, 201)
    if r.status == 201:
        t.status(c.get(r.body["items"][0]["url"]), 200, "%s reads its own upload" % role)
    # indicators (in the role's own area)
    r = c.get("/api/v1/indicators")
    expect(r, may(role, "indicators", "R"), "%s read indicators" % role, 200)
    r = c.get("/api/v1/indicators?format=csv")
    expect(r, may(role, "indicators", "R") and may(role, "indicators", "X"),
           "%s export indicators" % role, 200)


def scopes():
    ca = C["community_admin"]
    for res, obj in (("households", HY), ("residents", RY), ("estates", EY), ("buildings", BY)):
        r = ca.get("/api/v1/%s/%d" % (res, obj["id"]))
        t.error(r, 404, "华埠 admin reads a %s of 云杉社区" % res, code="not_found")
        r = ca.patch("/api/v1/%s/%d" % (res, obj["id"]), UPDATE_BODY[res])
        t.error(r, 404, "华埠 admin updates a %s of 云杉社区" % res, code="not_found")
        r = ca.get("/api/v1/%s/%d?reveal=1" % (res, obj["id"]))
        t.error(r, 404, "华埠 admin reveals a %s of 云杉社区" % res)
    t.eq(env.sql("SELECT address FROM households WHERE id = ?", (HY["id"],))[0][0], "",
         "the 云杉 household was not changed")
    r = ca.get("/api/v1/households?limit=500")
    t.ok(HY["id"] not in [x["id"] for x in r.body["items"]], "华埠 admin's list leaves out 云杉")
    for res, body in (("estates", {"place": YUNSHAN, "name": "越界小区"}),
                      ("estates", {"place": GY, "name": "越界小区"}),
                      ("staff", {"place": GY, "name": "越界", "role": "volunteer"}),
                      ("paired_units", {"place": YUNSHAN, "name": "越界单位"}),
                      ("enterprises", {"place": "150781002", "name": "越界企业"}),
                      ("buildings", {"place": GY, "name": "越界楼", "lat": 49.0, "lon": 117.0})):
        before = env.count(res)
        r = ca.post("/api/v1/" + res, body)
        t.error(r, 403, "华埠 admin creates %s in %s" % (res, body["place"]), field="place", code="forbidden")
        t.eq(env.count(res), before, "nothing written by the refused %s" % res)
    r = ca.post("/api/v1/households", {"building_id": BY["id"], "room": "999", "area_centi": 100})
    t.error(r, 422, "华埠 admin creates a household in a 云杉 building", field="building_id")
    r = ca.post("/api/v1/residents", {"household_id": HY["id"], "name": "越界"})
    t.error(r, 422, "华埠 admin creates a resident in a 云杉 household", field="household_id")
    r = ca.patch("/api/v1/estates/%d" % O["estates"]["id"], {"place": YUNSHAN})
    t.error(r, 403, "华埠 admin moves an estate to 云杉", field="place")
    r = ca.patch("/api/v1/buildings/%d" % O["buildings"]["id"], {"estate_id": EY["id"]})
    t.error(r, 422, "华埠 admin links a building to a 云杉 estate", field="estate_id")
    r = ca.post("/api/v1/grids", {"community": YUNSHAN})
    t.error(r, 403, "华埠 admin creates a grid in 云杉", field="community")
    r = ca.get("/api/v1/grids/" + GY)
    t.error(r, 404, "华埠 admin reads a 云杉 grid")
    r = ca.get("/api/v1/grids?place=" + YUNSHAN)
    t.error(r, 403, "华埠 admin lists 云杉 grids", field="place")
    r = ca.get("/api/v1/places/" + YUNSHAN)
    t.error(r, 404, "华埠 admin reads the place 云杉社区")
    r = ca.get("/api/v1/places/" + XINGHUA)
    t.status(r, 200, "华埠 admin sees its street as an ancestor")
    r = ca.get("/api/v1/places/%s/children" % XINGHUA)
    t.eq([p["code"] for p in r.body.get("items", [])], [HUABU], "an ancestor's children: only the own branch")
    r = ca.post("/api/v1/users", {"login": "x1", "password": gg.PASSWORD, "role": "grid_worker", "place": GY})
    t.error(r, 403, "华埠 admin creates a user in 云杉", field="role")
    r = ca.post("/api/v1/users", {"login": "x2", "password": gg.PASSWORD, "role": "street_admin",
                                  "place": XINGHUA})
    t.error(r, 403, "community admin creates a street admin", field="role")
    r = ca.post("/api/v1/users", {"login": "x3", "password": gg.PASSWORD, "role": "auditor", "place": HUABU})
    t.error(r, 403, "community admin creates an auditor", field="role")
    r = ca.post("/api/v1/users", {"login": "x4", "password": gg.PASSWORD, "role": "grid_worker", "place": HUABU})
    t.error(r, 403, "a grid worker bound to a community", field="role")
    r = C["street_admin"].post("/api/v1/users", {"login": "x5", "password": gg.PASSWORD,
                                                 "role": "city_admin", "place": COUNTY})
    t.error(r, 403, "street admin creates a city admin", field="role")
    t.eq(env.sql("SELECT COUNT(*) FROM users WHERE login LIKE 'x_'")[0][0], 0, "no refused user written")
    # the street admin of 兴华街道 does not see 南区街道
    sa = C["street_admin"]
    r = sa.get("/api/v1/households/%d" % HY["id"])
    t.error(r, 404, "兴华 street admin reads a 南区 household")
    r = sa.get("/api/v1/households/%d" % H2["id"])
    t.status(r, 200, "兴华 street admin reads a 华埠 household")
    # grid-bound roles do not see the next grid
    for role in ("grid_chief", "grid_worker"):
        c = C[role]
        r = c.get("/api/v1/households/%d" % H2["id"])
        t.error(r, 404, "%s of grid 1 reads a household of grid 2" % role)
        r = c.patch("/api/v1/households/%d" % H2["id"], {"address": "x"})
        t.error(r, 404, "%s of grid 1 updates a household of grid 2" % role)
        r = c.post("/api/v1/households", {"building_id": B2["id"], "room": "x%s" % role, "area_centi": 100})
        t.error(r, 422, "%s of grid 1 creates a household in grid 2" % role, field="building_id")
        r = c.get("/api/v1/grids/" + G2)
        t.error(r, 404, "%s of grid 1 reads grid 2" % role)
        r = c.get("/api/v1/places/" + G2)
        t.error(r, 404, "%s of grid 1 reads the place grid 2" % role)
        r = c.get("/api/v1/households?limit=500")
        t.ok(H2["id"] not in [x["id"] for x in r.body["items"]], "%s list leaves out grid 2" % role)
    r = C["grid_chief"].post("/api/v1/buildings", {"place": G2, "name": "越界楼", "lat": 49.0, "lon": 117.0})
    t.error(r, 403, "grid chief creates a building in grid 2", field="place")
    # the audit log of a community shows only entries of its places
    r = ca.get("/api/v1/audit?limit=500")
    t.ok(all(a["place"].startswith(HUABU) for a in r.body["items"]),
         "community admin's audit log is its community's", {a["place"] for a in r.body["items"]})
    r = C["auditor"].get("/api/v1/audit?limit=500")
    t.ok(any(a["place"].startswith(YUNSHAN) for a in r.body["items"]), "the city auditor sees everything")


ENDPOINTS = [("GET", "/api/v1/me"), ("DELETE", "/api/v1/session"), ("GET", "/api/v1/users"),
             ("POST", "/api/v1/users"), ("GET", "/api/v1/audit"), ("POST", "/api/v1/apikeys"),
             ("DELETE", "/api/v1/apikeys/1"),
             ("GET", "/api/v1/grids"), ("POST", "/api/v1/grids"), ("GET", "/api/v1/grids/" + G1),
             ("GET", "/api/v1/teams"), ("GET", "/api/v1/places"), ("GET", "/api/v1/places/" + HUABU),
             ("GET", "/api/v1/places/%s/children" % HUABU), ("POST", "/api/v1/photos"),
             ("GET", "/api/v1/photos/" + "0" * 64), ("GET", "/api/v1/plans"),
             ("POST", "/api/v1/plans"), ("GET", "/api/v1/plans/1"),
             ("POST", "/api/v1/plans/1/apply"),
             ("GET", "/api/v1/indicators")]
for res in gg.REGISTRY:
    ENDPOINTS += [("GET", "/api/v1/" + res), ("POST", "/api/v1/" + res),
                  ("GET", "/api/v1/%s/%d" % (res, O[res]["id"])),
                  ("PATCH", "/api/v1/%s/%d" % (res, O[res]["id"])),
                  ("PUT", "/api/v1/%s/%d" % (res, O[res]["id"]))]


def unauthenticated():
    before = env.counts()
    for method, path in ENDPOINTS:
        body = {"name": "x"} if method in ("POST", "PATCH", "PUT") else None
        r = anon.request(method, path, body)
        t.error(r, 401, "no credentials: %s %s" % (method, path), code="unauthenticated")
    after = env.counts()
    t.eq(after, before, "unauthenticated requests wrote nothing")
    r = anon.get("/healthz")
    t.status(r, 200, "healthz needs no login")
    # Open311 reads are public (GeoReport v2); filing needs an API key, not a login
    for path in ("discovery.json", "services.xml", "services/sanitation.json", "requests.json"):
        t.status(anon.get("/open311/v2/" + path), 200, "Open311 %s needs no login" % path)
    r = anon.post("/open311/v2/requests.json", b"service_code=sanitation&lat=49.59&long=117.43",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.status(r, 403, "Open311 filing without an API key")
    r = anon.post("/open311/v2/requests.json", b"service_code=sanitation&lat=49.59&long=117.43",
                  headers={"Content-Type": "application/x-www-form-urlencoded"}, token=city.token)
    t.status(r, 403, "Open311 filing with a session instead of an API key")


def bad_tokens():
    real = city.token
    flipped = real[:-1] + ("0" if real[-1] != "0" else "1")
    bad = {
        "garbage": {"Authorization": "Bearer garbage"},
        "random 64 hex": {"Authorization": "Bearer " + os.urandom(32).hex()},
        "flipped last digit": {"Authorization": "Bearer " + flipped},
        "upper-cased token": {"Authorization": "Bearer " + real.upper()},
        "token with a suffix": {"Authorization": "Bearer " + real + "0"},
        "empty bearer": {"Authorization": "Bearer "},
        "basic auth": {"Authorization": "Basic Y2l0eTpjb3JyZWN0LWhvcnNlLTE="},
        "bad API key": {"Authorization": "Bearer gk_" + os.urandom(32).hex()},
        "bad X-Api-Key": {"X-Api-Key": "gk_" + os.urandom(32).hex()},
        "garbage cookie": {"Cookie": "gg_session=garbage"},
        "random cookie": {"Cookie": "gg_session=" + os.urandom(32).hex()},
    }
    for what, headers in bad.items():
        for method, path in (("GET", "/api/v1/me"), ("GET", "/api/v1/households"),
                             ("POST", "/api/v1/estates")):
            body = {"place": G1, "name": "x"} if method == "POST" else None
            r = anon.request(method, path, body, headers=headers)
            t.error(r, 401, "%s: %s %s" % (what, method, path), code="unauthenticated")
    r = anon.get("/api/v1/me", headers={"Authorization": "Bearer " + real})
    t.status(r, 200, "the real token still works")


def expired_tokens():
    """Sessions live GG_SESSION_TTL (12 h): a second server whose clock is pinned
    (GG_TEST_NOW) just before and just after that accepts and refuses the token."""
    c = anon.login("auditor")
    ttl = 12 * 3600
    now = int(time.time())
    for offset, want in ((ttl - 120, 200), (ttl + 120, 401), (10 * ttl, 401)):
        s2 = env.server(extra_env={"GG_TEST_NOW": str(now + offset)})
        r = s2.client(c.token).get("/api/v1/me")
        if want == 200:
            t.status(r, 200, "a session %d s old is still valid" % offset)
        else:
            t.error(r, 401, "a session %d s old has expired" % offset, code="unauthenticated")
        r = s2.client(c.token).get("/api/v1/households")
        t.status(r, want, "expired-or-not session on a list, %d s" % offset)
        t.eq(s2.stop(), 0, "second server stops cleanly")
    # and directly in the database: a row past its expiry
    con = __import__("sqlite3").connect(env.db, timeout=10)
    con.execute("UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE login = 'auditor')",
                (now - 1,))
    con.commit()
    con.close()
    r = c.get("/api/v1/me")
    t.error(r, 401, "a session past expires_at", code="unauthenticated")


for role in ROLES:
    t.run(registry_matrix, role)
    t.run(other_matrix, role)
t.run(scopes)
t.run(unauthenticated)
t.run(bad_tokens)
t.run(expired_tokens)
t.status(anon.get("/healthz"), 200, "healthz at the end")
t.finish()
