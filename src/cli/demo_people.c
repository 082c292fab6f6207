/*
 * demo_people.c — synthetic but plausible residents of Manzhouli for
 * `gridgov demo`: the seeded random generator, Chinese, Mongolian and
 * Russian-origin names by generation, 18-character ID numbers with real
 * birth dates and the GB 11643 check character (unique across the demo),
 * mobile phones, and families whose ages fit their relations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "gg.h"
#include "idnum.h"

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void demo_rng_seed(demo_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t demo_rng_next(demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int demo_rng_range(demo_rng *r, int lo, int hi)
{
    uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return lo + (int)(demo_rng_next(r) % span); /* the bias is far below anything visible */
}

double demo_rng_unit(demo_rng *r)
{
    return (double)(demo_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int demo_rng_chance(demo_rng *r, int per_mille)
{
    return demo_rng_range(r, 0, 999) < per_mille;
}

void demo_rng_shuffle(demo_rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = demo_rng_range(r, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

#define PICK(r, a) ((a)[demo_rng_range((r), 0, (int)GG_ARRAY_LEN(a) - 1)])

/* ---- the set of issued ID numbers: open addressing over the 17 digits ---- */

struct demo_ids {
    uint64_t *slot; /* 0 = empty, else 1 + the first 17 digits as a number */
    size_t cap;     /* a power of two */
    size_t used;
};

#define IDS_MAX ((size_t)1 << 24) /* far above any demo city */

demo_ids *demo_ids_new(void)
{
    demo_ids *ids = xcalloc(1, sizeof(*ids));
    ids->cap = (size_t)1 << 18;
    ids->slot = xcalloc(ids->cap, sizeof(uint64_t));
    return ids;
}

void demo_ids_free(demo_ids *ids)
{
    if (!ids)
        return;
    free(ids->slot);
    free(ids);
}

static size_t ids_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static void ids_put_raw(uint64_t *slot, size_t cap, uint64_t k)
{
    size_t i = ids_hash(k, cap);
    while (slot[i])
        i = (i + 1) & (cap - 1);
    slot[i] = k;
}

/* Add k; returns 0 if it was already there. */
static int ids_add(demo_ids *ids, uint64_t k)
{
    size_t i = ids_hash(k, ids->cap);
    while (ids->slot[i]) {
        if (ids->slot[i] == k)
            return 0;
        i = (i + 1) & (ids->cap - 1);
    }
    if ((ids->used + 1) * 2 > ids->cap) {
        if (ids->cap * 2 > IDS_MAX)
            abort(); /* a demo never comes near this */
        size_t ncap = ids->cap * 2;
        uint64_t *ns = xcalloc(ncap, sizeof(uint64_t));
        for (size_t j = 0; j < ids->cap; j++)
            if (ids->slot[j])
                ids_put_raw(ns, ncap, ids->slot[j]);
        free(ids->slot);
        ids->slot = ns;
        ids->cap = ncap;
    }
    ids_put_raw(ids->slot, ids->cap, k);
    ids->used++;
    return 1;
}

/* ---- names ---- */

/* Common surnames, most frequent first; the first ten are drawn more often. */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
    "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "常", "武", "乔",
    "付", "尹", "齐", "关", "佟", "车", "隋", "闫", "宫", "鞠",
};

static const char *const mongol_surnames[] = {"包", "白", "鲍", "韩", "吴", "何", "乌", "敖", "孟"};

/* Given-name characters by generation: born before 1965, 1965-1989, 1990 on. */
static const char *const male_old[] = {
    "国", "建", "德", "福", "春", "永", "庆", "长", "振", "志", "树", "宝", "金", "玉", "文",
    "明", "忠", "军", "林", "山", "海", "华", "成", "广", "富", "贵", "祥", "发", "泉", "贤",
};
static const char *const male_mid[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
    "飞", "波", "东", "峰", "亮", "新", "利", "彬", "凯", "健", "斌", "龙", "晓", "立", "海",
};
static const char *const male_young[] = {
    "浩", "宇", "轩", "子", "梓", "博", "晨", "阳", "鑫", "俊", "帆", "帅", "旭", "宁", "昊",
    "然", "天", "睿", "泽", "铭", "辰", "逸", "皓", "航", "一", "嘉", "文", "瑞", "锦", "诚",
};
static const char *const female_old[] = {
    "秀", "桂", "淑", "凤", "玉", "兰", "英", "珍", "芝", "琴", "素", "春", "荣", "芬", "云",
    "霞", "华", "梅", "香", "翠", "淑", "莲", "花", "芳", "敏", "丽", "贞", "秋", "月", "萍",
};
static const char *const female_mid[] = {
    "丽", "艳", "娟", "霞", "燕", "玲", "红", "梅", "静", "敏", "芳", "娜", "婷", "雪", "琳",
    "颖", "慧", "洁", "倩", "莉", "萍", "晶", "丹", "佳", "秀", "晓", "春", "杰", "微", "宏",
};
static const char *const female_young[] = {
    "欣", "怡", "涵", "萱", "诺", "琪", "雨", "梓", "思", "可", "悦", "雯", "蕾", "璐", "佳",
    "馨", "妍", "彤", "婧", "瑶", "子", "晴", "月", "一", "语", "心", "曦", "冰", "安", "楠",
};

/* Mongolian names: one name, or two elements joined (额尔敦 + 毕力格, 乌云 + 其其格). */
static const char *const mongol_male[] = {
    "巴特尔", "苏和",   "额尔敦",     "朝鲁",     "孟和",   "宝音", "那仁",   "哈斯",   "阿拉坦",
    "毕力格", "特木尔", "巴雅尔",     "满都拉",   "乌力吉", "达来", "布和",   "扎那",   "巴音",
    "斯钦",   "图门",   "额尔德木图", "吉日嘎拉", "宝力道", "那顺", "布仁",   "达瓦",   "额尔德尼",
    "乌日图", "敖其尔", "巴图",       "桑布",     "青格勒", "查干", "特古斯", "阿木尔",
};
static const char *const mongol_male_end[] = {
    "巴特尔",   "毕力格", "图",     "仓",   "达来", "朝克图", "德力格尔", "巴雅尔",
    "吉日嘎拉", "夫",     "宝力高", "苏和", "孟和", "额尔敦", "那顺",
};
static const char *const mongol_female[] = {
    "其其格", "乌云", "斯琴", "萨仁",   "图雅",   "敖登",   "乌日娜",   "格日勒", "娜仁",   "托娅",
    "高娃",   "塔娜", "乌兰", "苏日娜", "萨日娜", "阿荣",   "琪琪格",   "娜日苏", "乌日汗", "哈斯",
    "苏布德", "孟根", "赛罕", "阿拉坦", "额尔敦", "其木格", "包格日乐", "吉木斯", "达古拉", "查娜",
};
static const char *const mongol_female_end[] = {
    "其其格", "高娃", "花", "图雅", "塔娜", "格日勒", "娜", "萨仁", "苏日娜", "乌兰",
};

static const char *const russian_male[] = {
    "伊万", "瓦西里", "彼得", "米沙", "阿廖沙", "萨沙", "尼古拉", "谢尔盖", "安德烈", "巴维尔",
};
static const char *const russian_female[] = {
    "安娜", "娜塔莎", "玛丽娅", "柳芭", "喀秋莎", "塔尼娅", "奥莉娅", "伊琳娜", "薇拉", "索菲亚",
};

static const char *han_surname(demo_rng *r)
{
    int n = (int)GG_ARRAY_LEN(surnames);
    int x = demo_rng_range(r, 0, 999);
    if (x < 450)
        return surnames[x % 10]; /* the ten commonest make up close to half */
    if (x < 750)
        return surnames[10 + x % 20];
    return surnames[30 + x % (n - 30)];
}

static void han_given(demo_rng *r, int sex, int year, char *out, size_t n)
{
    const char *const *pool;
    int np;
    if (year < 1965) {
        pool = sex == 1 ? male_old : female_old;
        np = sex == 1 ? (int)GG_ARRAY_LEN(male_old) : (int)GG_ARRAY_LEN(female_old);
    } else if (year < 1990) {
        pool = sex == 1 ? male_mid : female_mid;
        np = sex == 1 ? (int)GG_ARRAY_LEN(male_mid) : (int)GG_ARRAY_LEN(female_mid);
    } else {
        pool = sex == 1 ? male_young : female_young;
        np = sex == 1 ? (int)GG_ARRAY_LEN(male_young) : (int)GG_ARRAY_LEN(female_young);
    }
    const char *a = pool[demo_rng_range(r, 0, np - 1)];
    if (demo_rng_chance(r, year >= 1965 && year < 1990 ? 350 : 220)) {
        snprintf(out, n, "%s", a);
        return;
    }
    const char *b;
    do
        b = pool[demo_rng_range(r, 0, np - 1)];
    while (strcmp(a, b) == 0 && demo_rng_chance(r, 800)); /* 丽丽 and 晶晶 happen, but rarely */
    snprintf(out, n, "%s%s", a, b);
}

enum demo_ethnic demo_pick_ethnic(demo_rng *r)
{
    int x = demo_rng_range(r, 0, 999);
    return x < 880 ? DEMO_HAN : x < 975 ? DEMO_MONGOL : DEMO_RUSSIAN;
}

/* ---- ID numbers ---- */

/* Region codes of first issue: mostly Manzhouli (152102 was its code before 2001). */
static const char *const han_regions[] = {
    "150702", "150783", "150784", "150721", "150785", "150102", "230102",
    "230103", "230602", "220104", "210102", "370102", "130102", "232700",
};
static const char *const mongol_regions[] = {"150727", "150726", "150725", "152502", "150702"};

static const char *pick_region(demo_rng *r, enum demo_ethnic e, int year)
{
    int x = demo_rng_range(r, 0, 999);
    if (e == DEMO_MONGOL && x < 400)
        return PICK(r, mongol_regions);
    if (e == DEMO_RUSSIAN && x < 500)
        return "150784"; /* 额尔古纳, home of most Russian-origin families of Hulunbuir */
    if (x < 860)
        return year < 2001 && demo_rng_chance(r, 200) ? "152102" : "150781";
    return PICK(r, han_regions);
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static void make_id(demo_rng *r, demo_ids *ids, enum demo_ethnic e, int sex, int year,
                    struct demo_person *p)
{
    for (;;) {
        const char *region = pick_region(r, e, year);
        int m = demo_rng_range(r, 1, 12);
        int d = demo_rng_range(r, 1, days_in(year, m));
        for (int tries = 0; tries < 20; tries++) {
            int seq = demo_rng_range(r, 0, 499) * 2 + (sex == 1 ? 1 : 0);
            char first17[48]; /* 17 digits; room for what the compiler cannot rule out */
            snprintf(first17, sizeof(first17), "%.6s%04d%02d%02d%03d", region, year, m, d, seq);
            first17[17] = '\0';
            uint64_t k = 0;
            for (int i = 0; i < 17; i++)
                k = k * 10 + (uint64_t)(first17[i] - '0');
            if (!ids_add(ids, k + 1))
                continue;
            memcpy(p->id_number, first17, 17);
            p->id_number[17] = idnum_check_char(first17);
            p->id_number[18] = '\0';
            p->birth = year * 10000 + m * 100 + d;
            return;
        }
    }
}

static const int phone_prefixes[] = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
                                     150, 151, 152, 153, 155, 156, 157, 158, 159, 180,
                                     181, 182, 183, 185, 186, 187, 188, 189};

void demo_phone(demo_rng *r, char out[12])
{
    snprintf(out, 12, "%d%08d", PICK(r, phone_prefixes), demo_rng_range(r, 0, 99999999));
}

void demo_person_make(demo_rng *r, demo_ids *ids, int sex, int year, const char *surname,
                      enum demo_ethnic ethnic, struct demo_person *out)
{
    memset(out, 0, sizeof(*out));
    if (year > DEMO_LAST_YEAR)
        year = DEMO_LAST_YEAR;
    out->sex = sex;
    char given[48];
    if (ethnic == DEMO_MONGOL) {
        const char *g = sex == 1 ? PICK(r, mongol_male) : PICK(r, mongol_female);
        const char *end = sex == 1 ? PICK(r, mongol_male_end) : PICK(r, mongol_female_end);
        if (demo_rng_chance(r, 550))
            snprintf(out->surname, sizeof(out->surname), "%s", PICK(r, mongol_surnames));
        if (strcmp(g, end) != 0 && demo_rng_chance(r, 600))
            snprintf(given, sizeof(given), "%s%s", g, end);
        else
            snprintf(given, sizeof(given), "%s", g);
    } else {
        snprintf(out->surname, sizeof(out->surname), "%s", surname ? surname : han_surname(r));
        if (ethnic == DEMO_RUSSIAN && demo_rng_chance(r, 500))
            snprintf(given, sizeof(given), "%s",
                     sex == 1 ? PICK(r, russian_male) : PICK(r, russian_female));
        else
            han_given(r, sex, year, given, sizeof(given));
    }
    snprintf(out->name, sizeof(out->name), "%s%s", out->surname, given);
    make_id(r, ids, ethnic, sex, year, out);
    int age = DEMO_LAST_YEAR + 2 - year;
    if (age >= 16 && demo_rng_chance(r, age >= 80 ? 600 : 940))
        demo_phone(r, out->phone);
}

/* ---- families ---- */

int demo_family_size(demo_rng *r)
{
    /* 26% one, 37% two, 23% three, 10% four, 4% five: a mean of 2.29 */
    int x = demo_rng_range(r, 0, 99);
    return x < 26 ? 1 : x < 63 ? 2 : x < 86 ? 3 : x < 96 ? 4 : 5;
}

static int add(demo_rng *r, demo_ids *ids, struct demo_family *f, const char *rel, int sex,
               int year, const char *surname, enum demo_ethnic e)
{
    int i = f->n++;
    demo_person_make(r, ids, sex, year, surname, e, &f->p[i]);
    f->relation[i] = rel;
    return i;
}

static int clamp_year(int y)
{
    return y > DEMO_LAST_YEAR ? DEMO_LAST_YEAR : y;
}

/* Head and spouse born around head_year; returns the father's surname for children. */
static const char *couple(demo_rng *r, demo_ids *ids, struct demo_family *f, int head_year,
                          enum demo_ethnic e)
{
    int head_sex = demo_rng_chance(r, 760) ? 1 : 2;
    int h = add(r, ids, f, "head", head_sex, head_year, NULL, e);
    int gap = head_sex == 1 ? demo_rng_range(r, -2, 5) : -demo_rng_range(r, -2, 5);
    int s = add(r, ids, f, "spouse", 3 - head_sex, clamp_year(head_year + gap), NULL, e);
    f->second_adult = s;
    return head_sex == 1 ? f->p[h].surname : f->p[s].surname;
}

static void child(demo_rng *r, demo_ids *ids, struct demo_family *f, int parent_year,
                  const char *surname, enum demo_ethnic e, const char *rel, int *year_out)
{
    int y = clamp_year(parent_year + demo_rng_range(r, 22, 34));
    if (year_out && *year_out)
        y = clamp_year(*year_out + demo_rng_range(r, 1, 6));
    add(r, ids, f, rel, demo_rng_chance(r, 510) ? 1 : 2, y, surname, e);
    if (year_out)
        *year_out = y;
}

static void parent_of_head(demo_rng *r, demo_ids *ids, struct demo_family *f, int sex,
                           enum demo_ethnic e)
{
    int hy = f->p[0].birth / 10000;
    const char *sn = sex == 1 && e != DEMO_MONGOL ? f->p[0].surname : NULL;
    int y = hy - demo_rng_range(r, 23, 34);
    if (y < 1928)
        y = 1928;
    add(r, ids, f, "parent", sex, y, sn, e);
}

void demo_family_make(demo_rng *r, demo_ids *ids, int size, struct demo_family *f)
{
    memset(f, 0, sizeof(*f));
    f->second_adult = -1;
    enum demo_ethnic e = demo_pick_ethnic(r);
    int x = demo_rng_range(r, 0, 99);
    int cy = 0;
    const char *fs;
    if (size <= 1) {
        int y = x < 45   ? demo_rng_range(r, 1985, 2001)
                : x < 80 ? demo_rng_range(r, 1935, 1960)
                         : demo_rng_range(r, 1961, 1984);
        add(r, ids, f, "head", demo_rng_chance(r, 500) ? 1 : 2, y, NULL, e);
        return;
    }
    if (size == 2) {
        if (x < 70) {
            couple(r, ids, f, demo_rng_range(r, 1940, 1999), e);
        } else {
            int sex = demo_rng_chance(r, 300) ? 1 : 2;
            int h = add(r, ids, f, "head", sex, demo_rng_range(r, 1955, 1992), NULL, e);
            fs = sex == 1 || demo_rng_chance(r, 300) ? f->p[h].surname : NULL;
            child(r, ids, f, f->p[h].birth / 10000, fs, e, "child", NULL);
            if (f->p[1].birth / 10000 <= DEMO_LAST_YEAR - 18)
                f->second_adult = 1;
        }
        return;
    }
    if (size == 5 && x < 20) {
        /* three generations under an older head: child, child's spouse, grandchild */
        fs = couple(r, ids, f, demo_rng_range(r, 1946, 1962), e);
        int hy = f->p[0].birth / 10000;
        child(r, ids, f, hy, fs, e, "child", &cy);
        int c = f->n - 1;
        add(r, ids, f, "other", 3 - f->p[c].sex, clamp_year(cy + demo_rng_range(r, -3, 3)), NULL,
            e);
        child(r, ids, f, cy, f->p[c].sex == 1 ? f->p[c].surname : f->p[c + 1].surname, e,
              "grandchild", NULL);
        return;
    }
    int with_parents = (size == 4 && x < 35) ? 1 : size == 5 ? (x < 60 ? 1 : 2) : 0;
    int kids = size - 2 - with_parents;
    int lo = with_parents ? 1965 : 1958, hi = 1995;
    fs = couple(r, ids, f, demo_rng_range(r, lo, hi), e);
    int young = f->p[0].birth < f->p[1].birth ? f->p[1].birth / 10000 : f->p[0].birth / 10000;
    for (int k = 0; k < kids; k++)
        child(r, ids, f, young, fs, e, "child", &cy);
    if (with_parents == 2) {
        parent_of_head(r, ids, f, 1, e);
        parent_of_head(r, ids, f, 2, e);
    } else if (with_parents == 1) {
        parent_of_head(r, ids, f, demo_rng_chance(r, 350) ? 1 : 2, e);
    }
}
