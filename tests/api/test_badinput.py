"""test_badinput.py — the bad-input battery. Every bad request must get the
documented status and the error JSON {"error": {"code", "message", "field"?}}
naming the field, must change nothing in the database, and must leave the
server healthy (GET /healthz answers 200 after each one).
"""

import hashlib
import json

import gg
from gg import COUNTY, HUABU, YUNSHAN

t = gg.Checks()
env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
G1 = gg.make_grid(city, HUABU)
E = gg.create(city, "estates", {"place": HUABU, "name": "华埠小区"})
B = gg.create(city, "buildings", {"place": G1, "name": "1号楼", "lat": 49.59, "lon": 117.43})
H = gg.create(city, "households", {"building_id": B["id"], "room": "101", "area_centi": "89.50"})
R = gg.create(city, "residents", {"household_id": H["id"], "name": "张三", "id_number": gg.id_number(1)})
O = gg.create(city, "owners", {"household_id": H["id"], "kind": "person", "name": "张三", "resident_id": R["id"]})
S = gg.create(city, "staff", {"place": G1, "name": "李四", "role": "fulltime"})
P = gg.create(city, "paired_units", {"place": HUABU, "name": "财政局"})
N = gg.create(city, "enterprises", {"place": HUABU, "name": "贸易公司"})
ROWS = {"estates": E, "buildings": B, "households": H, "residents": R, "owners": O, "staff": S,
        "paired_units": P, "enterprises": N}

VALID = {
    "estates": {"place": HUABU, "name": "新小区"},
    "buildings": {"place": G1, "name": "新楼", "lat": 49.5, "lon": 117.4},
    "households": {"building_id": B["id"], "room": "999", "area_centi": "50.00"},
    "residents": {"household_id": H["id"], "name": "新居民"},
    "owners": {"household_id": H["id"], "kind": "person", "name": "新业主", "resident_id": R["id"]},
    "staff": {"place": G1, "name": "新网格员", "role": "volunteer"},
    "paired_units": {"place": HUABU, "name": "新单位"},
    "enterprises": {"place": HUABU, "name": "新企业"},
}
REQUIRED = {
    "estates": ["place", "name"],
    "buildings": ["place", "name", "lat", "lon"],
    "households": ["building_id", "room", "area_centi"],
    "residents": ["household_id", "name"],
    "owners": ["household_id", "kind", "name"],
    "staff": ["place", "name", "role"],
    "paired_units": ["place", "name"],
    "enterprises": ["place", "name"],
}


def snapshot():
    """A digest of every table's rows (sessions aside: logins are not under test here)."""
    h = hashlib.sha256()
    for table in gg.TABLES:
        if table == "sessions":
            continue
        h.update(json.dumps(env.sql("SELECT * FROM %s ORDER BY 1" % table), ensure_ascii=False).encode())
    return h.hexdigest()


def bad(method, path, body, status, field=None, what=None, headers=None, client=None, code=None):
    """One bad request: status, error JSON, field, nothing written, still healthy."""
    what = what or "%s %s %s" % (method, path, gg.short(body, 80) if body is not None else "")
    before = snapshot()
    r = (client or city).request(method, path, body, headers=headers)
    codes = {400: "invalid_field", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "rule_violated"}
    t.error(r, status, what, field=field, code=code or codes.get(status))
    t.eq(snapshot(), before, "%s: nothing written" % what)
    t.status(anon.get("/healthz"), 200, "%s: healthz afterwards" % what)
    return r


# ---------------------------------------------------------------- malformed bodies

MALFORMED = [b"", b"{", b"not json", b'{"name": }', b'{"name": "x",}', b"{'name': 'x'}",
             b'{"name": "x"} {"name": "y"}', b'{"name": "x"} trailing', b"[1, 2]", b'"a string"',
             b"42", b"null", b'{"name": "a", "name": "b"}', b'{"name": "a\\u0000b"}',
             b'{"name": "\\ud800"}', b"\xef\xbb\xbf{}", b'{"name": NaN}', b'{"name": Infinity}']
INVALID_UTF8 = [b'{"name": "\xff\xfe"}', b'{"name": "\xc0\xaf"}', b'{"name": "\xed\xa0\x80"}',
                b'{"name": "\xe5\x8d"}', b'{"\xff": 1}', b'{"name": "\xf5\x80\x80\x80"}']


def malformed():
    targets = [("POST", "/api/v1/" + r) for r in gg.REGISTRY]
    targets += [("PATCH", "/api/v1/%s/%d" % (r, ROWS[r]["id"])) for r in gg.REGISTRY]
    targets += [("POST", "/api/v1/users"), ("POST", "/api/v1/grids"), ("POST", "/api/v1/apikeys")]
    for method, path in targets:
        for body in MALFORMED:
            bad(method, path, body, 400, "body")
        for body in INVALID_UTF8:
            bad(method, path, body, 400, "body", what="%s %s invalid UTF-8 %r" % (method, path, body))
    for body in MALFORMED + INVALID_UTF8:
        bad("POST", "/api/v1/session", body, 400, "body", client=anon)


def nesting_and_numbers():
    for res in ("estates", "buildings"):
        base = dict(VALID[res])
        deep17 = b'{"name": ' + b"[" * 17 + b"]" * 17 + b"}"
        bad("POST", "/api/v1/" + res, deep17, 400, "body", what="%s nesting 18 deep" % res)
        deep_obj = b'{"name": ' + b'{"a":' * 20 + b"1" + b"}" * 20 + b"}"
        bad("POST", "/api/v1/" + res, deep_obj, 400, "body", what="%s objects 21 deep" % res)
        very_deep = b"[" * 100000 + b"]" * 100000
        bad("POST", "/api/v1/" + res, very_deep, 400, "body", what="%s nesting 100000 deep" % res)
        ok16 = b'{"place": "%s", "name": ' % base["place"].encode() + b"[" * 15 + b"]" * 15 + b"}"
        bad("POST", "/api/v1/" + res, ok16, 400, "name", what="%s nesting 16 deep parses" % res)
        brackets_in_string = dict(base, name="[" * 30 + "{" * 30)
        before = env.count(res)
        r = city.post("/api/v1/" + res, brackets_in_string)
        t.status(r, 201, "%s brackets inside a string are not nesting" % res)
        t.eq(env.count(res), before + 1, "%s bracket name stored" % res)
    for text in (b'{"place": "%s", "name": "x", "lat": 1e400, "lon": 1}' % G1.encode(),
                 b'{"place": "%s", "name": "x", "lat": -1e400, "lon": 1}' % G1.encode(),
                 b'{"place": "%s", "name": "x", "lat": 1, "lon": 1, "floors": 99999999999999999999}' % G1.encode(),
                 b'{"place": "%s", "name": "x", "lat": 1, "lon": 1, "floors": -99999999999999999999}' % G1.encode()):
        bad("POST", "/api/v1/buildings", text, 400, "body", what="huge number %s" % text[-40:])
    bad("PATCH", "/api/v1/households/%d" % H["id"], b'{"area_centi": 99999999999999999999}', 400, "body")
    bad("PATCH", "/api/v1/buildings/%d" % B["id"], b'{"lat": 1e400}', 400, "body")
    bad("PATCH", "/api/v1/buildings/%d" % B["id"], {"lat": 1e300}, 400, "lat")
    bad("PATCH", "/api/v1/buildings/%d" % B["id"], {"floors": 2 ** 62}, 400, "floors")


def oversize():
    big = {"name": "x" * (1 << 20)}
    bad("POST", "/api/v1/estates", big, 413, "body", what="POST body over 1 MiB")
    bad("PATCH", "/api/v1/estates/%d" % E["id"], big, 413, "body", what="PATCH body over 1 MiB")
    bad("POST", "/api/v1/session", {"login": "city", "password": "p" * (1 << 20)}, 413, "body",
        client=anon, what="login body over 1 MiB")
    bad("POST", "/api/v1/estates", b" " * ((1 << 20) + 1), 413, "body", what="1 MiB + 1 of spaces")
    # the same without Content-Length: chunked
    chunk = b"x" * 65536
    data = (b"POST /api/v1/estates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + city.token.encode() +
            b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    data += b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
    before = snapshot()
    r = gg.raw_request(srv.port, data)
    t.error(r, 413, "chunked body over 1 MiB", field="body", code="too_large")
    t.eq(snapshot(), before, "chunked oversize: nothing written")
    # just under the limit is read (and then refused for what it says)
    body = b'{"place": "%s", "name": "%s"}' % (HUABU.encode(), b"x" * ((1 << 20) - 100))
    bad("POST", "/api/v1/estates", body, 400, "name", what="body just under 1 MiB is parsed")
    long_path = "/api/v1/" + "a" * 3000
    bad("GET", long_path, None, 413, "url", what="URL path of 3000 bytes")


# ---------------------------------------------------------------- fields

WRONG_TYPES = {
    "estates": [("name", 5), ("name", None), ("name", ["x"]), ("name", {"a": 1}), ("place", 150781004004),
                ("address", 1), ("developer", True)],
    "buildings": [("lat", "49.5"), ("lat", None), ("lon", True), ("floors", 1.5), ("floors", "3"),
                  ("units", None), ("estate_id", "1"), ("estate_id", 1.0), ("name", 1)],
    "households": [("building_id", "1"), ("building_id", None), ("room", 101), ("area_centi", True),
                   ("area_centi", 89.5), ("area_centi", None), ("area_source", 1), ("unit", 1)],
    "residents": [("household_id", True), ("name", 1), ("id_number", 110105194912310021),
                  ("phone", 13812345678), ("relation", 5), ("is_owner", "true"), ("is_owner", 1),
                  ("is_owner", None)],
    "owners": [("kind", 1), ("handed_over", "no"), ("resident_id", "1"), ("org_code", 5), ("name", None)],
    "staff": [("role", None), ("on_duty", 0), ("phone", []), ("place", None)],
    "paired_units": [("kind", 1), ("contact", False), ("phone", 1)],
    "enterprises": [("party_linked", "yes"), ("industry", 1), ("credit_code", None)],
}
BAD_VALUES = {
    "estates": [("name", ""), ("name", "名" * 65), ("place", "abc"), ("place", "1507810040"),
                ("place", COUNTY), ("place", "150781004"), ("address", "a" * 201)],
    "buildings": [("lat", 90.5), ("lat", -91), ("lon", 180.01), ("floors", -1), ("floors", 201),
                  ("units", 101), ("place", HUABU), ("estate_id", 0), ("estate_id", -3)],
    "households": [("area_centi", "1.234"), ("area_centi", "-1"), ("area_centi", "0"), ("area_centi", "0.00"),
                   ("area_centi", "abc"), ("area_centi", "1e3"), ("area_centi", " 89.5"), ("area_centi", "89."),
                   ("area_centi", ".5"), ("area_centi", "+5"), ("area_centi", "89,50"), ("area_centi", -1),
                   ("area_centi", 0), ("area_centi", 100000001), ("area_centi", "1000000.01"),
                   ("area_centi", "99999999999999999999"), ("room", ""), ("room", "r" * 17),
                   ("area_source", "guessed"), ("building_id", 0)],
    "residents": [("id_number", gg.id_number(5)[:-1] + ("0" if gg.id_number(5)[-1] != "0" else "1")),
                  ("id_number", "11010519491231002"), ("id_number", "1101051949123100211"),
                  ("id_number", "11010519491331002X"), ("id_number", "11010520991231002X"),
                  ("id_number", "1101051949123100AX"), ("id_number", ""), ("phone", "12345"),
                  ("phone", "23812345678"), ("phone", "1381234567a"), ("phone", "138123456789"),
                  ("phone", "12812345678"), ("phone", "00470-1234567"), ("phone", ""),
                  ("relation", "cousin"), ("name", "")],
    "owners": [("kind", "alien"), ("id_number", "123"), ("org_code", "x" * 19)],
    "staff": [("role", "boss"), ("phone", "1"), ("place", "15078100400400"), ("id_number", "X" * 18)],
    "paired_units": [("place", G1), ("place", COUNTY), ("phone", "abc")],
    "enterprises": [("place", G1), ("credit_code", "c" * 19), ("industry", "i" * 33)],
}


def fields():
    for res in gg.REGISTRY:
        base = VALID[res]
        path = "/api/v1/" + res
        one = "/api/v1/%s/%d" % (res, ROWS[res]["id"])
        for f in REQUIRED[res]:
            body = {k: v for k, v in base.items() if k != f}
            bad("POST", path, body, 400, f, what="%s without %s" % (res, f))
        for f, v in WRONG_TYPES[res]:
            bad("POST", path, dict(base, **{f: v}), 400, f, what="%s %s=%r (wrong type)" % (res, f, v))
            bad("PATCH", one, {f: v}, 400, f, what="PATCH %s %s=%r (wrong type)" % (res, f, v))
        for f, v in BAD_VALUES[res]:
            bad("POST", path, dict(base, **{f: v}), 400, f, what="%s %s=%r" % (res, f, v))
            bad("PATCH", one, {f: v}, 400, f, what="PATCH %s %s=%r" % (res, f, v))
        bad("POST", path, dict(base, bogus=1), 400, "bogus", what="%s unknown field" % res)
        bad("PATCH", one, {"bogus": 1}, 400, "bogus", what="PATCH %s unknown field" % res)
        bad("POST", path, dict(base, **{"名字": "x"}), 400, "名字", what="%s unknown Chinese field" % res)
        long_key = "字" * 100
        r = bad("POST", path, dict(base, **{long_key: 1}), 400, None, what="%s unknown 300-byte field" % res)
        for ro in ("id", "created_at", "updated_at"):
            bad("POST", path, dict(base, **{ro: 1}), 400, ro, what="%s read-only %s" % (res, ro))
            bad("PATCH", one, {ro: 1}, 400, ro, what="PATCH %s read-only %s" % (res, ro))
        bad("PATCH", one, {}, 400, None, what="PATCH %s with nothing to update" % res)
    for res in ("households", "residents", "owners"):
        bad("POST", "/api/v1/" + res, dict(VALID[res], place=G1), 400, "place", what="%s place is read-only" % res)
        bad("PATCH", "/api/v1/%s/%d" % (res, ROWS[res]["id"]), {"place": G1}, 400, "place",
            what="PATCH %s place is read-only" % res)
    bad("POST", "/api/v1/owners", dict(VALID["owners"], owner_key="P:1"), 400, "owner_key")
    bad("PATCH", "/api/v1/households/%d" % H["id"], {"building_id": B["id"]}, 400, "building_id",
        what="a household cannot move to another building")
    bad("PATCH", "/api/v1/residents/%d" % R["id"], {"household_id": H["id"]}, 400, "household_id")
    # references that do not exist are rule violations
    bad("POST", "/api/v1/households", dict(VALID["households"], building_id=999999), 422, "building_id")
    bad("POST", "/api/v1/residents", dict(VALID["residents"], household_id=999999), 422, "household_id")
    bad("POST", "/api/v1/buildings", dict(VALID["buildings"], estate_id=999999), 422, "estate_id")
    bad("PATCH", "/api/v1/owners/%d" % O["id"], {"resident_id": 999999}, 422, "resident_id")
    bad("POST", "/api/v1/estates", dict(VALID["estates"], place=HUABU[:-3] + "999"), 422, "place",
        what="estate in a community that does not exist")
    bad("PATCH", "/api/v1/estates/%d" % E["id"], {"place": HUABU + "777"}, 422, "place",
        what="move an estate to a grid that does not exist")
    bad("POST", "/api/v1/staff", dict(VALID["staff"], place="150781004099"), 422, "place")
    # duplicates
    bad("POST", "/api/v1/households", dict(VALID["households"], room="101"), 409, None,
        what="household room taken")
    # a person owner needs an ID number or a resident
    bad("POST", "/api/v1/owners", {"household_id": H["id"], "kind": "person", "name": "x"}, 400, "id_number")


def sql_text():
    evil = "Robert'); DROP TABLE residents;--"
    for res, extra in (("residents", {"household_id": H["id"]}), ("estates", {"place": HUABU}),
                       ("enterprises", {"place": HUABU})):
        r = city.post("/api/v1/" + res, dict(extra, name=evil))
        t.status(r, 201, "%s with SQL text in the name" % res)
        t.eq(r.body.get("name"), evil, "%s SQL text echoed verbatim" % res)
        r2 = city.get("/api/v1/%s/%d" % (res, r.body["id"]))
        t.eq(r2.body.get("name"), evil, "%s SQL text read back verbatim" % res)
        t.eq(env.sql("SELECT name FROM %s WHERE id = ?" % res, (r.body["id"],))[0][0], evil,
             "%s SQL text stored verbatim" % res)
    t.ok(env.count("residents") > 0, "the residents table still exists")
    for q in ("'; DROP TABLE residents;--", "\" OR 1=1 --", "%' OR '1'='1", "x') UNION SELECT * FROM users--"):
        r = city.get("/api/v1/residents?q=" + gg.urllib.parse.quote(q))
        t.status(r, 200, "search for %r" % q)
        t.eq(r.body.get("items"), [], "search for %r matches nothing" % q)
    r = city.get("/api/v1/residents?q=" + gg.urllib.parse.quote("DROP TABLE"))
    t.eq(len(r.body.get("items", [])), 1, "search finds the SQL-text resident literally")
    r = city.get("/api/v1/residents?relation=" + gg.urllib.parse.quote("head' OR '1'='1"))
    t.status(r, (200, 400), "SQL text in an equality filter")
    if r.status == 200:
        t.eq(r.body.get("items"), [], "SQL text in an equality filter matches nothing")
    t.ok(env.count("residents") > 0 and env.count("users") > 0, "tables intact after the SQL text")


# ---------------------------------------------------------------- query parameters, routes, methods


def query_params():
    for res in gg.REGISTRY:
        p = "/api/v1/" + res
        for q, field in (("limit=0", "limit"), ("limit=abc", "limit"), ("limit=-1", "limit"),
                         ("limit=501", "limit"), ("limit=", "limit"), ("limit=1.5", "limit"),
                         ("limit=99999999999999999999", "limit"), ("after=garbage", "after"),
                         ("after=c", "after"), ("after=c!!", "after"), ("after=cZZ", "after"),
                         ("after=c" + "z" * 14, "after"), ("bogus=1", "bogus"), ("place=abc", "place"),
                         ("place=1507810", "place"), ("format=pdf", "format"), ("reveal=2", "reveal"),
                         ("q=" + "x" * 65, "q"), ("id=1", "id"), ("created_at=1", "created_at"),
                         ("name=x", "name")):
            bad("GET", p + "?" + q, None, 400, field, what="GET %s?%s" % (res, q[:40]))
        ok = city.get(p + "?limit=500&after=")
        t.status(ok, 200, "%s: an empty after is the first page" % res)
    for q, field in (("phone_tail=12345", "phone_tail"), ("id_tail=12345", "id_tail"),
                     ("household_id=abc", "household_id"), ("household_id=1.5", "household_id"),
                     ("is_owner=maybe", "is_owner"), ("relation=cousin", "relation")):
        bad("GET", "/api/v1/residents?" + q, None, 400, field, what="GET residents?" + q)
    bad("GET", "/api/v1/estates?phone_tail=1234", None, 400, "phone_tail")
    bad("GET", "/api/v1/buildings?estate_id=x", None, 400, "estate_id")
    bad("GET", "/api/v1/enterprises?party_linked=2", None, 400, "party_linked")
    bad("GET", "/api/v1/staff?role=boss", None, 400, "role")
    many = "&".join("x%d=1" % i for i in range(40))
    bad("GET", "/api/v1/estates?" + many, None, 400, "query", what="40 query parameters")
    bad("GET", "/api/v1/estates?q=%FF", None, 400, "q", what="query value not UTF-8")
    for p in ("/api/v1/users", "/api/v1/audit"):
        for q, field in (("limit=0", "limit"), ("limit=abc", "limit"), ("after=garbage", "after")):
            bad("GET", p + "?" + q, None, 400, field)
    bad("GET", "/api/v1/places?level=planet", None, 400, "level")
    bad("GET", "/api/v1/places?parent=xyz", None, 400, "parent")
    bad("GET", "/api/v1/grids?place=xyz", None, 400, "place")


def routes_and_methods():
    for path in ("/api/v1/nope", "/api/v2/households", "/nope", "/api/v1/households/1/extra",
                 "/api/v1/households/abc", "/api/v1/households/0", "/api/v1/households/-1",
                 "/api/v1/households/99999999999999999999", "/api/v1/places/999/children",
                 "/api/v1/grids/xyz", "/api/v1/nope%FF", "/%FF%FE", "/api/v1/households/%FF"):
        bad("GET", path, None, 404, None, what="GET " + path)
    bad("GET", "/nope%FF", None, 404, None, client=anon, what="unauthenticated GET /nope%FF")
    for method, path in (("POST", "/api/v1/nope"), ("PATCH", "/api/v1/nope/1"), ("PUT", "/api/v1/nope/1"),
                         ("GET", "/api/v1/nope/1"), ("POST", "/api/v1/nope%FF")):
        bad(method, path, {"name": "x"} if method != "GET" else None, 404, None, what="%s %s" % (method, path))
    r = gg.raw_request(srv.port, b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n")
    t.ok(r.status in (400, 404), "raw non-UTF-8 bytes in the path", r.status)
    t.status(anon.get("/healthz"), 200, "healthz after raw bytes in the path")
    for method, path in (("DELETE", "/api/v1/households/%d" % H["id"]), ("DELETE", "/api/v1/households"),
                         ("PATCH", "/api/v1/households"), ("PUT", "/api/v1/households"),
                         ("POST", "/api/v1/households/%d" % H["id"]), ("GET", "/api/v1/session"),
                         ("PUT", "/api/v1/session"), ("PATCH", "/api/v1/session"),
                         ("POST", "/api/v1/me"), ("DELETE", "/api/v1/me"), ("POST", "/api/v1/audit"),
                         ("DELETE", "/api/v1/users"), ("GET", "/api/v1/apikeys"),
                         ("PATCH", "/api/v1/grids/" + G1), ("POST", "/api/v1/teams"),
                         ("POST", "/api/v1/places"), ("DELETE", "/healthz"), ("POST", "/healthz")):
        body = {"name": "x"} if method in ("POST", "PATCH", "PUT") else None
        r = bad(method, path, body, 405, None, what="%s %s" % (method, path))
        t.ok("allow" in r.headers, "%s %s: 405 has an Allow header" % (method, path))


# ---------------------------------------------------------------- the other POST endpoints


def other_posts():
    u = {"login": "new-user", "password": gg.PASSWORD, "role": "grid_worker", "place": G1}
    for f in ("login", "password", "role", "place"):
        bad("POST", "/api/v1/users", {k: v for k, v in u.items() if k != f}, 400, f, what="user without " + f)
    for f, v in (("login", 5), ("password", 12345678), ("role", None), ("place", 150781), ("display_name", 1),
                 ("bogus", "x"), ("login", ""), ("login", "l" * 64), ("password", "short"),
                 ("password", "p" * 257), ("role", "king"), ("place", "abc"), ("display_name", "名" * 65)):
        bad("POST", "/api/v1/users", dict(u, **{f: v}), 400, f, what="user %s=%r" % (f, gg.short(v, 20)))
    bad("POST", "/api/v1/users", dict(u, place=HUABU + "999"), 422, "place", what="user at a grid that does not exist")
    bad("POST", "/api/v1/users", dict(u, login="city"), 409, "login", what="user login taken")
    g = {"community": HUABU}
    for body, field in (({}, "community"), ({"community": 150781004004}, "community"),
                        ({"community": "abc"}, "community"), ({"community": G1}, "community"),
                        (dict(g, name=""), "name"), (dict(g, name=5), "name"), (dict(g, name="名" * 65), "name"),
                        (dict(g, bogus=1), "bogus")):
        bad("POST", "/api/v1/grids", body, 400, field, what="grid %s" % gg.short(body, 60))
    bad("POST", "/api/v1/grids", {"community": HUABU[:-1] + "9"}, 422, "community")
    for body, field in (({}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"),
                        ({"name": "k", "x": 1}, "name"), ({"name": "名" * 65}, "name")):
        bad("POST", "/api/v1/apikeys", body, 400, field, what="apikey %s" % gg.short(body, 60))
    for body, field in (({}, "login"), ({"login": 5, "password": "x"}, "login"),
                        ({"login": "city"}, "password"), ({"login": "city", "password": 5}, "password"),
                        ({"login": "", "password": "x"}, "login"), ({"login": "l" * 64, "password": "x"}, "login")):
        bad("POST", "/api/v1/session", body, 400, field, client=anon, what="login %s" % gg.short(body, 60))


def text_lengths():
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "名" * 64})
    t.status(r, 201, "64 Chinese characters (192 bytes) fit a 64-character name")
    r = city.post("/api/v1/estates", {"place": HUABU, "name": "😀" * 64})
    t.status(r, 201, "64 emoji (4 bytes each) fit a 64-character name")
    t.eq(r.body.get("name"), "😀" * 64, "emoji round-trip")
    bad("POST", "/api/v1/estates", {"place": HUABU, "name": "😀" * 65}, 400, "name")


for section in (malformed, nesting_and_numbers, oversize, fields, sql_text, query_params,
                routes_and_methods, other_posts, text_lengths):
    t.run(section)
t.status(anon.get("/healthz"), 200, "healthz at the end")
t.eq(srv.proc.poll(), None, "the server is still running")
t.finish()
