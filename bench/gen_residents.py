#!/usr/bin/env python3
"""gen_residents.py — make the input of the import benchmark: N resident rows
in the CSV shape `gridgov import --kind residents` reads.

    gen_residents.py GRIDS_FILE N OUT.csv [--seed S]

GRIDS_FILE has one line per existing grid: `grid_code,lat,lon` (a point in the
grid, e.g. the mean of its buildings). Every grid gets a new estate of new
buildings placed around that point, so the import creates estates, buildings
and households as well as residents; rows of one household are consecutive.

Every row is valid as the product checks it: 18-character ID numbers with the
GB 11643 (ISO 7064 MOD 11-2) check character and a real birth date, unique
across the file and disjoint from the demo's (region codes of first issue the
demo never uses); mainland mobile numbers 1[3-9]x; areas in m² with two
decimals; relations from the product's list. The output depends only on the
inputs and the seed.
"""
import random
import sys

HEADER = "grid,estate,building,unit,room,area,name,id_number,phone,relation,is_owner,lat,lon"

# Real county codes of first issue that the demo's generator does not use, so
# the benchmark's people never collide with the demo's on the unique ID index.
REGIONS = ["110101", "110105", "310101", "320102", "330102", "420102",
           "440103", "510104", "610102", "120101", "370202", "410102"]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
            "毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华红梅建国志宏海波鹏飞雪琳欣怡子涵浩"
         "宇轩博文佳琪思雨梓萱晨阳俊峰凯瑞雅婷慧颖鑫淑珍永庆福春燕秋菊德胜树林")
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "153", "155", "156", "157", "158", "159", "166", "177",
                   "180", "181", "182", "183", "185", "186", "187", "188", "189", "198"]
# Household sizes and how often they occur (mean about 2.4 people).
SIZES = [1, 2, 3, 4, 5]
SIZE_WEIGHTS = [20, 35, 25, 14, 6]

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
TODAY_YEAR = 2026


def check_char(first17):
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def days_in(y, m):
    if m == 2 and (y % 4 == 0 and y % 100 != 0 or y % 400 == 0):
        return 29
    return DAYS[m - 1]


class People:
    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def id_number(self, year, sex):
        rng = self.rng
        while True:
            region = rng.choice(REGIONS)
            m = rng.randint(1, 12)
            d = rng.randint(1, days_in(year, m))
            seq = rng.randint(0, 499) * 2 + (1 if sex == 1 else 0)
            first17 = "%s%04d%02d%02d%03d" % (region, year, m, d, seq)
            if first17 in self.seen:
                continue
            self.seen.add(first17)
            return first17 + check_char(first17)

    def name(self, surname=None):
        rng = self.rng
        s = surname or rng.choice(SURNAMES)
        return s + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def phone(self):
        return self.rng.choice(MOBILE_PREFIXES) + "%08d" % self.rng.randint(0, 99999999)


def household(people, rng):
    """The members of one household: (name, birth year, sex, relation, is_owner, phone)."""
    size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
    head_year = rng.randint(1950, 1995)
    surname = rng.choice(SURNAMES)
    head_sex = rng.randint(1, 2)
    head_phone = people.phone()
    out = [(people.name(surname), head_year, head_sex, "head", 1, head_phone)]
    if size >= 2:
        y = min(max(head_year + rng.randint(-4, 4), 1930), 2000)
        out.append((people.name(), y, 3 - head_sex, "spouse", rng.randint(0, 1), people.phone()))
    for _ in range(size - len(out)):
        roll = rng.random()
        if roll < 0.75 and head_year + 22 <= TODAY_YEAR - 1:
            y = min(head_year + rng.randint(22, 38), TODAY_YEAR - 1)
            rel = "child"
        elif roll < 0.9 and head_year - 24 >= 1925:
            y = head_year - rng.randint(24, 34)
            rel = "parent"
        else:
            y = min(head_year + rng.randint(45, 60), TODAY_YEAR - 1)
            rel = "grandchild" if y > head_year + 40 else "other"
        sex = rng.randint(1, 2)
        phone = head_phone if TODAY_YEAR - y < 16 else people.phone()
        out.append((people.name(surname if rel in ("child", "grandchild") else None),
                    y, sex, rel, 0, phone))
    return out


def main(argv):
    seed = 20261125
    if "--seed" in argv:
        i = argv.index("--seed")
        seed = int(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) != 4:
        sys.stderr.write("usage: gen_residents.py GRIDS_FILE N OUT.csv [--seed S]\n")
        return 2
    grids = []
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                code, lat, lon = line.split(",")
                grids.append((code, float(lat), float(lon)))
    if not grids:
        sys.stderr.write("gen_residents.py: no grids in %s\n" % argv[1])
        return 1
    total = int(argv[2])
    rng = random.Random(seed)
    people = People(rng)
    # Buildings of 6 floors x 3 units x 2 rooms; fill grid after grid evenly.
    per_grid = (total + len(grids) - 1) // len(grids)
    written = 0
    with open(argv[3], "w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        for gi, (code, lat0, lon0) in enumerate(grids):
            if written >= total:
                break
            estate = "锦绣家园%d期" % (gi + 1)
            in_grid = 0
            b = 0
            while in_grid < per_grid and written < total:
                b += 1
                blat = "%.6f" % (lat0 + rng.uniform(-0.002, 0.002))
                blon = "%.6f" % (lon0 + rng.uniform(-0.003, 0.003))
                building = "%d号楼" % b
                for unit in ("1", "2", "3"):
                    for floor in range(1, 7):
                        for r in (1, 2):
                            if in_grid >= per_grid or written >= total:
                                break
                            room = "%d%02d" % (floor, r)
                            area = "%.2f" % rng.uniform(45.0, 140.0)
                            for name, year, sex, rel, owner, phone in household(people, rng):
                                if in_grid >= per_grid or written >= total:
                                    break
                                out.write(",".join((code, estate, building, unit, room, area, name,
                                                    people.id_number(year, sex), phone, rel,
                                                    str(owner), blat, blon)) + "\n")
                                in_grid += 1
                                written += 1
    sys.stderr.write("gen_residents.py: %d rows for %d grids in %s\n" % (written, len(grids), argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
