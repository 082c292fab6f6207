"""test_registry.py — create, read, update, list, page, search, filter, mask,
reveal and export every registry resource, and the places, grids, teams and
users endpoints, against the real binary with the real places of Manzhouli.
"""

import csv
import io

import gg
from gg import HUABU, YUNSHAN, XINGHUA, COUNTY, mask_id, mask_phone

t = gg.Checks()
env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
W = {}  # ids and codes made along the way

# ---------------------------------------------------------------- places


def places():
    r = city.get("/api/v1/places?level=street")
    t.status(r, 200, "places level=street")
    names = {p["code"]: p["name"] for p in r.body["items"]}
    t.eq(names.get(XINGHUA), "兴华街道", "兴华街道 listed among the streets")
    t.ok(all(p["level"] == 4 for p in r.body["items"]), "only streets listed")
    t.ok(len(r.body["items"]) >= 5, "Manzhouli has at least 5 streets", len(r.body["items"]))
    r = city.get("/api/v1/places?level=community&parent=" + XINGHUA)
    t.status(r, 200, "communities of 兴华街道")
    codes = [p["code"] for p in r.body["items"]]
    t.ok(HUABU in codes, "华埠社区 is a community of 兴华街道", codes)
    t.ok(all(c.startswith(XINGHUA) for c in codes), "only 兴华街道's communities", codes)
    r = city.get("/api/v1/places?q=" + "华埠")
    t.status(r, 200, "places q=华埠")
    t.ok(any(p["code"] == HUABU for p in r.body["items"]), "search finds 华埠社区")
    r = city.get("/api/v1/places/" + HUABU)
    t.status(r, 200, "GET place 华埠社区")
    t.eq(r.body.get("short_name"), "华埠社区", "short name of 华埠社区")
    t.eq(r.body.get("parent"), XINGHUA, "parent of 华埠社区")
    t.eq(r.body.get("level"), 5, "level of 华埠社区")
    r = city.get("/api/v1/places/150781004")
    t.eq(r.body.get("name"), "兴华街道", "GET place 兴华街道")
    r = city.get("/api/v1/places/150781004999")
    t.error(r, 404, "unknown community", code="not_found")
    r = city.get("/api/v1/places/abc")
    t.error(r, 404, "malformed place code")
    r = city.get("/api/v1/places?level=planet")
    t.error(r, 400, "bad level", field="level")


# ---------------------------------------------------------------- grids and teams


def grids():
    r = city.post("/api/v1/grids", {"community": HUABU})
    t.status(r, 201, "create grid 1 of 华埠社区")
    t.eq(r.body.get("code"), HUABU + "001", "first grid code is the community code + 001")
    t.eq(r.body.get("name"), "华埠社区第1网格", "default grid name")
    t.eq(r.body.get("parent"), HUABU, "grid parent")
    t.eq(r.body.get("level"), 6, "grid level")
    r = city.post("/api/v1/grids", {"community": HUABU, "name": "华埠东网格"})
    t.status(r, 201, "create grid 2 with a name")
    t.eq(r.body.get("code"), HUABU + "002", "second grid numbered after the first")
    t.eq(r.body.get("name"), "华埠东网格", "given grid name kept")
    W["g1"], W["g2"] = HUABU + "001", HUABU + "002"
    W["gy"] = gg.make_grid(city, YUNSHAN)
    t.eq(W["gy"], YUNSHAN + "001", "grid of 云杉社区")
    r = city.post("/api/v1/grids", {"community": "150781004999"})
    t.error(r, 422, "grid in a community that does not exist", field="community")
    r = city.post("/api/v1/grids", {"community": "150781004"})
    t.error(r, 400, "grid under a street", field="community")
    r = city.get("/api/v1/places/%s/children" % HUABU)
    t.status(r, 200, "children of 华埠社区")
    t.eq([p["code"] for p in r.body["items"]], [W["g1"], W["g2"]], "grids are the children")
    r = city.get("/api/v1/places?level=grid&parent=" + HUABU)
    t.eq([p["code"] for p in r.body["items"]], [W["g1"], W["g2"]], "places level=grid parent")


def grid_stats():
    r = city.get("/api/v1/grids?place=" + HUABU)
    t.status(r, 200, "grids of 华埠社区")
    by = {g["code"]: g for g in r.body["items"]}
    t.eq(set(by), {W["g1"], W["g2"]}, "only 华埠's grids")
    g1 = by.get(W["g1"], {})
    t.eq(g1.get("households"), W["n_households_g1"], "household count of grid 1")
    t.eq(g1.get("residents"), W["n_residents_g1"], "resident count of grid 1")
    t.eq(g1.get("buildings"), W["n_buildings_g1"], "building count of grid 1")
    t.eq(g1.get("community"), HUABU, "grid's community")
    r = city.get("/api/v1/grids/" + W["g1"])
    t.status(r, 200, "GET one grid")
    t.eq(r.body.get("households"), W["n_households_g1"], "one grid's household count")
    r = city.get("/api/v1/grids/" + HUABU + "009")
    t.error(r, 404, "grid that does not exist")
    r = city.get("/api/v1/teams?place=" + HUABU)
    t.status(r, 200, "teams of 华埠社区")
    teams = {x["grid"]: x for x in r.body["items"]}
    team = teams.get(W["g1"], {})
    t.eq((team.get("grid_chief"), team.get("fulltime"), team.get("parttime"), team.get("volunteers")),
         (1, 1, 1, 1), "1+2+X team of grid 1 counted by staff role")
    t.eq(team.get("complete"), True, "grid 1's team is complete")
    t.eq(teams.get(W["g2"], {}).get("complete"), False, "grid 2 has no team")
    r = city.get("/api/v1/grids?place=" + HUABU + "&format=csv")
    t.status(r, 200, "grids export")
    t.ok(r.body.startswith(b"\xef\xbb\xbf"), "grids CSV starts with a BOM")


# ---------------------------------------------------------------- CRUD helper


def crud(resource, body, echo, update, update_echo=None):
    """Create (201 + echo), read, update (PATCH) one row; returns its id."""
    r = city.post("/api/v1/" + resource, body)
    if not t.status(r, 201, "create " + resource):
        return None
    row = r.body
    for k, v in echo.items():
        t.eq(row.get(k), v, "create %s echoes %s" % (resource, k))
    t.ok(isinstance(row.get("id"), int) and row["id"] > 0, "create %s gives an id" % resource)
    for k in ("created_at", "updated_at"):
        t.ok(isinstance(row.get(k), int), "create %s has %s" % (resource, k))
    t.ok("id_tail" not in row and "phone_tail" not in row, "%s hides the search tails" % resource)
    rid = row["id"]
    r = city.get("/api/v1/%s/%d" % (resource, rid))
    t.status(r, 200, "read " + resource)
    t.eq(r.body, row, "read %s equals the create answer" % resource)
    r = city.patch("/api/v1/%s/%d" % (resource, rid), update)
    t.status(r, 200, "update " + resource)
    for k, want in (update_echo or update).items():
        t.eq(r.body.get(k), want, "update %s sets %s" % (resource, k))
    for k, v in echo.items():
        if k not in update and k not in ("area",):
            t.eq(r.body.get(k), v, "update %s keeps %s" % (resource, k))
    r2 = city.get("/api/v1/%s/%d" % (resource, rid))
    t.eq(r2.body, r.body, "read after update %s equals the update answer" % resource)
    r = city.put("/api/v1/%s/%d" % (resource, rid), update)
    t.status(r, 200, "PUT is a synonym of PATCH on " + resource)
    r = city.get("/api/v1/%s/%d" % (resource, rid + 100000))
    t.error(r, 404, "read a missing %s" % resource, code="not_found")
    r = city.patch("/api/v1/%s/%d" % (resource, rid + 100000), update)
    t.error(r, 404, "update a missing %s" % resource)
    return rid


def page_all(resource, query, limit, want_ids, what):
    """Walk a list with limit + after; no duplicates, no gaps, ordered, next ends."""
    seen, after, pages = [], None, 0
    base = "/api/v1/%s?%slimit=%d" % (resource, query + "&" if query else "", limit)
    while True:
        r = city.get(base + ("&after=" + after if after else ""))
        if not t.status(r, 200, "%s page %d" % (what, pages + 1)):
            return
        items = r.body["items"]
        pages += 1
        t.ok(len(items) <= limit, "%s page %d within limit" % (what, pages), len(items))
        seen += [x["id"] for x in items]
        after = r.body.get("next")
        if after is None:
            break
        t.ok(isinstance(after, str) and after, "%s next is an opaque string" % what, after)
        t.eq(len(items), limit, "%s full page before next" % what)
        if pages > 100:
            t.ok(False, "%s paging does not end" % what)
            return
    t.eq(len(seen), len(set(seen)), "%s: no duplicates across pages" % what)
    t.eq(sorted(seen), sorted(want_ids), "%s: no gaps across pages" % what)
    t.eq(seen, sorted(seen), "%s: ordered by id" % what)
    t.eq(pages, max(1, -(-len(want_ids) // limit)), "%s: number of pages" % what)


def ids_of(r):
    return sorted(x["id"] for x in r.body["items"]) if r.status == 200 else ("status", r.status)


# ---------------------------------------------------------------- resources


def estates():
    body = {"place": HUABU, "name": "华埠小区", "address": "满洲里市兴华街道华埠路1号",
            "developer": "满洲里华埠房地产开发有限公司", "property_company": "华埠物业"}
    W["estate"] = crud("estates", body, dict(body), {"address": "满洲里市兴华街道华埠路2号"})
    ids = [W["estate"]]
    for i in range(9):
        ids.append(gg.create(city, "estates", {"place": W["g1"] if i % 2 else HUABU,
                                               "name": "测试小区%d" % i, "address": "华埠路%d号" % (10 + i)})["id"])
    yid = gg.create(city, "estates", {"place": YUNSHAN, "name": "云杉小区", "address": "南区云杉路"})["id"]
    W["estate_ids"] = ids + [yid]
    page_all("estates", "", 3, W["estate_ids"], "estates limit=3")
    page_all("estates", "place=" + HUABU, 4, ids, "estates of 华埠 limit=4")
    r = city.get("/api/v1/estates?place=" + W["g1"])
    t.eq(ids_of(r), sorted(ids[2::2]), "estates place=grid 1")
    r = city.get("/api/v1/estates?q=云杉")
    t.eq(ids_of(r), [yid], "estates q= name")
    r = city.get("/api/v1/estates?q=华埠路2号")
    t.eq(ids_of(r), [W["estate"]], "estates q= address")
    r = city.get("/api/v1/estates?q=%25")
    t.eq(ids_of(r), [], "q=% is a literal percent sign, not a wildcard")
    r = city.get("/api/v1/estates?q=_")
    t.eq(ids_of(r), [], "q=_ is a literal underscore, not a wildcard")
    r = city.get("/api/v1/estates?q=" + gg.urllib.parse.quote("\\"))
    t.eq(ids_of(r), [], "q=\\ is a literal backslash")
    r = city.get("/api/v1/estates?q=测试&place=" + HUABU + "&limit=500")
    t.eq(len(r.body["items"]), 9, "q combined with place")


def buildings():
    body = {"place": W["g1"], "estate_id": W["estate"], "name": "1号楼", "address": "华埠路1号1号楼",
            "lat": 49.5972, "lon": 117.4363, "floors": 6, "units": 3}
    W["b1"] = crud("buildings", body, dict(body), {"floors": 7, "name": "1号楼(东)"})
    W["b2"] = gg.create(city, "buildings", {"place": W["g1"], "estate_id": W["estate"], "name": "2号楼",
                                            "lat": 49.598, "lon": 117.437})["id"]
    W["b3"] = gg.create(city, "buildings", {"place": W["g2"], "name": "3号楼", "lat": 49.6, "lon": 117.44})["id"]
    W["by"] = gg.create(city, "buildings", {"place": W["gy"], "name": "云杉1号楼", "lat": 49.58, "lon": 117.42})["id"]
    W["n_buildings_g1"] = 2
    r = city.get("/api/v1/buildings?estate_id=%d" % W["estate"])
    t.eq(ids_of(r), sorted([W["b1"], W["b2"]]), "buildings estate_id filter")
    r = city.get("/api/v1/buildings?place=" + HUABU)
    t.eq(ids_of(r), sorted([W["b1"], W["b2"], W["b3"]]), "buildings place=community")
    r = city.get("/api/v1/buildings?q=云杉")
    t.eq(ids_of(r), [W["by"]], "buildings q=name")
    r = city.patch("/api/v1/buildings/%d" % W["b1"], {"estate_id": None})
    t.status(r, 200, "building estate_id set to null")
    t.eq(r.body.get("estate_id"), None, "estate_id is null")
    city.patch("/api/v1/buildings/%d" % W["b1"], {"estate_id": W["estate"]})


def households():
    body = {"building_id": W["b1"], "unit": "1", "room": "101", "area_centi": "89.50",
            "area_source": "registered", "address": "华埠路1号1号楼1单元101"}
    echo = dict(body, area_centi=8950, area="89.50", place=W["g1"])
    W["h1"] = crud("households", body, echo, {"area_centi": "90.05", "area_source": "surveyed"},
                   {"area_centi": 9005, "area": "90.05", "area_source": "surveyed"})
    r = city.get("/api/v1/households/%d" % W["h1"])
    t.eq(r.body.get("area"), "90.05", "area text follows area_centi")
    hs = [W["h1"]]
    for i, area in enumerate(["89.5", 12000, "60", "100.1", "75.25", "0.01"]):
        row = gg.create(city, "households", {"building_id": W["b1"] if i < 3 else W["b2"], "unit": "2",
                                             "room": "%d" % (201 + i), "area_centi": area})
        hs.append(row["id"])
        want = {"89.5": (8950, "89.50"), 12000: (12000, "120.00"), "60": (6000, "60.00"),
                "100.1": (10010, "100.10"), "75.25": (7525, "75.25"), "0.01": (1, "0.01")}[area]
        t.eq((row["area_centi"], row["area"]), want, "area %r normalised" % (area,))
        t.eq(row["place"], W["g1"], "household takes its building's grid")
        t.eq(row["unit"], "2", "unit kept")
    W["h_g1"] = hs
    W["h3"] = gg.create(city, "households", {"building_id": W["b3"], "room": "301", "area_centi": 7000})["id"]
    W["hy"] = gg.create(city, "households", {"building_id": W["by"], "room": "101", "area_centi": 8000})["id"]
    W["n_households_g1"] = len(hs)
    r = city.get("/api/v1/households?building_id=%d" % W["b2"])
    t.eq(ids_of(r), sorted(hs[4:]), "households building_id filter")
    r = city.get("/api/v1/households?q=1单元101")
    t.eq(ids_of(r), [W["h1"]], "households q= address")
    r = city.get("/api/v1/households?q=203")
    t.eq(ids_of(r), [hs[3]], "households q= room")
    r = city.get("/api/v1/households?place=" + W["g2"])
    t.eq(ids_of(r), [W["h3"]], "households place=grid 2")
    page_all("households", "place=" + HUABU, 2, hs + [W["h3"]], "households of 华埠 limit=2")
    r = city.post("/api/v1/households", {"building_id": W["b1"], "unit": "1", "room": "101", "area_centi": 1})
    t.error(r, 409, "same building, unit and room twice", code="conflict")


def residents():
    idx = gg.id_number_ending_x()
    W["idx"] = idx
    phone = "13812345678"
    body = {"household_id": W["h1"], "name": "张伟", "id_number": idx.lower(), "phone": phone,
            "relation": "head", "is_owner": True}
    echo = {"household_id": W["h1"], "name": "张伟", "id_number": mask_id(idx), "phone": mask_phone(phone),
            "relation": "head", "is_owner": True, "place": W["g1"]}
    W["r1"] = crud("residents", body, echo, {"name": "张伟伟", "relation": "spouse"})
    city.patch("/api/v1/residents/%d" % W["r1"], {"relation": "head", "name": "张伟"})
    t.eq(mask_id(idx), idx[:6] + "********" + idx[-4:], "mask shape")
    t.ok(mask_id(idx).endswith("X"), "the lower-case x was stored upper-case", mask_id(idx))
    r = city.get("/api/v1/residents/%d?reveal=1" % W["r1"])
    t.status(r, 200, "reveal one resident")
    t.eq(r.body.get("id_number"), idx, "revealed ID number is normalised (upper-case X)")
    t.eq(r.body.get("phone"), phone, "revealed phone")
    # more residents for paging and search
    rs = [W["r1"]]
    names = ["李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐强", "孙丽"]
    for i, name in enumerate(names):
        row = gg.create(city, "residents", {
            "household_id": W["h_g1"][i % len(W["h_g1"])], "name": name,
            "id_number": gg.id_number(100 + i), "phone": "1390000%04d" % (1000 + i),
            "relation": "child" if i % 3 == 0 else "head", "is_owner": i % 2 == 0})
        rs.append(row["id"])
    W["residents_g1"] = rs
    W["n_residents_g1"] = len(rs)
    W["ry"] = gg.create(city, "residents", {"household_id": W["hy"], "name": "云杉居民",
                                            "phone": "13700001234"})["id"]
    page_all("residents", "place=" + HUABU, 5, rs, "residents limit=5")
    page_all("residents", "", 1, rs + [W["ry"]], "residents limit=1")
    r = city.get("/api/v1/residents?phone_tail=5678")
    t.eq(ids_of(r), [W["r1"]], "residents phone_tail")
    r = city.get("/api/v1/residents?phone_tail=1234")
    t.eq(ids_of(r), [W["ry"]], "residents phone_tail across communities")
    r = city.get("/api/v1/residents?id_tail=" + idx[-4:])
    t.eq(ids_of(r), [W["r1"]], "residents id_tail")
    r = city.get("/api/v1/residents?q=王芳")
    t.eq(ids_of(r), [rs[2]], "residents q= name")
    r = city.get("/api/v1/residents?household_id=%d" % W["h1"])
    want = [W["r1"]] + [rs[1 + i] for i in range(len(names)) if W["h_g1"][i % len(W["h_g1"])] == W["h1"]]
    t.eq(ids_of(r), sorted(want), "residents household_id filter")
    r = city.get("/api/v1/residents?relation=child&place=" + HUABU)
    want = [rs[1 + i] for i in range(len(names)) if i % 3 == 0]
    t.eq(ids_of(r), sorted(want), "residents relation filter")
    r = city.get("/api/v1/residents?is_owner=true&relation=head&place=" + HUABU)
    want = [W["r1"]] + [rs[1 + i] for i in range(len(names)) if i % 2 == 0 and i % 3 != 0]
    t.eq(ids_of(r), sorted(want), "residents is_owner + relation filters")
    r = city.get("/api/v1/residents?is_owner=false&place=" + HUABU)
    t.eq(ids_of(r), sorted(rs[1 + i] for i in range(len(names)) if i % 2), "residents is_owner=false")
    # masking in lists
    r = city.get("/api/v1/residents?place=" + HUABU + "&limit=500")
    masked = all(("*" in x["id_number"]) and ("*" in x["phone"]) for x in r.body["items"])
    t.ok(masked, "list masks ID numbers and phones", short_rows(r))
    t.ok(all("id_tail" not in x and "phone_tail" not in x for x in r.body["items"]), "list hides tails")
    # null id/phone
    r = city.patch("/api/v1/residents/%d" % W["ry"], {"phone": None})
    t.eq(r.body.get("phone"), None, "phone set to null")
    r = city.get("/api/v1/residents?phone_tail=1234")
    t.eq(ids_of(r), [], "a cleared phone is no longer found by its tail")
    r = city.post("/api/v1/residents", {"household_id": W["h1"], "name": "重复", "id_number": idx})
    t.error(r, 409, "the same ID number twice", field="id_number", code="conflict")


def short_rows(r):
    return gg.short(r.body)


def owners():
    idn = gg.id_number(500)
    body = {"household_id": W["h1"], "kind": "person", "name": "张伟", "id_number": idn,
            "resident_id": W["r1"], "handed_over": True}
    echo = {"household_id": W["h1"], "kind": "person", "name": "张伟", "id_number": mask_id(idn),
            "resident_id": W["r1"], "handed_over": True, "place": W["g1"]}
    W["o1"] = crud("owners", body, echo, {"name": "张伟(业主)"})
    r = city.get("/api/v1/owners/%d" % W["o1"])
    t.ok(idn not in gg.short(r.body, 10000), "owner read never shows the full ID number (owner_key too)",
         gg.short(r.body))
    r = city.get("/api/v1/owners/%d?reveal=1" % W["o1"])
    t.eq(r.body.get("id_number"), idn, "owner reveal shows the ID number")
    o2 = gg.create(city, "owners", {"household_id": W["h_g1"][1], "kind": "developer",
                                    "name": "满洲里华埠房地产开发有限公司", "org_code": "91150781MA0N000000",
                                    "handed_over": False})
    o3 = gg.create(city, "owners", {"household_id": W["h_g1"][2], "kind": "person", "name": "李娜",
                                    "resident_id": W["residents_g1"][1]})
    t.eq(o2.get("handed_over"), False, "developer unit not handed over")
    t.eq(o3.get("handed_over"), True, "handed_over defaults to true")
    r = city.get("/api/v1/owners?id_tail=" + idn[-4:])
    t.eq(ids_of(r), [W["o1"]], "owners id_tail")
    r = city.get("/api/v1/owners?kind=developer")
    t.eq(ids_of(r), [o2["id"]], "owners kind filter")
    r = city.get("/api/v1/owners?handed_over=false")
    t.eq(ids_of(r), [o2["id"]], "owners handed_over filter")
    r = city.get("/api/v1/owners?resident_id=%d" % W["r1"])
    t.eq(ids_of(r), [W["o1"]], "owners resident_id filter")
    r = city.get("/api/v1/owners?household_id=%d" % W["h_g1"][2])
    t.eq(ids_of(r), [o3["id"]], "owners household_id filter")
    r = city.get("/api/v1/owners?q=开发")
    t.eq(ids_of(r), [o2["id"]], "owners q= name")
    r = city.post("/api/v1/owners", {"household_id": W["h1"], "kind": "person", "name": "无证"})
    t.error(r, 400, "a person owner needs an ID number or a resident", field="id_number")
    # the owner key (one owner across units, for the assembly headcount) follows its sources
    key = lambda oid: env.sql("SELECT owner_key FROM owners WHERE id = ?", (oid,))[0][0]  # noqa: E731
    t.eq(key(W["o1"]), "P:" + idn, "a person's owner key is the ID number")
    t.eq(key(o3["id"]), "R:%d" % W["residents_g1"][1], "without an ID number, the resident")
    t.eq(key(o2["id"]), "O:91150781MA0N000000", "an organisation's owner key is its code")
    new_idn = gg.id_number(501)
    r = city.patch("/api/v1/owners/%d" % W["o1"], {"id_number": new_idn})
    t.status(r, 200, "correct an owner's ID number")
    t.eq(key(W["o1"]), "P:" + new_idn, "the owner key follows a corrected ID number")
    t.eq(r.body.get("owner_key"), "P:" + mask_id(new_idn), "the answer shows the key masked")
    r = city.patch("/api/v1/owners/%d" % o3["id"], {"id_number": new_idn})
    t.eq(key(o3["id"]), "P:" + new_idn, "an ID number added later replaces the resident key")
    t.eq(key(o3["id"]), key(W["o1"]), "two units of one buyer now share one owner key")
    r = city.patch("/api/v1/owners/%d" % o2["id"], {"org_code": "91150781MA0N000001"})
    t.eq(key(o2["id"]), "O:91150781MA0N000001", "the owner key follows a corrected org code")
    r = city.patch("/api/v1/owners/%d" % o3["id"], {"id_number": None, "resident_id": None})
    t.error(r, 400, "a person owner cannot lose both ID number and resident", field="id_number")
    t.eq(key(o3["id"]), "P:" + new_idn, "the refused change left the key alone")
    city.patch("/api/v1/owners/%d" % W["o1"], {"id_number": idn})


def staff():
    idn = gg.id_number(600)
    body = {"place": W["g1"], "name": "刘网格", "phone": "13912345678", "id_number": idn,
            "role": "fulltime", "on_duty": True}
    echo = dict(body, phone=mask_phone("13912345678"), id_number=mask_id(idn))
    W["s1"] = crud("staff", body, echo, {"on_duty": False, "phone": "0470-6221234"},
                   {"on_duty": False, "phone": "0470-***1234"})
    r = city.get("/api/v1/staff/%d" % W["s1"])
    t.eq(r.body.get("phone"), "0470-***1234", "a landline is masked keeping its area code")
    city.patch("/api/v1/staff/%d" % W["s1"], {"on_duty": True})
    chief = gg.create(city, "staff", {"place": W["g1"], "name": "王网格长", "role": "grid_chief",
                                      "phone": "13500001111"})["id"]
    part = gg.create(city, "staff", {"place": W["g1"], "name": "赵兼职", "role": "parttime"})["id"]
    vol = gg.create(city, "staff", {"place": W["g1"], "name": "钱五老", "role": "wulao"})["id"]
    comm = gg.create(city, "staff", {"place": HUABU, "name": "社区书记", "role": "volunteer"})["id"]
    r = city.get("/api/v1/staff?role=grid_chief")
    t.eq(ids_of(r), [chief], "staff role filter")
    r = city.get("/api/v1/staff?phone_tail=1111")
    t.eq(ids_of(r), [chief], "staff phone_tail")
    r = city.get("/api/v1/staff?id_tail=" + idn[-4:])
    t.eq(ids_of(r), [W["s1"]], "staff id_tail")
    r = city.get("/api/v1/staff?place=" + W["g1"])
    t.eq(ids_of(r), sorted([W["s1"], chief, part, vol]), "staff place=grid")
    r = city.get("/api/v1/staff?on_duty=true&place=" + HUABU)
    t.eq(ids_of(r), sorted([W["s1"], chief, part, vol, comm]), "staff on_duty filter")


def paired_units():
    body = {"place": HUABU, "name": "满洲里市财政局", "kind": "government", "contact": "孙科长",
            "phone": "13612345678"}
    echo = dict(body, phone=mask_phone("13612345678"))
    W["p1"] = crud("paired_units", body, echo, {"contact": "周科长"})
    p2 = gg.create(city, "paired_units", {"place": XINGHUA, "name": "满洲里市第一中学", "kind": "school"})["id"]
    r = city.get("/api/v1/paired_units?kind=school")
    t.eq(ids_of(r), [p2], "paired_units kind filter")
    r = city.get("/api/v1/paired_units?q=周科长")
    t.eq(ids_of(r), [W["p1"]], "paired_units q= contact")
    r = city.get("/api/v1/paired_units?phone_tail=5678")
    t.eq(ids_of(r), [W["p1"]], "paired_units phone_tail")
    r = city.get("/api/v1/paired_units?place=" + HUABU)
    t.eq(ids_of(r), [W["p1"]], "paired_units place filter")


def enterprises():
    body = {"place": HUABU, "name": "满洲里口岸贸易有限公司", "credit_code": "91150781MA0N2X3Y4Z",
            "industry": "trade", "party_linked": True, "contact": "钱经理", "phone": "15812345678",
            "address": "华埠路88号"}
    echo = dict(body, phone=mask_phone("15812345678"))
    W["e1"] = crud("enterprises", body, echo, {"industry": "logistics", "party_linked": False})
    e2 = gg.create(city, "enterprises", {"place": HUABU, "name": "华埠商店", "industry": "retail",
                                         "party_linked": True})["id"]
    r = city.get("/api/v1/enterprises?party_linked=true")
    t.eq(ids_of(r), [e2], "enterprises party_linked filter")
    r = city.get("/api/v1/enterprises?industry=logistics")
    t.eq(ids_of(r), [W["e1"]], "enterprises industry filter")
    r = city.get("/api/v1/enterprises?q=华埠路88")
    t.eq(ids_of(r), [W["e1"]], "enterprises q= address")


# ---------------------------------------------------------------- users


def users():
    made = []
    for i in range(5):
        r = city.post("/api/v1/users", {"login": "worker%d" % i, "password": gg.PASSWORD,
                                        "role": "grid_worker", "place": W["g1"],
                                        "display_name": "网格员%d" % i})
        t.status(r, 201, "create user worker%d" % i)
        t.eq((r.body.get("login"), r.body.get("role"), r.body.get("place")),
             ("worker%d" % i, "grid_worker", W["g1"]), "user echo")
        t.ok("password" not in r.body and "pw_hash" not in r.body, "no password in the answer")
        made.append(r.body.get("id"))
    r = city.post("/api/v1/users", {"login": "cadmin", "password": gg.PASSWORD, "role": "community_admin",
                                    "place": HUABU})
    t.status(r, 201, "create community admin")
    made.append(r.body.get("id"))
    r = city.post("/api/v1/users", {"login": "worker0", "password": gg.PASSWORD, "role": "grid_worker",
                                    "place": W["g1"]})
    t.error(r, 409, "login taken", field="login")
    items = city.list_all("/api/v1/users", limit=2)
    ids = [u["id"] for u in items]
    t.eq(len(ids), len(set(ids)), "users paging: no duplicates")
    t.ok(set(made) <= set(ids), "users paging: every new user listed")
    t.ok(all("pw_hash" not in u for u in items), "users list has no password hashes")
    pages = []
    after = None
    while True:
        r = city.get("/api/v1/users?limit=2" + ("&after=" + after if after else ""))
        pages.append(len(r.body["items"]))
        after = r.body.get("next")
        if not after:
            break
    t.ok(len(pages) >= 4 and all(n == 2 for n in pages[:-1]), "users come in pages of 2", pages)
    ca = anon.login("cadmin")
    r = ca.get("/api/v1/users?limit=500")
    t.ok(all(u["place"].startswith(HUABU) for u in r.body["items"]), "community admin sees its users only")
    t.ok(len(r.body["items"]) == 6, "community admin sees the 5 workers and itself", len(r.body["items"]))
    W["cadmin"] = ca
    W["worker"] = anon.login("worker0")
    r = city.post("/api/v1/users", {"login": "chief", "password": gg.PASSWORD, "role": "grid_chief",
                                    "place": W["g1"]})
    t.status(r, 201, "create grid chief")
    W["chief"] = anon.login("chief")


# ---------------------------------------------------------------- reveal, audit, export


def reveal():
    idx = W["idx"]
    base = city.get("/api/v1/audit?limit=500").body["items"]
    before = {a["id"] for a in base}
    r = city.get("/api/v1/residents/%d" % W["r1"])
    t.eq(r.body.get("id_number"), mask_id(idx), "no reveal: masked ID")
    r = city.get("/api/v1/audit?limit=500")
    t.ok(not [a for a in r.body["items"] if a["id"] not in before and a["action"] == "reveal"],
         "a masked read writes no reveal entry")
    r = city.get("/api/v1/residents/%d?reveal=1" % W["r1"])
    t.eq((r.body.get("id_number"), r.body.get("phone")), (idx, "13812345678"), "city admin reveal")
    r = city.get("/api/v1/audit?limit=500")
    new = [a for a in r.body["items"] if a["id"] not in before and a["action"] == "reveal"]
    t.ok(any(a["resource"] == "residents" and a["object_id"] == str(W["r1"]) and a["login"] == "city"
             and a["place"] == W["g1"] for a in new), "reveal of one resident is audited", new)
    r = city.get("/api/v1/residents?reveal=1&place=" + HUABU + "&limit=500")
    t.ok(any(x.get("id_number") == idx for x in r.body["items"]), "list reveal shows full values")
    r2 = city.get("/api/v1/audit?limit=500")
    new2 = [a for a in r2.body["items"] if a["id"] not in before and a["action"] == "reveal"]
    t.ok(len(new2) >= len(new) + 1, "list reveal is audited", new2)
    # the community admin may reveal too
    ca = W["cadmin"]
    r = ca.get("/api/v1/residents/%d?reveal=1" % W["r1"])
    t.eq(r.body.get("id_number"), idx, "community admin reveals ID numbers")
    # a grid worker sees phones but not ID numbers
    wk = W["worker"]
    r = wk.get("/api/v1/residents/%d?reveal=1" % W["r1"])
    t.status(r, 200, "grid worker reveal=1")
    t.eq(r.body.get("id_number"), mask_id(idx), "grid worker cannot reveal ID numbers")
    t.eq(r.body.get("phone"), "13812345678", "grid worker may reveal phones")
    r = wk.get("/api/v1/residents?reveal=1&limit=500")
    t.ok(r.status == 200 and all("*" in x["id_number"] for x in r.body["items"] if x.get("id_number")),
         "grid worker list reveal keeps ID numbers masked")
    r = wk.get("/api/v1/staff/%d?reveal=1" % W["s1"])
    t.eq(r.body.get("id_number"), mask_id(gg.id_number(600)), "grid worker: staff ID stays masked")
    r = wk.get("/api/v1/owners/%d?reveal=1" % W["o1"])
    t.status(r, 200, "grid worker reveal=1 on owners (it may see phones; owners have none)")
    t.eq(r.body.get("id_number"), mask_id(gg.id_number(500)), "grid worker: owner ID stays masked")
    t.ok(gg.id_number(500) not in gg.short(r.body, 10000), "grid worker: no full owner ID anywhere")
    r = city.get("/api/v1/audit?limit=500")
    t.ok(any(a["action"] == "reveal" and a["login"] == "worker0" for a in r.body["items"]),
         "grid worker's phone reveal is audited")
    r = city.get("/api/v1/residents/%d?reveal=maybe" % W["r1"])
    t.error(r, 400, "reveal=maybe", field="reveal")
    r = W["chief"].get("/api/v1/estates/%d?reveal=1" % W["estate"])
    t.error(r, 403, "grid chief may not reveal anything on estates", field="reveal")


def exports():
    for res in gg.REGISTRY:
        r = city.get("/api/v1/%s?format=csv" % res)
        t.status(r, 200, "%s CSV export" % res)
        t.ok(isinstance(r.body, bytes) and r.body.startswith(b"\xef\xbb\xbf"), "%s CSV starts with a BOM" % res)
        t.ok(r.headers.get("content-type", "").startswith("text/csv"), "%s CSV content type" % res)
        t.ok("attachment" in r.headers.get("content-disposition", ""), "%s CSV is an attachment" % res)
        r = city.get("/api/v1/%s?format=xlsx" % res)
        t.status(r, 200, "%s xlsx export" % res)
        t.ok(isinstance(r.body, bytes) and r.body[:4] == b"PK\x03\x04", "%s xlsx is a zip" % res)
        t.ok("spreadsheetml" in r.headers.get("content-type", ""), "%s xlsx content type" % res)
    r = city.get("/api/v1/residents?format=csv&place=" + HUABU)
    text = r.body[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    t.eq(len(rows), 1 + W["n_residents_g1"], "CSV has a header and one line per resident")
    t.eq(rows[0][:6], ["id", "place", "household_id", "name", "id_number", "phone"], "CSV header")
    by_id = {int(x[0]): x for x in rows[1:]}
    t.eq(by_id.get(W["r1"], [None] * 6)[4], mask_id(W["idx"]), "CSV cell of a masked ID number")
    t.ok(text.endswith("\r\n"), "CSV lines end in CRLF")
    t.ok(W["idx"] not in text and mask_id(W["idx"]) in text, "CSV masks ID numbers")
    t.ok("张伟" in text, "CSV keeps Chinese text")
    r = city.get("/api/v1/residents?format=csv&reveal=1&place=" + HUABU)
    t.ok(W["idx"] in r.body.decode("utf-8", "replace"), "CSV with reveal=1 has the full ID number")
    r = city.get("/api/v1/residents?format=pdf")
    t.error(r, 400, "format=pdf", field="format")
    r = W["worker"].get("/api/v1/residents?format=csv")
    t.error(r, 403, "grid worker may not export residents")


def out_of_scope_lists():
    ca = W["cadmin"]
    r = ca.get("/api/v1/households?limit=500")
    ids = ids_of(r)
    t.ok(W["hy"] not in ids and W["h1"] in ids, "community admin lists only its community", ids)
    r = ca.get("/api/v1/households?place=" + YUNSHAN)
    t.eq(ids_of(r), [], "a place filter outside the scope finds nothing")
    wk = W["worker"]
    r = wk.get("/api/v1/households?limit=500")
    t.eq(ids_of(r), sorted(W["h_g1"]), "grid worker lists only its grid")


for section in (places, grids, estates, buildings, households, residents, owners, staff,
                paired_units, enterprises, grid_stats, users, reveal, exports, out_of_scope_lists):
    t.run(section)
r = anon.get("/healthz")
t.status(r, 200, "healthz at the end")
t.finish()
