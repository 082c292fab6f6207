"""test_import.py — importing residents from CSV (HTTP and CLI) and exporting
lists (CLI), against the real binary with the real places of Manzhouli.

Covers: a good file with and without a byte-order mark, CRLF and LF, English
and Chinese headers; rows visible through GET /api/v1/residents; households
reused across rows and files; a file with bad rows listed one by one (line and
field) on a dry run and refused as a whole on a real run (nothing written);
header errors; scope, permissions and request checks; the body cap for
imports; the CLI's import (exit statuses, audit) and export (CSV with a BOM,
masking, --reveal audited, .xlsx).
"""

import csv
import io
import os

import gg
from gg import COUNTY, HUABU, YUNSHAN, id_number

t = gg.Checks()
env = gg.Env()
env.user_add("city", "city_admin", COUNTY)
env.user_add("yunshan", "community_admin", YUNSHAN)
srv = env.server()
anon = srv.client()
city = anon.login("city")
W = {}

HEADER = "grid,estate,building,unit,room,area,name,id_number,phone,relation,is_owner,lat,lon"
ZH_HEADER = "网格,小区,楼栋,单元,房号,面积,姓名,身份证号,电话,与户主关系,是否业主,纬度,经度"
BOM = b"\xef\xbb\xbf"
WRITTEN = ["estates", "buildings", "households", "residents", "audit_log"]


def ids(n, birth):
    """n distinct valid ID numbers born on birth."""
    return [id_number(i, region="150781", birth=birth) for i in range(n)]


def csv_bytes(header, rows, bom=False, crlf=False):
    end = "\r\n" if crlf else "\n"
    text = header + end + "".join(",".join(r) + end for r in rows)
    return (BOM if bom else b"") + text.encode("utf-8")


def post_import(client, body, query="", ctype="text/csv"):
    return client.post("/api/v1/import/residents" + query, body,
                       headers={"Content-Type": ctype})


def household_id(grid, building, unit, room):
    rows = env.sql("SELECT h.id FROM households h JOIN buildings b ON b.id = h.building_id"
                   " WHERE b.place = ? AND b.name = ? AND h.unit = ? AND h.room = ?",
                   (grid, building, unit, room))
    return rows[0][0] if rows else None


def errors_by_line(resp):
    body = resp.body if isinstance(resp.body, dict) else {}
    return {e["line"]: (e["field"], e["reason"]) for e in body.get("rows", [])}


# ---------------------------------------------------------------- setup


def setup():
    W["g1"] = gg.make_grid(city, HUABU)
    W["g2"] = gg.make_grid(city, HUABU)
    W["gy"] = gg.make_grid(city, YUNSHAN)


# ---------------------------------------------------------------- good files


def good_files():
    g1, g2 = W["g1"], W["g2"]
    a = ids(6, "19800101")
    rows = [
        [g1, "华埠小区", "1号楼", "1", "101", "89.5", "张伟", a[0], "13800000001", "head", "1",
         "49.59", "117.43"],
        [g1, "华埠小区", "1号楼", "1", "101", "89.50", "李娜", a[1], "", "spouse", "0", "", ""],
        [g1, "华埠小区", "1号楼", "2", "201", "76", "王强", a[2], "0470-6221234", "head", "是",
         "", ""],
        [g2, "", "平房3排", "", "5", "45.25", "赵敏", a[3], "13900000002", "head", "Y",
         "49.6", "117.44"],
    ]
    before = env.counts(WRITTEN)
    r = post_import(city, csv_bytes(HEADER, rows, bom=True, crlf=True))
    t.status(r, 200, "import a good file (BOM, CRLF)")
    b = r.body if isinstance(r.body, dict) else {}
    t.eq(b.get("ok"), True, "ok is true")
    t.eq(b.get("dry_run"), False, "not a dry run")
    t.eq(b.get("rows"), 4, "4 rows")
    t.eq(b.get("residents"), 4, "4 residents")
    t.eq(b.get("households"), 3, "3 households (the first two rows share one)")
    t.eq(b.get("households_created"), 3, "3 new households")
    t.eq(b.get("buildings_created"), 2, "2 new buildings")
    t.eq(b.get("estates_created"), 1, "1 new estate")
    after = env.counts(WRITTEN)
    t.eq(after["residents"] - before["residents"], 4, "4 residents written")
    t.eq(after["households"] - before["households"], 3, "3 households written")
    t.eq(after["audit_log"] - before["audit_log"], 1, "one audit entry for the import")
    audit = env.sql("SELECT action, resource, detail, login FROM audit_log ORDER BY id DESC"
                    " LIMIT 1")[0]
    t.eq(audit, ("import", "residents", "4 rows, 3 households, 4 residents", "city"),
         "the audit entry says what was imported")

    hid = household_id(g1, "1号楼", "1", "101")
    t.ok(hid is not None, "household 1号楼 1-101 exists")
    r = city.get("/api/v1/residents?household_id=%s" % hid)
    t.status(r, 200, "residents of the household")
    items = r.body.get("items", []) if isinstance(r.body, dict) else []
    t.eq(sorted(i["name"] for i in items), ["张伟", "李娜"], "both residents of 1-101 listed")
    byname = {i["name"]: i for i in items}
    t.eq(byname.get("张伟", {}).get("id_number"), gg.mask_id(a[0]), "ID number masked")
    t.eq(byname.get("张伟", {}).get("is_owner"), True, "is_owner 1 → true")
    t.eq(byname.get("李娜", {}).get("is_owner"), False, "is_owner 0 → false")
    t.eq(byname.get("李娜", {}).get("phone"), None, "empty phone stored as null")
    t.eq(byname.get("李娜", {}).get("relation"), "spouse", "relation kept")
    t.eq(byname.get("张伟", {}).get("place"), g1, "resident placed in the grid")
    r = city.get("/api/v1/households/%s" % hid)
    t.eq(r.body.get("area_centi"), 8950, "area 89.5 m² stored as 8950 hundredths")
    t.eq(r.body.get("place"), g1, "household placed in the grid")
    hw = household_id(g1, "1号楼", "2", "201")
    r = city.get("/api/v1/residents?household_id=%s" % hw)
    t.eq(r.body["items"][0].get("is_owner") if r.body.get("items") else None, True, "是 → owner")
    b2 = env.sql("SELECT estate_id, lat, lon FROM buildings WHERE name = '平房3排'")
    t.eq(b2, [(None, 49.6, 117.44)], "a building without an estate, with its coordinates")
    est = env.sql("SELECT place FROM estates WHERE name = '华埠小区'")
    t.eq(est, [(HUABU,)], "a new estate belongs to the grid's community")

    # Chinese header, no BOM, LF; a new resident in an existing household, Chinese relation.
    rows = [[g1, "华埠小区", "1号楼", "1", "101", "89.5", "张小明", a[4], "", "子女", "否", "", ""]]
    r = post_import(city, csv_bytes(ZH_HEADER, rows))
    t.status(r, 200, "import with the Chinese header, no BOM, LF")
    t.eq(r.body.get("households_created"), 0, "existing household reused")
    t.eq(r.body.get("buildings_created"), 0, "existing building reused (no lat/lon needed)")
    r = city.get("/api/v1/residents?household_id=%s" % hid)
    names = sorted(i["name"] for i in r.body.get("items", []))
    t.eq(names, ["张伟", "张小明", "李娜"], "the new resident joined the household")
    rel = [i["relation"] for i in r.body["items"] if i["name"] == "张小明"]
    t.eq(rel, ["child"], "子女 → child")

    # Columns in another order, quoted fields, a field with a newline inside quotes.
    hdr = "name,id_number,grid,building,room,area,estate,unit"
    body = ('%s\n"周""小""红",%s,%s,"1号楼",102,"60.00","华埠小区",1\n' % (hdr, a[5], g1))
    r = post_import(city, body.encode())
    t.status(r, 200, "columns in any order, quoted fields, missing optional columns")
    got = env.sql("SELECT name, relation, is_owner FROM residents WHERE id_number = ?", (a[5],))
    t.eq(got, [('周"小"红', "head", 0)], "quotes undone; relation and is_owner default")


# ---------------------------------------------------------------- bad files


def bad_rows():
    g1, gy = W["g1"], W["gy"]
    b = ids(20, "19900202")
    taken = id_number(0, region="150781", birth="19800101")  # imported above
    bad_check = b[9][:17] + ("0" if b[9][17] != "0" else "1")
    rows = [
        [g1, "新村", "9号楼", "1", "101", "80", "好人", b[0], "", "head", "1", "49.5", "117.4"],
        [g1, "新村", "9号楼", "1", "102", "80", "坏号", bad_check, "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "103", "80", "坏电话", b[1], "12345", "head", "1", "", ""],
        ["150781004004099", "新村", "9号楼", "1", "104", "80", "无网格", b[2], "", "head", "1",
         "", ""],
        [g1, "新村", "9号楼", "1", "105", "-3", "负面积", b[3], "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "106", "80", "关系", b[4], "", "boss", "1", "", ""],
        [g1, "新村", "9号楼", "1", "107", "80", "业主", b[5], "", "head", "maybe", "", ""],
        [g1, "新村", "10号楼", "1", "101", "80", "无坐标", b[6], "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "108", "80", "重号", b[0], "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "109", "80", "老号", taken, "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "101", "81", "面积不符", b[7], "", "spouse", "0", "", ""],
        [g1, "新村", "9号楼", "1", "110", "80", "短行", b[8]],
        [g1, "新村", "9号楼", "1", "111", "80", "", b[10], "", "head", "1", "", ""],
        [g1, "新村", "9号楼", "1", "112", "80", "好人二", b[11], "", "head", "1", "", ""],
    ]
    want = {
        3: "id_number", 4: "phone", 5: "grid", 6: "area", 7: "relation", 8: "is_owner",
        9: "lat", 10: "id_number", 11: "id_number", 12: "area", 13: "phone", 14: "name",
    }
    data = csv_bytes(HEADER, rows)
    before = env.counts(WRITTEN)
    r = post_import(city, data, "?dry_run=1")
    t.error(r, 422, "dry run of a file with bad rows", field="rows", code="rule_violated")
    got = errors_by_line(r)
    t.eq(sorted(got), sorted(want), "every bad row listed by line, and only those")
    for line, field in want.items():
        t.eq(got.get(line, (None,))[0], field, "line %d names field %s" % (line, field))
    t.ok(all(reason for _, reason in got.values()), "every bad row has a reason")
    t.ok("same ID number" in got.get(10, ("", ""))[1], "duplicate in file names the other line",
         got.get(10))
    t.ok("line 2" in got.get(10, ("", ""))[1], "duplicate points at line 2", got.get(10))
    t.ok("registered" in got.get(11, ("", ""))[1], "duplicate against the database", got.get(11))
    t.eq(r.body.get("error", {}).get("field"), "rows", "error field is rows")
    t.eq(r.body.get("more"), 0, "nothing left unlisted")
    t.eq(env.counts(WRITTEN), before, "a dry run writes nothing")

    r = post_import(city, data)
    t.status(r, 422, "real run of a file with bad rows")
    t.eq(sorted(errors_by_line(r)), sorted(want), "real run lists the same rows")
    t.eq(env.counts(WRITTEN), before, "a refused file writes nothing (not even the good rows)")
    t.eq(env.sql("SELECT COUNT(*) FROM buildings WHERE name = '9号楼'")[0][0], 0,
         "the building of the good first row was not kept")

    # The good rows alone import; a dry run of them says so and writes nothing.
    good = [rows[0], rows[13]]
    r = post_import(city, csv_bytes(HEADER, good), "?dry_run=true")
    t.status(r, 200, "dry run of a good file")
    t.eq((r.body.get("dry_run"), r.body.get("residents"), r.body.get("households_created")),
         (True, 2, 2), "dry run counts what it would write")
    t.eq(env.counts(WRITTEN), before, "a good dry run writes nothing")

    # Line numbers count physical lines: a quoted newline moves the later rows down.
    body = (HEADER + "\n" +
            ",".join([g1, "新村", "9号楼", "1", "120", "80", '"两行\n名字"', b[12], "", "head",
                      "1", "49.5", "117.4"]) + "\n" +
            ",".join([g1, "新村", "9号楼", "1", "121", "80", "坏", "123", "", "head", "1", "",
                      ""]) + "\n")
    r = post_import(city, body.encode(), "?dry_run=1")
    t.eq(errors_by_line(r), {4: ("id_number", errors_by_line(r).get(4, ("", ""))[1])},
         "a row after a quoted newline is reported on its physical line")

    # Scope: a community admin of 云杉社区 cannot import into 华埠社区's grid.
    ys = anon.login("yunshan")
    rows = [[gy, "", "云杉1号", "", "1", "50", "本区", b[13], "", "head", "1", "49.5", "117.4"],
            [g1, "", "越界楼", "", "1", "50", "越界", b[14], "", "head", "1", "49.5", "117.4"]]
    r = post_import(ys, csv_bytes(HEADER, rows))
    t.status(r, 422, "a row outside the caller's area")
    t.eq(errors_by_line(r).get(3, (None,))[0], "grid", "the out-of-area grid is named")
    t.ok("outside" in errors_by_line(r).get(3, ("", ""))[1], "reason says outside your area")
    r = post_import(ys, csv_bytes(HEADER, rows[:1]))
    t.status(r, 200, "the same admin imports into their own grid")


def header_errors():
    g1 = W["g1"]
    c = ids(3, "19700303")
    row = [g1, "", "H楼", "", "1", "50", "甲", c[0], "", "head", "1", "49.5", "117.4"]
    r = post_import(city, csv_bytes(HEADER + ",color", [row + ["red"]]), "?dry_run=1")
    t.status(r, 422, "unknown column")
    got = errors_by_line(r)
    t.ok(got.get(1, ("",))[0] == "color", "the unknown column is named", got)
    r = post_import(city, csv_bytes("grid,building,room,area,name", [row[:5]]), "?dry_run=1")
    t.status(r, 422, "a required column missing")
    t.ok(any(e.get("field") == "id_number" for e in r.body.get("rows", [])),
         "the missing id_number column is named", r.body)
    r = post_import(city, csv_bytes(HEADER + ",grid", [row + [g1]]), "?dry_run=1")
    t.status(r, 422, "a column twice")
    t.eq(errors_by_line(r).get(1, (None,))[0], "grid", "the repeated column is named")
    r = post_import(city, b"\xef\xbb\xbf\r\n", "?dry_run=1")
    t.status(r, 422, "a file with no header")
    r = post_import(city, ('%s\n%s,"unclosed\n' % (HEADER, g1)).encode(), "?dry_run=1")
    t.status(r, 422, "a quote that never closes")
    t.ok(2 in errors_by_line(r), "malformed CSV reported on its line", r.body)
    r = post_import(city, csv_bytes(HEADER, [row[:7] + ["\xff"]]).replace(b"\xc3\xbf", b"\xff"),
                    "?dry_run=1")
    t.status(r, 422, "bytes that are not UTF-8")


def requests():
    g1 = W["g1"]
    d = ids(1, "19600404")
    body = csv_bytes(HEADER, [[g1, "", "R楼", "", "1", "50", "乙", d[0], "", "head", "1", "49",
                               "117"]])
    env.user_add("worker", "grid_worker", g1)
    worker = anon.login("worker")
    r = post_import(worker, body)
    t.error(r, 403, "a grid worker may not import", code="forbidden")
    r = post_import(anon, body)
    t.error(r, 401, "import needs a login")
    r = post_import(city, body, ctype="application/json")
    t.error(r, 400, "JSON content type refused", field="Content-Type")
    r = post_import(city, b"")
    t.error(r, 400, "empty body", field="body")
    r = post_import(city, body, "?dry_run=maybe")
    t.error(r, 400, "bad dry_run", field="dry_run")
    r = post_import(city, body, "?color=1")
    t.error(r, 400, "unknown query parameter", field="color")
    r = post_import(city, body, "?place=" + YUNSHAN)
    t.status(r, 422, "place= narrows the scope")
    r = city.get("/api/v1/import/residents")
    t.status(r, (404, 405), "GET on the import route")

    # Over the JSON cap (1 MiB) but under the import cap: accepted.
    rows, n = [], 0
    e = [idn for year in range(1950, 1965) for idn in ids(1000, "%d0505" % year)]
    for i, idn in enumerate(e):
        rows.append([g1, "大院", "B%d" % (i // 100), str(i // 20 % 5), str(100 + i % 20), "70.25",
                     "居民%d" % i, idn, "13%09d" % i, "head", "0", "49.5", "117.4"])
        n += 1
    big = csv_bytes(HEADER, rows)
    t.ok(len(big) > (1 << 20), "the big file is over 1 MiB", len(big))
    r = post_import(city, big, "?dry_run=1")
    t.status(r, 200, "a file over the JSON body cap is accepted for import")
    t.eq(r.body.get("rows") if isinstance(r.body, dict) else None, n, "all rows read")


# ---------------------------------------------------------------- CLI


def cli_import():
    g2 = W["g2"]
    f = ids(4, "19750505")
    path = os.path.join(env.dir, "people.csv")
    rows = [[g2, "二区", "5号楼", "1", "101", "66.6", "孙一", f[0], "", "head", "1", "49.5",
             "117.4"],
            [g2, "二区", "5号楼", "1", "102", "66.6", "孙二", f[1], "", "head", "0", "", ""]]
    with open(path, "wb") as fh:
        fh.write(csv_bytes(HEADER, rows, bom=True))
    before = env.counts(WRITTEN)
    out = env.cli("import", "--db", env.db, "--kind", "residents", path, "--dry-run")
    t.eq(out.returncode, 0, "CLI dry run of a good file exits 0")
    t.ok("dry run" in out.stdout, "CLI says it was a dry run", out.stdout + out.stderr)
    t.eq(env.counts(WRITTEN), before, "CLI dry run writes nothing")

    badpath = os.path.join(env.dir, "bad.csv")
    with open(badpath, "wb") as fh:
        fh.write(csv_bytes(HEADER, rows + [[g2, "二区", "5号楼", "1", "103", "x", "孙三", f[2],
                                            "", "head", "0", "", ""],
                                           [g2, "二区", "5号楼", "1", "104", "50", "孙四", "1",
                                            "", "head", "0", "", ""]]))
    out = env.cli("import", "--db", env.db, "--kind", "residents", badpath, "--dry-run")
    t.eq(out.returncode, 1, "CLI dry run with bad rows exits 1")
    t.ok("line 4: area:" in out.stdout, "CLI lists line 4: area", out.stdout)
    t.ok("line 5: id_number:" in out.stdout, "CLI lists line 5: id_number", out.stdout)
    out = env.cli("import", "--db", env.db, "--kind", "residents", badpath)
    t.eq(out.returncode, 1, "CLI real run with bad rows exits 1")
    t.eq(env.counts(WRITTEN), before, "CLI real run with bad rows writes nothing")

    out = env.cli("import", "--db", env.db, "--kind", "residents", path, "--place", HUABU)
    t.eq(out.returncode, 0, "CLI import exits 0: " + out.stdout + out.stderr)
    after = env.counts(WRITTEN)
    t.eq(after["residents"] - before["residents"], 2, "CLI import wrote 2 residents")
    t.eq(after["audit_log"] - before["audit_log"], 1, "CLI import wrote one audit entry")
    t.eq(env.sql("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1")[0],
         ("import", "2 rows, 2 households, 2 residents"), "CLI audit entry")

    out = env.cli("import", "--db", env.db, "--kind", "residents", path, "--place", YUNSHAN,
                  "--dry-run")
    t.eq(out.returncode, 1, "CLI --place outside the rows' grid refuses them")
    t.ok("outside" in out.stdout, "CLI names the area problem", out.stdout)
    out = env.cli("import", "--db", env.db, "--kind", "buildings", path)
    t.eq(out.returncode, 2, "CLI --kind buildings is a usage error")
    out = env.cli("import", "--db", env.db, "--kind", "residents")
    t.eq(out.returncode, 2, "CLI import without a file is a usage error")
    out = env.cli("import", "--db", env.db, "--kind", "residents", path, "--bogus")
    t.eq(out.returncode, 2, "CLI unknown option is a usage error")


def cli_export():
    out_csv = os.path.join(env.dir, "residents.csv")
    out = env.cli("export", "--db", env.db, "--kind", "residents", "--out", out_csv)
    t.eq(out.returncode, 0, "CLI export residents to CSV: " + out.stderr)
    data = open(out_csv, "rb").read() if os.path.exists(out_csv) else b""
    t.ok(data.startswith(BOM), "CSV starts with the byte-order mark", data[:10])
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    t.ok(rows and "id_number" in rows[0] and "name" in rows[0], "CSV header", rows[:1])
    n = env.count("residents")
    t.eq(len(rows) - 1, n, "every resident exported")
    col = rows[0].index("id_number") if rows and "id_number" in rows[0] else None
    t.ok(col is not None and all("********" in r[col] for r in rows[1:]), "ID numbers masked")
    before = env.count("audit_log")
    t.eq(before, env.count("audit_log"), "masked export is not audited")

    out = env.cli("export", "--db", env.db, "--kind", "residents", "--out", out_csv, "--reveal",
                  "--place", HUABU)
    t.eq(out.returncode, 0, "CLI export --reveal")
    rows = list(csv.reader(io.StringIO(open(out_csv, "rb").read()[3:].decode("utf-8"))))
    t.ok(col is not None and all(len(r[col]) == 18 and "*" not in r[col] for r in rows[1:]),
         "revealed ID numbers in full")
    t.ok(all(r[rows[0].index("place")].startswith(HUABU) for r in rows[1:]), "--place limits rows")
    t.eq(env.count("audit_log") - before, 1, "--reveal writes an audit entry")
    t.eq(env.sql("SELECT action, resource FROM audit_log ORDER BY id DESC LIMIT 1")[0],
         ("reveal", "residents"), "the audit entry is a reveal")

    out_x = os.path.join(env.dir, "households.xlsx")
    out = env.cli("export", "--db", env.db, "--kind", "households", "--out", out_x)
    t.eq(out.returncode, 0, "CLI export households to xlsx")
    t.ok(os.path.exists(out_x) and open(out_x, "rb").read(2) == b"PK", "xlsx is a zip (PK)")
    out_g = os.path.join(env.dir, "grids.csv")
    out = env.cli("export", "--db", env.db, "--kind", "grids", "--out", out_g)
    t.eq(out.returncode, 0, "CLI export grids")
    g = open(out_g, "rb").read().decode("utf-8-sig") if os.path.exists(out_g) else ""
    t.ok(W["g1"] in g and W["gy"] in g, "grids listed", g[:200])
    out = env.cli("export", "--db", env.db, "--kind", "planets", "--out", out_g)
    t.eq(out.returncode, 2, "unknown kind is a usage error")
    out = env.cli("export", "--db", env.db, "--kind", "residents", "--out", "x.txt")
    t.eq(out.returncode, 2, "unknown file type is a usage error")
    empty = os.path.join(env.dir, "none.csv")
    out = env.cli("export", "--db", env.db, "--kind", "enterprises", "--out", empty)
    t.eq(out.returncode, 0, "export of an empty list")
    head = list(csv.reader(io.StringIO(open(empty, "rb").read().decode("utf-8-sig"))))
    t.eq(len(head), 1, "an empty list is the header alone")
    t.eq(head[0][:3] if head else None, ["id", "place", "name"], "header of the empty list")
    t.eq(len(head[0]), len(set(head[0])) if head else 0, "no column twice")


t.run(setup)
t.run(good_files)
t.run(bad_rows)
t.run(header_errors)
t.run(requests)
t.run(cli_import)
t.run(cli_export)
t.finish()
