"""test_open311.py — Open311 GeoReport v2 at /open311/v2/, in XML and JSON.

A database made by `gridgov init` for Manzhouli gets, through the JSON API,
a grid of 华埠社区 with an estate, a building, a household and an on-duty
grid worker, a private category and an API key. Then, in both formats and
against the GeoReport v2 specification:

  discovery; services (public active categories only, group = the parent's
  name, metadata when there are attributes); service definitions; filing
  with each kind of location (lat/long, address_string, address_id) and
  with the key in the form or in a header; attribute validation (required,
  datatype, allowed values, unknown attributes); every error case (no key,
  bad key, revoked key: 403; unknown service and unknown request: 404;
  missing location, description too long, bad dates, a range over 90 days,
  malformed forms, wrong content type: 400; several errors at once) with
  nothing written; listing filters (ids, service_code, status, dates) and
  paging; single requests and tokens; private cases never shown; no
  personal data in read answers; XML answers well-formed (xml.etree) and
  JSON answers arrays.
"""

import re
import urllib.parse
import xml.etree.ElementTree as ET

import gg
from gg import COUNTY, HUABU

t = gg.Checks()

env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
srv = env.server()
anon = srv.client()
city = anon.login("city")
G1 = gg.make_grid(city, HUABU)
EST = gg.create(city, "estates", {"place": G1, "name": "华埠小区", "address": "满洲里市华埠路8号"})
B1 = gg.create(city, "buildings", {"place": G1, "estate_id": EST["id"], "name": "1号楼",
                                   "address": "华埠小区1号楼", "lat": 49.59, "lon": 117.43})
H1 = gg.create(city, "households", {"building_id": B1["id"], "unit": "2", "room": "301",
                                    "area_centi": "88.00"})
gg.create(city, "staff", {"place": G1, "name": "李网格", "role": "fulltime", "on_duty": True})
r = city.post("/api/v1/categories", {"code": "secret", "name": "内部事项", "limit_hours": 7,
                                     "private": True})
assert r.status == 201, r
r = city.post("/api/v1/apikeys", {"name": "市民App"})
assert r.status == 201, r
KEY, KEY_ID = r.body["key"], r.body["id"]

BASE = "/open311/v2/"
PHONE, FIRST, LAST, EMAIL = "13812345678", "张", "三丰", "zhang@example.cn"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "lat", "long", "media_url"]


def form(fields):
    return urllib.parse.urlencode(fields).encode()


def post(fmt, fields, headers=None, raw=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return anon.post(BASE + "requests." + fmt, raw if raw is not None else form(fields), headers=h)


def xml_of(resp, what):
    """The parsed XML root of resp, after checking its content type and declaration."""
    ctype = resp.headers.get("content-type", "")
    t.ok(ctype.startswith("application/xml") and "charset=utf-8" in ctype,
         "%s: XML content type" % what, ctype)
    body = resp.body if isinstance(resp.body, bytes) else b""
    t.ok(body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), "%s: XML declaration" % what,
         body[:60])
    try:
        return ET.fromstring(body)
    except ET.ParseError as e:
        t.ok(False, "%s: XML is well-formed" % what, "%s: %r" % (e, body[:300]))
        return ET.Element("broken")


def json_array(resp, what):
    ctype = resp.headers.get("content-type", "")
    t.ok(ctype.startswith("application/json"), "%s: JSON content type" % what, ctype)
    t.ok(isinstance(resp.body, list), "%s: JSON answer is an array" % what, gg.short(resp.body))
    return resp.body if isinstance(resp.body, list) else []


def errors(resp, status, what, fmt="json", contains=None, n=None):
    """An Open311 error answer: the status, an array of {code, description}."""
    t.status(resp, status, what)
    if fmt == "json":
        errs = json_array(resp, what)
        shape = all(isinstance(e, dict) and set(e) == {"code", "description"}
                    and isinstance(e["code"], int) and isinstance(e["description"], str)
                    for e in errs) and errs
    else:
        root = xml_of(resp, what)
        t.eq(root.tag, "errors", "%s: root element" % what)
        errs = [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
                for e in root.findall("error")]
        shape = errs and all(len(list(e)) == 2 for e in root.findall("error"))
    t.ok(shape, "%s: errors shape" % what, gg.short(resp.body))
    if shape:
        t.ok(any(e["code"] == status for e in errs), "%s: an error with code %d" % (what, status),
             errs)
    if contains:
        for c in contains if isinstance(contains, (list, tuple)) else [contains]:
            t.ok(any(c in e["description"] for e in errs or []),
                 "%s: an error mentions %s" % (what, c), errs)
    if n is not None:
        t.eq(len(errs or []), n, "%s: number of errors" % what)
    return errs or []


def cases():
    return env.count("cases")


def test_discovery():
    r = anon.get(BASE + "discovery.json")
    t.status(r, 200, "discovery.json")
    d = r.body if isinstance(r.body, dict) else {}
    ep = (d.get("endpoints") or [{}])[0]
    t.eq(ep.get("specification"), "http://wiki.open311.org/GeoReport_v2", "discovery names the spec")
    t.ok(ep.get("url", "").endswith("/open311/v2"), "discovery url", ep.get("url"))
    t.eq(ep.get("formats"), ["text/xml", "application/json"], "discovery formats")
    t.ok(d.get("changeset") and d.get("contact") and d.get("key_service"), "discovery fields", d)
    x = xml_of(anon.get(BASE + "discovery.xml"), "discovery.xml")
    t.eq(x.tag, "discovery", "discovery.xml root")
    t.eq([f.text for f in x.findall("endpoints/endpoint/formats/format")],
         ["text/xml", "application/json"], "discovery.xml formats")
    t.eq(x.findtext("endpoints/endpoint/url"), ep.get("url"), "both formats say the same url")


def test_services():
    r = anon.get(BASE + "services.json")
    t.status(r, 200, "services.json")
    svcs = json_array(r, "services.json")
    codes = [s.get("service_code") for s in svcs]
    t.ok("utilities.heating_cold" in codes and "sanitation" in codes, "services listed", codes)
    t.ok("dispute" not in codes and "secret" not in codes, "private categories are not offered")
    keys = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    t.ok(all(set(s) == keys for s in svcs), "every service has the spec's fields", svcs[:1])
    t.ok(all(s["type"] == "realtime" for s in svcs), "type realtime")
    by = {s["service_code"]: s for s in svcs}
    heat = by.get("utilities.heating_cold", {})
    t.eq((heat.get("service_name"), heat.get("group"), heat.get("metadata")),
         ("暖气不热", "水电气暖", True), "暖气不热: name, group = parent's name, metadata")
    t.ok("暖气" in heat.get("keywords", ""), "keywords", heat)
    t.eq((by.get("utilities", {}).get("group"), by.get("utilities", {}).get("metadata")),
         ("", False), "a top-level category: no group, no attributes")
    x = xml_of(anon.get(BASE + "services.xml"), "services.xml")
    t.eq(x.tag, "services", "services.xml root")
    t.eq([s.findtext("service_code") for s in x.findall("service")], codes, "XML lists the same services")
    xh = [s for s in x.findall("service") if s.findtext("service_code") == "utilities.heating_cold"]
    t.ok(xh and xh[0].findtext("metadata") == "true" and xh[0].findtext("group") == "水电气暖",
         "services.xml: metadata and group")
    # an inactive category is no longer offered
    city.patch("/api/v1/categories/cityman.street_vending", {"active": False})
    codes2 = [s["service_code"] for s in anon.get(BASE + "services.json").body]
    t.ok("cityman.street_vending" not in codes2, "inactive category not offered")
    errors(anon.get(BASE + "services/cityman.street_vending.json"), 404, "inactive definition")
    city.patch("/api/v1/categories/cityman.street_vending", {"active": True})


def test_definitions():
    r = anon.get(BASE + "services/utilities.heating_cold.json")
    t.status(r, 200, "definition json")
    d = r.body if isinstance(r.body, dict) else {}
    t.eq(d.get("service_code"), "utilities.heating_cold", "definition service_code")
    attrs = d.get("attributes") or []
    t.eq([a.get("code") for a in attrs], ["indoor_temp", "radiator"], "attribute codes in order")
    t.eq([a.get("order") for a in attrs], [1, 2], "attribute order")
    keys = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
    t.ok(all(keys <= set(a) for a in attrs), "attribute fields", attrs)
    t.eq((attrs[0]["datatype"], attrs[0]["required"]), ("number", True), "indoor_temp: number, required")
    t.eq([v["key"] for v in attrs[1].get("values", [])], ["all_cold", "some_cold", "top_only"],
         "radiator values")
    x = xml_of(anon.get(BASE + "services/utilities.outage.xml"), "definition xml")
    t.eq(x.tag, "service_definition", "definition root")
    a = x.findall("attributes/attribute")
    t.eq([e.findtext("code") for e in a], ["utility", "scope", "since"], "outage attributes")
    t.eq([v.findtext("key") for v in a[0].findall("values/value")], ["water", "power", "gas", "heat"],
         "outage utility values")
    t.eq(a[0].findtext("datatype"), "singlevaluelist", "outage utility datatype")
    t.eq(a[2].findtext("datatype"), "datetime", "outage since datatype")
    r = anon.get(BASE + "services/sanitation.json")
    t.eq(r.body.get("attributes") if isinstance(r.body, dict) else None, [],
         "a service without attributes has an empty list")
    for fmt in ("json", "xml"):
        errors(anon.get(BASE + "services/nope.%s" % fmt), 404, "unknown service definition " + fmt, fmt)
        errors(anon.get(BASE + "services/dispute.%s" % fmt), 404, "private service definition " + fmt, fmt)
        errors(anon.get(BASE + "services/secret.%s" % fmt), 404, "private category definition " + fmt, fmt)
    errors(anon.get(BASE + "services/UTILITIES.json"), 404, "bad code shape")
    errors(anon.get(BASE + "services.html"), 404, "unknown format")
    errors(anon.get(BASE + "nothing.json"), 404, "unknown resource")
    errors(anon.get(BASE + "services.json?foo=1"), 400, "unknown parameter", contains="foo")
    t.status(anon.get(BASE + "services.json?jurisdiction_id=150781"), 200, "our jurisdiction")
    errors(anon.get(BASE + "services.json?jurisdiction_id=110000"), 404, "another jurisdiction")


CREATED = {}


def created(resp, what, fmt="json"):
    """Check a creation answer; returns (id, token)."""
    t.status(resp, 201, what)
    if fmt == "json":
        arr = json_array(resp, what)
        one = arr[0] if arr else {}
    else:
        root = xml_of(resp, what)
        t.eq(root.tag, "service_requests", "%s: root" % what)
        req = root.findall("request")
        one = {e.tag: e.text for e in req[0]} if req else {}
    sid, tok = one.get("service_request_id"), one.get("token")
    t.ok(isinstance(sid, str) and sid.isdigit(), "%s: service_request_id is a string" % what, one)
    t.ok(isinstance(tok, str) and TOKEN_RE.match(tok), "%s: token" % what, one)
    return sid, tok


def test_create():
    before = cases()
    # lat/long, JSON, key in the form, with contact data
    r = post("json", {"api_key": KEY, "service_code": "utilities.heating_cold", "lat": "49.5901",
                      "long": "117.4302", "description": "暖气一直不热", "attribute[indoor_temp]": "14",
                      "attribute[radiator]": "all_cold", "email": EMAIL, "first_name": FIRST,
                      "last_name": LAST, "phone": PHONE, "media_url": "https://img.example.cn/1.jpg"})
    CREATED["point"] = created(r, "create with lat/long")
    cid = int(CREATED["point"][0] or 0)
    row = env.sql("SELECT source, state, place, category, description, reporter_id FROM cases WHERE id = ?",
                  (cid,))
    t.ok(row and row[0][:4] == ("open311", "reported", G1, "utilities.heating_cold"),
         "the case: source open311, reported, located in the grid", row)
    t.ok(row and "室内温度（℃）：14" in row[0][4] and "全部不热" in row[0][4] and "暖气一直不热" in row[0][4],
         "the answers travel with the description", row)
    extra = env.sql("SELECT phone, first_name, email, media_url, attributes FROM open311_requests"
                    " WHERE case_id = ?", (cid,))
    t.ok(extra and extra[0][:4] == (PHONE, FIRST, EMAIL, "https://img.example.cn/1.jpg"),
         "contact data kept for staff", extra)
    t.ok(extra and '"indoor_temp":14' in extra[0][4], "answers kept as JSON", extra)
    log = env.sql("SELECT actor, role, action FROM case_log WHERE case_id = ?", (cid,))
    t.eq(log, [("open311:市民App", "system", "report")], "the log names the client")
    # address_id, XML
    r = post("xml", {"api_key": KEY, "service_code": "sanitation.stairwell",
                     "address_id": str(H1["id"]), "description": "楼道堆满杂物"})
    CREATED["household"] = created(r, "create with address_id", "xml")
    row = env.sql("SELECT household_id, place, address FROM cases WHERE id = ?",
                  (int(CREATED["household"][0] or 0),))
    t.ok(row and row[0][0] == H1["id"] and row[0][1] == G1, "filed for the household", row)
    # address_string, key in a header
    r = post("json", {"service_code": "utilities.outage", "address_string": "满洲里市华埠小区1号楼2单元",
                      "attribute[utility]": "water", "attribute[since]": "2026-01-15T07:30:00Z"},
             headers={"X-Api-Key": KEY})
    CREATED["address"] = created(r, "create with address_string, key in X-Api-Key")
    row = env.sql("SELECT place, lat, lon, address, description FROM cases WHERE id = ?",
                  (int(CREATED["address"][0] or 0),))
    t.ok(row and row[0][0] == G1 and abs(row[0][1] - 49.59) < 1e-9, "address located at the building", row)
    t.ok(row and "2026-01-15T15:30:00+08:00" in row[0][4], "datetime answer in China time", row)
    # an estate's address, bearer header, multivaluelist
    body = urllib.parse.urlencode([("service_code", "sanitation.garbage"),
                                   ("address_string", "满洲里市华埠路8号门口"),
                                   ("attribute[kind][]", "household"), ("attribute[kind][]", "bulky")])
    r = post("xml", None, headers={"Authorization": "Bearer " + KEY}, raw=body.encode())
    CREATED["estate"] = created(r, "create at an estate's address, multivaluelist", "xml")
    row = env.sql("SELECT description FROM cases WHERE id = ?", (int(CREATED["estate"][0] or 0),))
    t.ok(row and "生活垃圾、大件垃圾" in row[0][0], "multivaluelist answers", row)
    t.eq(cases(), before + 4, "four cases filed")
    # idempotent retry answers the same, in XML
    h = {"Idempotency-Key": "o311-retry-1"}
    f = {"api_key": KEY, "service_code": "facilities", "lat": "49.59", "long": "117.43"}
    r1, r2 = post("xml", f, headers=h), post("xml", f, headers=h)
    t.eq((r1.status, r2.status, r1.body), (201, 201, r2.body), "a retried POST answers the same")
    t.ok(r2.headers.get("content-type", "").startswith("application/xml"), "the replay is XML too")
    t.eq(cases(), before + 5, "the retry filed nothing")
    # registration by a grid worker dispatches it: deadlines apply
    cid = int(CREATED["household"][0])
    r = city.post("/api/v1/cases/%d/actions" % cid, {"action": "register"})
    t.ok((r.status, r.body.get("state")) == (200, "dispatched"), "registered and dispatched", r.body)
    r = anon.get(BASE + "requests/%d.json" % cid)
    one = (r.body or [{}])[0]
    t.ok(TIME_RE.match(one.get("expected_datetime") or ""), "expected_datetime = the deadline", one)
    t.eq(one.get("status_notes"), "已派遣 (dispatched)", "status_notes after dispatch")
    t.eq(one.get("agency_responsible"), gg_grid_name(), "agency: the grid team")


def gg_grid_name():
    return env.sql("SELECT name FROM places WHERE code = ?", (G1,))[0][0]


def test_attributes():
    base = {"api_key": KEY, "service_code": "utilities.heating_cold", "lat": "49.59", "long": "117.43"}
    before = cases()
    cases_ = [
        ({}, "attribute[indoor_temp]", "required"),
        ({"attribute[indoor_temp]": "warm"}, "attribute[indoor_temp]", "not a number"),
        ({"attribute[indoor_temp]": "1e3"}, "attribute[indoor_temp]", "exponent"),
        ({"attribute[indoor_temp]": "41"}, "attribute[indoor_temp]", "above max"),
        ({"attribute[indoor_temp]": "-31"}, "attribute[indoor_temp]", "below min"),
        ({"attribute[indoor_temp]": "15", "attribute[radiator]": "hot"}, "attribute[radiator]",
         "not an allowed value"),
        ({"attribute[indoor_temp]": "15", "attribute[colour]": "red"}, "attribute[colour]", "unknown"),
        ({"attribute[indoor_temp][]": "15"}, "attribute[indoor_temp]", "a list for a single value"),
    ]
    for extra, field, what in cases_:
        f = dict(base)
        f.update(extra)
        for fmt in ("json", "xml"):
            errors(post(fmt, f), 400, "attribute %s (%s)" % (what, fmt), fmt, contains=field)
    f = dict(base, **{"service_code": "utilities.outage", "attribute[utility]": "water",
                      "attribute[since]": "yesterday"})
    errors(post("json", f), 400, "bad datetime attribute", contains="attribute[since]")
    f = dict(base, **{"service_code": "sanitation.garbage"})
    body = urllib.parse.urlencode(list(f.items()) + [("attribute[kind][]", "bulky"),
                                                     ("attribute[kind][]", "bulky")])
    errors(post("json", None, raw=body.encode()), 400, "a list value twice", contains="attribute[kind]")
    t.eq(cases(), before, "no refused request filed a case")
    r = post("json", dict(base, **{"attribute[indoor_temp]": "17.5"}))
    t.status(r, 201, "a decimal temperature")


def test_errors():
    before = cases()
    good = {"service_code": "sanitation", "lat": "49.59", "long": "117.43"}
    for fmt in ("json", "xml"):
        errors(post(fmt, good), 403, "no api_key " + fmt, fmt, contains="api_key", n=1)
        errors(post(fmt, dict(good, api_key="gk_" + "0" * 64)), 403, "bad api_key " + fmt, fmt, n=1)
        errors(post(fmt, dict(good, api_key="nonsense")), 403, "garbage api_key " + fmt, fmt)
        errors(post(fmt, good, headers={"X-Api-Key": "gk_bad"}), 403, "bad X-Api-Key " + fmt, fmt)
        errors(post(fmt, dict(good, api_key=KEY, service_code="nope")), 404, "unknown service " + fmt,
               fmt, contains="service_code", n=1)
        errors(post(fmt, dict(good, api_key=KEY, service_code="dispute")), 404,
               "private service " + fmt, fmt)
        errors(post(fmt, {"api_key": KEY, "service_code": "sanitation"}), 400,
               "missing location " + fmt, fmt, contains="location", n=1)
        errors(post(fmt, dict(good, api_key=KEY, description="长" * 4001)), 400,
               "description too long " + fmt, fmt, contains="description", n=1)
        errors(anon.get(BASE + "requests/999999.%s" % fmt), 404, "unknown request " + fmt, fmt)
        errors(anon.get(BASE + "requests/abc.%s" % fmt), 404, "non-numeric request id " + fmt, fmt)
        errors(anon.get(BASE + "tokens/%s.%s" % ("f" * 32, fmt)), 404, "unknown token " + fmt, fmt)
    t.status(post("json", dict(good, api_key=KEY, description="长" * 4000)), 201,
             "description of 4000 characters")
    before += 1
    # a header key with a staff session token does not make an API key
    staff = anon.login("city")
    r = anon.post(BASE + "requests.json", form(good), token=staff.token,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    errors(r, 403, "a session token is not an API key")
    # several errors at once
    r = post("json", {"api_key": KEY, "service_code": "utilities.heating_cold", "lat": "91",
                      "long": "117", "email": "not-an-email", "phone": "123", "media_url": "ftp://x",
                      "attribute[indoor_temp]": "hot", "description": "x" * 4001, "colour": "red"})
    errs = errors(r, 400, "several errors at once",
                  contains=["lat", "email", "phone", "media_url", "attribute[indoor_temp]",
                            "description", "colour"])
    t.ok(len(errs) >= 7, "each problem is its own error", errs)
    r = post("xml", {"api_key": KEY, "service_code": "nope", "description": "x" * 4001})
    errs = errors(r, 400, "unknown service and other errors", "xml", contains=["service_code", "location"])
    t.ok(any(e["code"] == 404 for e in errs), "the unknown service keeps its 404 code", errs)
    # unknown address, household, no grid nearby, lat without long, both kinds of location
    errors(post("json", dict(api_key=KEY, service_code="sanitation", address_string="北京市天安门")), 400,
           "an address the registry does not know", contains="address_string")
    errors(post("json", dict(api_key=KEY, service_code="sanitation", address_id="999999")), 400,
           "unknown household", contains="address_id")
    errors(post("json", dict(api_key=KEY, service_code="sanitation", address_id="x")), 400,
           "malformed address_id", contains="address_id")
    errors(post("json", dict(api_key=KEY, service_code="sanitation", lat="10", long="10")), 400,
           "no grid near the point", contains="lat")
    errors(post("json", dict(api_key=KEY, service_code="sanitation", lat="49.59")), 400,
           "lat without long", contains="long")
    errors(post("json", dict(good, api_key=KEY, address_id=str(H1["id"]))), 400,
           "address_id and lat/long together", contains="address_id")
    # malformed bodies
    errors(post("json", None, raw=b"api_key=" + KEY.encode() + b"&service_code=%ZZ"), 400, "bad escape",
           contains="service_code")
    errors(post("json", None, raw=b"api_key=" + KEY.encode() + b"&&service_code=x"), 400, "empty pair")
    errors(post("json", None, raw=b"service_code=a&service_code=b&api_key=" + KEY.encode()), 400,
           "a parameter twice")
    errors(post("json", None, raw=b"description=%ff%fe&api_key=" + KEY.encode()), 400, "invalid UTF-8",
           contains="description")
    errors(post("json", None, raw=b"description=%00&api_key=" + KEY.encode()), 400, "NUL byte")
    r = anon.post(BASE + "requests.json", dict(good, api_key=KEY))  # JSON body
    errors(r, 400, "a JSON body", contains="x-www-form-urlencoded")
    r = anon.post(BASE + "requests.json?service_code=sanitation", form(dict(good, api_key=KEY)),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    errors(r, 400, "parameters in the URL of a POST", contains="service_code")
    errors(post("json", None, raw=b"a=" + b"x" * (70 * 1024)), 413, "a form over 64 KiB")
    r = anon.post(BASE + "services.json", form(good),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    errors(r, 405, "POST to services")
    # dates
    for fmt in ("json", "xml"):
        errors(anon.get(BASE + "requests.%s?start_date=yesterday" % fmt), 400, "bad start_date " + fmt,
               fmt, contains="start_date")
        errors(anon.get(BASE + "requests.%s?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:01Z"
                        % fmt), 400, "range over 90 days " + fmt, fmt, contains="90 days")
    errors(anon.get(BASE + "requests.json?start_date=2026-02-30"), 400, "February 30th")
    errors(anon.get(BASE + "requests.json?start_date=2026-03-02&end_date=2026-03-01"), 400,
           "end before start", contains="end_date")
    errors(anon.get(BASE + "requests.json?status=pending"), 400, "bad status", contains="status")
    errors(anon.get(BASE + "requests.json?page_size=1001"), 400, "page_size over 1000")
    errors(anon.get(BASE + "requests.json?page=0&page_size=0&status=x&start_date=x"), 400,
           "several list errors", n=4)
    errors(anon.get(BASE + "requests.json?service_request_id=1,x"), 400, "bad id list")
    errors(anon.get(BASE + "requests.json?service_code=nope"), 404, "list of an unknown service")
    t.eq(cases(), before, "no refused request filed a case")
    t.eq(env.count("open311_requests"), env.sql("SELECT COUNT(*) FROM cases WHERE source = 'open311'")[0][0],
         "one open311 row per case filed through Open311")


def test_revoked():
    r = city.post("/api/v1/apikeys", {"name": "old app"})
    key, kid = r.body["key"], r.body["id"]
    good = {"api_key": key, "service_code": "sanitation", "lat": "49.59", "long": "117.43"}
    t.status(post("json", good), 201, "a fresh key files")
    r = city.delete("/api/v1/apikeys/%d" % kid)
    t.status(r, 200, "revoke the key")
    before = cases()
    errors(post("json", good), 403, "revoked key", contains="api_key")
    errors(post("xml", {k: v for k, v in good.items() if k != "api_key"},
                headers={"X-Api-Key": key}), 403, "revoked key in a header", "xml")
    t.eq(cases(), before, "a revoked key files nothing")
    t.error(city.delete("/api/v1/apikeys/999999"), 404, "revoke an unknown key")
    out = env.cli("apikey", "revoke", "--db", env.db, "--id", str(KEY_ID + 1000))
    t.ok(out.returncode != 0, "CLI: revoking an unknown key fails", out.stderr)


def request_of(fmt, resp, what):
    if fmt == "json":
        return json_array(resp, what)
    root = xml_of(resp, what)
    t.eq(root.tag, "service_requests", "%s: root" % what)
    return [{e.tag: e.text or "" for e in req} for req in root.findall("request")]


def test_lists():
    ids = [CREATED[k][0] for k in ("point", "household", "address", "estate")]
    # one case closed (cancelled as a duplicate)
    r = city.post("/api/v1/cases/%s/actions" % ids[3], {"action": "cancel", "note": "重复上报"})
    t.status(r, 200, "cancel a case")
    for fmt in ("json", "xml"):
        what = "requests.%s" % fmt
        reqs = request_of(fmt, anon.get(BASE + what), what)
        got = [x.get("service_request_id") for x in reqs]
        t.ok(set(ids) <= set(got), "%s lists the filed cases" % what, got)
        t.eq(got, sorted(got, key=int, reverse=True), "%s newest first" % what)
        t.ok(all(set(REQUEST_FIELDS) == set(x) for x in reqs), "%s fields" % what, reqs[:1])
        one = [x for x in reqs if x.get("service_request_id") == ids[0]]
        one = one[0] if one else {}
        t.eq((one.get("status"), one.get("status_notes"), one.get("service_code"),
              one.get("service_name")),
             ("open", "已上报 (reported)", "utilities.heating_cold", "暖气不热"), "%s one request" % what)
        t.ok(TIME_RE.match(one.get("requested_datetime", "")) and
             TIME_RE.match(one.get("updated_datetime", "")), "%s times with zone" % what, one)
        t.eq(one.get("media_url"), "https://img.example.cn/1.jpg", "%s media_url" % what)
        if fmt == "json":
            t.ok(isinstance(one.get("lat"), float) and abs(one["lat"] - 49.5901) < 1e-9,
                 "json lat is a number", one)
            t.eq(one.get("expected_datetime"), None, "no deadline before dispatch")
        else:
            t.ok(abs(float(one.get("lat") or 0) - 49.5901) < 1e-9, "xml lat", one)
            t.eq(one.get("expected_datetime"), "", "xml: empty expected_datetime")
        cancelled = [x for x in reqs if x.get("service_request_id") == ids[3]]
        t.ok(cancelled and cancelled[0]["status"] == "closed" and
             cancelled[0]["status_notes"] == "已作废 (cancelled)", "%s a cancelled case is closed" % what,
             cancelled)
        text = gg.short(anon.get(BASE + what).body, 10 ** 7)
        t.ok(PHONE not in text and FIRST + LAST not in text and "三丰" not in text and EMAIL not in text,
             "%s shows no personal data" % what)
        # filters
        q = request_of(fmt, anon.get(BASE + "requests.%s?service_request_id=%s,%s" % (fmt, ids[1], ids[0])),
                       "ids " + fmt)
        t.eq(sorted(x["service_request_id"] for x in q), sorted([ids[0], ids[1]]), "service_request_id list " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?service_code=utilities.outage" % fmt), "code " + fmt)
        t.ok(q and all(x["service_code"] == "utilities.outage" for x in q), "service_code filter " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?status=closed" % fmt), "closed " + fmt)
        t.eq([x["service_request_id"] for x in q], [ids[3]], "status=closed " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?status=open" % fmt), "open " + fmt)
        t.ok(ids[3] not in [x["service_request_id"] for x in q] and ids[0] in
             [x["service_request_id"] for x in q], "status=open " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?status=open,closed" % fmt), "both " + fmt)
        t.eq(len(q), len(reqs), "status=open,closed is every status " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?start_date=2099-01-01T00:00:00%%2B08:00" % fmt),
                       "future " + fmt)
        t.eq(q, [], "a window in the future is empty " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?end_date=2020-01-01" % fmt), "past " + fmt)
        t.eq(q, [], "a window in the past is empty " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?start_date=2000-01-01T00:00:00Z&end_date="
                                     "2000-03-31T00:00:00Z" % fmt), "90 days " + fmt)
        t.eq(q, [], "a range of exactly 90 days is allowed " + fmt)
        # paging
        p1 = request_of(fmt, anon.get(BASE + "requests.%s?page_size=2" % fmt), "page 1 " + fmt)
        p2 = request_of(fmt, anon.get(BASE + "requests.%s?page_size=2&page=2" % fmt), "page 2 " + fmt)
        ids1 = [x["service_request_id"] for x in p1]
        ids2 = [x["service_request_id"] for x in p2]
        t.eq(ids1 + ids2, got[:4], "pages follow each other " + fmt)
        # one request
        r = anon.get(BASE + "requests/%s.%s" % (ids[0], fmt))
        t.status(r, 200, "one request " + fmt)
        q = request_of(fmt, r, "one " + fmt)
        t.eq([x.get("service_request_id") for x in q], [ids[0]], "requests/{id} is a one-element list " + fmt)
        # tokens
        tok = CREATED["point"][1]
        r = anon.get(BASE + "tokens/%s.%s" % (tok, fmt))
        t.status(r, 200, "token " + fmt)
        q = request_of(fmt, r, "token " + fmt)
        t.eq(q, [{"service_request_id": ids[0], "token": tok}], "token answers the request id " + fmt)


def test_private():
    r = city.post("/api/v1/cases", {"category": "dispute", "lat": 49.59, "lon": 117.43,
                                    "description": "邻里噪音纠纷"})
    t.status(r, 201, "file a dispute")
    r2 = city.post("/api/v1/cases", {"category": "sanitation", "lat": 49.59, "lon": 117.43,
                                     "private": True, "description": "请勿公开"})
    t.status(r2, 201, "file a case asked to be private")
    r3 = city.post("/api/v1/cases", {"category": "secret", "lat": 49.59, "lon": 117.43})
    t.status(r3, 201, "file a case of a private category")
    r4 = city.post("/api/v1/cases", {"category": "sanitation", "lat": 49.59, "lon": 117.43,
                                     "description": "公开的"})
    hidden = [str(x.body["id"]) for x in (r, r2, r3)]
    for fmt in ("json", "xml"):
        reqs = request_of(fmt, anon.get(BASE + "requests.%s" % fmt), "list " + fmt)
        got = [x["service_request_id"] for x in reqs]
        t.ok(not set(hidden) & set(got), "private cases are never listed " + fmt, got)
        t.ok(str(r4.body["id"]) in got, "a public case filed through the JSON API is listed " + fmt)
        for h in hidden:
            errors(anon.get(BASE + "requests/%s.%s" % (h, fmt)), 404, "private request %s %s" % (h, fmt), fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?service_request_id=%s" % (fmt, ",".join(hidden))),
                       "ids " + fmt)
        t.eq(q, [], "private cases are not found by id " + fmt)
        q = request_of(fmt, anon.get(BASE + "requests.%s?service_code=sanitation" % fmt), "code " + fmt)
        t.ok(hidden[1] not in [x["service_request_id"] for x in q], "nor by service " + fmt)
    text = gg.short(anon.get(BASE + "requests.json").body, 10 ** 7)
    t.ok("邻里噪音纠纷" not in text and "请勿公开" not in text, "no private text anywhere")


def test_escaping():
    nasty = "<b>&amp;\"'</b> ]]> \x01\x7f ok \r\n next"
    body = urllib.parse.urlencode({"api_key": KEY, "service_code": "sanitation", "lat": "49.59",
                                   "long": "117.43", "description": nasty.replace("\x01", "").replace("\x7f", "")})
    sid, _ = created(post("json", None, raw=body.encode()), "markup in the description")
    # a control character filed through the JSON API must not break the XML
    r = city.post("/api/v1/cases", {"category": "sanitation", "lat": 49.59, "lon": 117.43,
                                    "description": "ctl\u0001\u0008 <x>"})
    t.status(r, 201, "a description with control characters")
    for cid, want in ((sid, "<b>&amp;\"'</b> ]]>  ok \r\n next"), (str(r.body["id"]), None)):
        x = xml_of(anon.get(BASE + "requests/%s.xml" % cid), "escaped xml")
        d = x.findtext("request/description")
        if want:
            t.eq(d, want, "the description comes back exactly")
        else:
            t.ok(d is not None and "<x>" in d and "\ufffd" in d, "control characters replaced", d)


def test_form_fuzzish():
    """Odd bodies never crash the server and never file anything."""
    before = cases()
    bodies = [b"", b"=", b"&", b"a", b"%", b"%4", b"a=%", b"a=%g0", b"a=b&", b"[]=1", b"a[]=1&a[]=2",
              b"api_key=" + KEY.encode() + b"&service_code=" + b"\xe6\x9a\x96",
              b"api_key=" + KEY.encode() + b"&attribute[=1", b"api_key=%67k_" + b"0" * 64,
              b"x=" + b"%41" * 1000, b"\r\n", b"a=1\nb=2"]
    for b in bodies:
        r = post("json", None, raw=b)
        t.ok(r.status in (400, 403, 404, 413), "odd body %r answers an error" % b[:30], r.status)
    t.eq(cases(), before, "odd bodies filed nothing")
    t.status(anon.get("/healthz"), 200, "the server still serves")


t.run(test_discovery)
t.run(test_services)
t.run(test_definitions)
t.run(test_create)
t.run(test_attributes)
t.run(test_errors)
t.run(test_revoked)
t.run(test_lists)
t.run(test_private)
t.run(test_escaping)
t.run(test_form_fuzzish)
t.finish()
