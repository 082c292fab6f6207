/*
 * demo_names.c — the names of things in the demo city of Manzhouli: estates
 * (小区), roads, real-estate developers and property companies, the 88
 * paired units (包联单位) and the resident enterprises (驻区企业), and
 * unified social credit codes (GB 32100-2015) with their check characters.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "gg.h"

/* ---- estates ---- */

static const char *const estate_words[] = {
    "国门", "西郊",   "套娃", "北湖", "湖畔", "东山", "阳光", "金桥", "口岸", "友谊",
    "和平", "幸福",   "中俄", "边城", "草原", "呼伦", "明珠", "水岸", "锦绣", "新城",
    "世纪", "东方",   "北疆", "银河", "金色", "瑞丰", "鑫源", "宏达", "铁路", "电业",
    "站前", "胜利",   "兴安", "扎赉", "欧亚", "龙园", "松山", "林海", "雪原", "天骄",
    "白桦", "樟子松", "秀水", "万和", "福泰", "嘉禾", "安居", "康乐", "丽都", "景苑",
    "红旗", "建设",   "团结", "光明", "育才", "百合", "紫荆", "海关", "北国", "蓝天",
};

static const struct {
    const char *suffix;
    int newer;
} estate_suffixes[] = {
    {"小区", 0}, {"家园", 0}, {"新村", 0}, {"公寓", 0}, {"花园", 1}, {"佳苑", 1},
    {"雅苑", 1}, {"嘉园", 1}, {"华庭", 1}, {"名苑", 0}, {"尚城", 1}, {"丽景", 1},
};

int demo_estate_name_count(void)
{
    return (int)(GG_ARRAY_LEN(estate_words) * GG_ARRAY_LEN(estate_suffixes));
}

void demo_estate_name(int i, char *out, size_t n)
{
    int ns = (int)GG_ARRAY_LEN(estate_suffixes);
    snprintf(out, n, "%s%s", estate_words[i / ns], estate_suffixes[i % ns].suffix);
}

int demo_estate_name_newer(int i)
{
    return estate_suffixes[i % (int)GG_ARRAY_LEN(estate_suffixes)].newer;
}

static const char *const roads[] = {
    "一道街",   "二道街", "三道街",     "四道街", "五道街", "六道街", "七道街",
    "中苏路",   "海关路", "华埠大街",   "北区街", "东山路", "西山路", "新华街",
    "兴华路",   "友谊路", "满洲里大街", "口岸路", "南区街", "湖西路", "北湖路",
    "敖尔金路", "站前街", "胜利路",     "西郊路", "东郊路", "光明路", "团结路",
};

const char *demo_road(demo_rng *r)
{
    return roads[demo_rng_range(r, 0, (int)GG_ARRAY_LEN(roads) - 1)];
}

/* ---- companies ---- */

static const char *const developers[] = {
    "满洲里国门房地产开发有限公司", "满洲里北疆房地产开发有限公司", "满洲里华埠房地产开发有限公司",
    "满洲里鑫源房地产开发有限公司", "满洲里金桥房地产开发有限公司", "满洲里中俄房地产开发有限公司",
    "满洲里呼伦房地产开发有限公司", "满洲里瑞丰房地产开发有限公司", "满洲里宏达房地产开发有限公司",
    "满洲里明珠房地产开发有限公司",
};

static char developer_codes[GG_ARRAY_LEN(developers)][19];

int demo_developer_count(void)
{
    return (int)GG_ARRAY_LEN(developers);
}

const char *demo_developer(int i)
{
    return developers[i];
}

const char *demo_developer_code(int i)
{
    return developer_codes[i];
}

static const char *const property_companies[] = {
    "满洲里市国门物业服务有限公司", "满洲里市华埠物业管理有限公司", "满洲里市北疆物业服务有限公司",
    "满洲里市鑫源物业有限公司",     "满洲里市安居物业服务有限公司", "满洲里市城市物业管理有限公司",
    "满洲里市恒通物业服务有限公司", "满洲里市佳和物业服务有限公司",
};

const char *demo_property_company(demo_rng *r)
{
    return property_companies[demo_rng_range(r, 0, (int)GG_ARRAY_LEN(property_companies) - 1)];
}

/* ---- paired units (包联单位) ---- */

static const struct {
    const char *name;
    const char *kind;
} paired[] = {
    {"中共满洲里市委办公室", "government"},
    {"中共满洲里市委组织部", "government"},
    {"中共满洲里市委宣传部", "government"},
    {"中共满洲里市委统战部", "government"},
    {"中共满洲里市委政法委员会", "government"},
    {"中共满洲里市纪律检查委员会", "government"},
    {"满洲里市人民政府办公室", "government"},
    {"满洲里市发展和改革委员会", "government"},
    {"满洲里市教育局", "government"},
    {"满洲里市科学技术局", "government"},
    {"满洲里市工业和信息化局", "government"},
    {"满洲里市公安局", "government"},
    {"满洲里市民政局", "government"},
    {"满洲里市司法局", "government"},
    {"满洲里市财政局", "government"},
    {"满洲里市人力资源和社会保障局", "government"},
    {"满洲里市自然资源局", "government"},
    {"满洲里市住房和城乡建设局", "government"},
    {"满洲里市交通运输局", "government"},
    {"满洲里市水务局", "government"},
    {"满洲里市农牧局", "government"},
    {"满洲里市商务局", "government"},
    {"满洲里市文化旅游体育局", "government"},
    {"满洲里市卫生健康委员会", "government"},
    {"满洲里市退役军人事务局", "government"},
    {"满洲里市应急管理局", "government"},
    {"满洲里市审计局", "government"},
    {"满洲里市市场监督管理局", "government"},
    {"满洲里市统计局", "government"},
    {"满洲里市医疗保障局", "government"},
    {"满洲里市城市管理综合执法局", "government"},
    {"满洲里市林业和草原局", "government"},
    {"满洲里市信访局", "government"},
    {"满洲里市口岸管理办公室", "government"},
    {"满洲里市政务服务与数据管理局", "government"},
    {"满洲里市人民法院", "government"},
    {"满洲里市人民检察院", "government"},
    {"满洲里市总工会", "mass_organisation"},
    {"共青团满洲里市委员会", "mass_organisation"},
    {"满洲里市妇女联合会", "mass_organisation"},
    {"满洲里市残疾人联合会", "mass_organisation"},
    {"满洲里市红十字会", "mass_organisation"},
    {"满洲里市工商业联合会", "mass_organisation"},
    {"满洲里市人大常委会办公室", "government"},
    {"政协满洲里市委员会办公室", "government"},
    {"满洲里海关", "central_agency"},
    {"满洲里出入境边防检查站", "central_agency"},
    {"满洲里边境管理支队", "central_agency"},
    {"国家税务总局满洲里市税务局", "central_agency"},
    {"中国铁路哈尔滨局集团有限公司满洲里站", "central_agency"},
    {"满洲里市气象局", "central_agency"},
    {"国家统计局满洲里调查队", "central_agency"},
    {"满洲里市消防救援大队", "central_agency"},
    {"中国工商银行满洲里分行", "financial"},
    {"中国农业银行满洲里分行", "financial"},
    {"中国银行满洲里分行", "financial"},
    {"中国建设银行满洲里分行", "financial"},
    {"满洲里农村商业银行", "financial"},
    {"中国邮政储蓄银行满洲里市支行", "financial"},
    {"中国人民银行满洲里市支行", "financial"},
    {"中国人民财产保险股份有限公司满洲里支公司", "financial"},
    {"国家电网满洲里供电公司", "state_enterprise"},
    {"中国移动满洲里分公司", "state_enterprise"},
    {"中国联通满洲里分公司", "state_enterprise"},
    {"中国电信满洲里分公司", "state_enterprise"},
    {"中国邮政集团有限公司满洲里市分公司", "state_enterprise"},
    {"满洲里市热力有限责任公司", "state_enterprise"},
    {"满洲里市自来水有限责任公司", "state_enterprise"},
    {"满洲里市燃气有限公司", "state_enterprise"},
    {"满洲里市公共交通有限公司", "state_enterprise"},
    {"中国石油满洲里销售分公司", "state_enterprise"},
    {"满洲里市城市建设投资有限公司", "state_enterprise"},
    {"扎赉诺尔煤业有限责任公司", "state_enterprise"},
    {"华能满洲里热电有限公司", "state_enterprise"},
    {"满洲里市人民医院", "hospital"},
    {"满洲里市中蒙医院", "hospital"},
    {"满洲里市妇幼保健院", "hospital"},
    {"满洲里市疾病预防控制中心", "public_institution"},
    {"满洲里市第二人民医院", "hospital"},
    {"满洲里市第一中学", "school"},
    {"满洲里市第三中学", "school"},
    {"满洲里市第六中学", "school"},
    {"满洲里市实验小学", "school"},
    {"满洲里市第四小学", "school"},
    {"满洲里市第七小学", "school"},
    {"满洲里市职业教育中心", "school"},
    {"满洲里俄语职业学院", "school"},
    {"内蒙古大学满洲里学院", "school"},
};

_Static_assert(GG_ARRAY_LEN(paired) == 88, "the seed report names 88 paired units");

int demo_paired_count(void)
{
    return (int)GG_ARRAY_LEN(paired);
}

const char *demo_paired_name(int i)
{
    return paired[i].name;
}

const char *demo_paired_kind(int i)
{
    return paired[i].kind;
}

/* ---- resident enterprises (驻区企业) ---- */

static const char *const ent_words[] = {
    "国门", "北疆", "中俄", "欧亚", "鑫源", "华埠", "金桥", "通达", "远东", "边城",
    "呼伦", "瑞丰", "宏达", "恒泰", "嘉诚", "龙兴", "兴安", "天宇", "亚泰", "鸿运",
};

static const struct {
    const char *suffix;
    const char *industry;
} ent_kinds[] = {
    {"国际物流有限公司", "物流"},     {"进出口贸易有限公司", "进出口贸易"},
    {"木业有限公司", "木材加工"},     {"商贸有限公司", "商贸"},
    {"国际旅行社有限公司", "旅游"},   {"大酒店有限公司", "住宿餐饮"},
    {"建筑工程有限公司", "建筑"},     {"能源有限公司", "能源"},
    {"电子商务有限公司", "电子商务"}, {"食品有限公司", "食品加工"},
    {"报关服务有限公司", "报关代理"}, {"俄罗斯商品城有限公司", "商贸"},
};

#define ENT_COUNT 57
#define ENT_PAIRS ((int)(GG_ARRAY_LEN(ent_words) * GG_ARRAY_LEN(ent_kinds)))

int demo_enterprise_count(void)
{
    return ENT_COUNT;
}

void demo_enterprise(int i, char *name, size_t n, const char **industry)
{
    /* 37 is prime to the number of pairs, so i -> pair is one-to-one: names never repeat. */
    int p = (int)(((long)i * 37) % ENT_PAIRS);
    int ns = (int)GG_ARRAY_LEN(ent_kinds);
    snprintf(name, n, "满洲里%s%s", ent_words[p / ns], ent_kinds[p % ns].suffix);
    *industry = ent_kinds[p % ns].industry;
}

/* ---- unified social credit codes ---- */

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
    const char *p = strchr(uscc_chars, c);
    return p ? (int)(p - uscc_chars) : 0;
}

/* GB 11714 value of a character of an organisation code: digits, then A=10 … Z=35. */
static int org_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
}

void demo_credit_code(uint64_t key, char out[19])
{
    /* 9 (registered by market regulation) 1 (enterprise) + region, then the
     * 9-character organisation code ("MA" + 6 characters + its check). */
    char c[19] = "91150781MA";
    uint64_t k = key * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    for (int i = 10; i < 16; i++) {
        c[i] = uscc_chars[k % 31];
        k /= 31;
    }
    static const int ow[] = {3, 7, 9, 10, 5, 8, 4, 2};
    int s = 0;
    for (int i = 0; i < 8; i++)
        s += org_value(c[8 + i]) * ow[i];
    int oc = 11 - s % 11;
    c[16] = oc == 10 ? 'X' : oc == 11 ? '0' : (char)('0' + oc);
    static const int w[] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    s = 0;
    for (int i = 0; i < 17; i++)
        s += uscc_value(c[i]) * w[i];
    int cc = 31 - s % 31;
    c[17] = uscc_chars[cc == 31 ? 0 : cc];
    c[18] = '\0';
    memcpy(out, c, 19);
}

void demo_names_init(void)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(developers); i++)
        demo_credit_code(1000 + i, developer_codes[i]);
}
