"""Word lists used by name normalisation: legal forms, abbreviations, Chinese terms and places.

These are linguistic facts (what ``GmbH`` or ``有限公司`` means), not policy choices, so they live in
code next to the normaliser. Every entry maps a surface form to one canonical token.
"""

from __future__ import annotations

# Legal forms, written as lower-case token sequences after punctuation removal. They are removed
# from the "core" name (they say nothing about identity) but kept for acronym matching and for the
# explanation. Longest sequences are tried first.
LEGAL_FORMS: tuple[str, ...] = (
    # English
    "company limited", "co limited", "co ltd", "limited liability company", "limited company",
    "limited", "ltd", "ltda", "incorporated", "inc", "corporation", "corp", "company", "co", "cos",
    "llc", "llp", "lp", "plc", "pllc", "pte", "pvt", "private", "pty", "public company",
    "joint stock company", "joint stock", "stock company", "holding company",
    # German, Dutch, Nordic
    "gmbh", "mbh", "ag", "kg", "ohg", "ug", "se", "bv", "nv", "vof", "oy", "oyj", "ab", "as", "asa",
    "aps",
    # Romance languages
    "sa", "sas", "sarl", "srl", "spa", "sl", "sau", "sac", "saic", "sca", "sapi", "cv", "sa de cv",
    "eireli", "me", "epp", "ltda me",
    # Russian / CIS (after transliteration)
    "ooo", "oao", "zao", "pao", "ao", "tov", "too", "jsc", "ojsc", "cjsc", "pjsc", "ip", "fgup", "gup",
    "mup", "nao", "ooo nko", "public joint stock company", "open joint stock company",
    "closed joint stock company", "obshchestvo s ogranichennoi otvetstvennostyu",
    "aktsionernoe obshchestvo", "publichnoe aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo", "zakrytoe aktsionernoe obshchestvo",
    "nepublichnoe aktsionernoe obshchestvo", "tovarystvo z obmezhenoyu vidpovidalnistyu", "ood", "eood",
    "doo", "dooel", "ad", "sociedad anonima", "sociedad de responsabilidad limitada",
    # Middle East, South and East Asia
    "fze", "fzco", "fzc", "fz llc", "wll", "spc", "sdn bhd", "bhd", "sdn", "tbk", "pt", "cv",
    "kk", "kabushiki kaisha", "yk", "yugen kaisha", "godo kaisha", "jsc", "jscb", "psc", "pjsc",
    "hk", "hku",
    # pinyin forms of Chinese legal forms (when a name is romanised word by word)
    "youxian gongsi", "gufen youxian gongsi", "youxian zeren gongsi", "gongsi",
    # "company" in other languages, and stray legal-form words left when a form is reordered
    "sherkat", "sherkate", "shirkat", "compania", "compagnie", "companhia", "compania anonima", "ca",
    "societe", "societe anonyme", "sociedad", "sociedade", "gesellschaft", "liability", "joint", "stock",
)

# Abbreviations and inflections of common business words -> one canonical token.
ABBREVIATIONS: dict[str, str] = {
    "grp": "group", "gp": "group", "groups": "group", "jituan": "group",
    "comm": "communication", "comms": "communication", "commun": "communication",
    "communications": "communication", "telecom": "telecommunication",
    "telecommunications": "telecommunication", "tongxin": "communication",
    "ind": "industry", "inds": "industry", "indus": "industry", "industries": "industry",
    "industrial": "industry", "shiye": "industry", "gongye": "industry",
    "intl": "international", "int": "international", "internat": "international",
    "guoji": "international",
    "tech": "technology", "technologies": "technology", "technological": "technology",
    "techn": "technology", "keji": "technology", "jishu": "technology",
    "mfg": "manufacturing", "manufacture": "manufacturing", "manufacturer": "manufacturing",
    "manuf": "manufacturing", "mfr": "manufacturing",
    "natl": "national", "nat": "national",
    "assn": "association", "assoc": "association",
    "dev": "development", "devt": "development", "devel": "development",
    "eng": "engineering", "engg": "engineering", "engr": "engineering",
    "mach": "machinery", "machine": "machinery", "machines": "machinery",
    "equip": "equipment", "eqpt": "equipment",
    "imp": "import", "imports": "import", "exp": "export", "exports": "export",
    "impex": "import export",
    "svc": "service", "svcs": "service", "services": "service", "serv": "service",
    "sci": "science", "sciences": "science", "scientific": "science",
    "biotech": "biotechnology", "bio": "biotechnology", "shengwu": "biotechnology",
    "pharm": "pharmaceutical", "pharma": "pharmaceutical", "pharmaceuticals": "pharmaceutical",
    "chem": "chemical", "chemicals": "chemical", "huagong": "chemical",
    "matl": "material", "matls": "material", "materials": "material",
    "prod": "product", "prods": "product", "products": "product",
    "trdg": "trading", "trade": "trading", "maoyi": "trading",
    "hldg": "holding", "hldgs": "holding", "holdings": "holding", "konggu": "holding",
    "invest": "investment", "investments": "investment", "inv": "investment",
    "mgmt": "management", "mgt": "management",
    "logistic": "logistics", "wuliu": "logistics",
    "ent": "enterprise", "enterprises": "enterprise",
    "bros": "brothers",
    "mtl": "metal", "metals": "metal", "metallurgical": "metallurgy",
    "textiles": "textile", "fangzhi": "textile",
    "elec": "electric", "electrical": "electric", "electronics": "electronic",
    "dianzi": "electronic",
    "elect": "electric",
    "mining": "mining", "mines": "mining", "mine": "mining", "kuangye": "mining",
    "energies": "energy", "nengyuan": "energy",
    "ctr": "center", "centre": "center", "cntr": "center",
    "univ": "university",
    "inst": "institute", "institution": "institute",
    "dept": "department",
    "mgf": "manufacturing",
    "shipping": "shipping", "shpg": "shipping",
    "petrol": "petroleum", "petro": "petroleum",
    "nav": "navigation",
    "aero": "aerospace",
    "sys": "system", "systems": "system",
    "sol": "solution", "solutions": "solution",
    # the same business word in other languages
    "banco": "bank", "banca": "bank", "banque": "bank", "bankasi": "bank", "bankasy": "bank",
    "nacional": "national", "nationale": "national", "nazionale": "national",
    "grupo": "group", "gruppe": "group", "groupe": "group", "gruppa": "group", "gruppo": "group",
    "internacional": "international", "internationale": "international", "internazionale": "international",
    "industria": "industry", "industrias": "industry", "industrie": "industry", "industriya": "industry",
    "comercial": "commercial", "commerciale": "commercial", "kommercheskii": "commercial",
    "tecnologia": "technology", "tekhnologii": "technology", "technologie": "technology",
    "energia": "energy", "energie": "energy", "energiya": "energy",
    # one spelling for the romanisations of Russian legal-form words
    "ogranichennoy": "ogranichennoi", "ogranichennoj": "ogranichennoi", "ogranichennoj'": "ogranichennoi",
    "otvetstvennostju": "otvetstvennostyu", "otvetstvennostiu": "otvetstvennostyu",
    "aktsionernoye": "aktsionernoe", "aktsionernoie": "aktsionernoe", "obschestvo": "obshchestvo",
    "obshestvo": "obshchestvo",
    # one place, several romanisations
    "hotan": "hetian", "khotan": "hetian", "kashi": "kashgar", "wulumuqi": "urumqi", "akesu": "aksu",
    "sinkiang": "xinjiang", "turfan": "turpan", "tulufan": "turpan", "peking": "beijing", "canton": "guangzhou",
}

STOPWORDS: frozenset[str] = frozenset({"and", "the", "of", "for", "de", "del", "la", "le", "et", "und", "y"})

# Words that say where, not who. They keep a reduced weight so that two different firms sharing a
# city prefix ("Shenzhen X Technology" vs "Shenzhen Y Technology") are not confused.
PLACES: frozenset[str] = frozenset({
    "china", "chinese", "prc", "zhongguo", "hong", "kong", "hongkong", "macau", "macao", "taiwan",
    "beijing", "shanghai", "tianjin", "chongqing", "guangdong", "guangzhou", "shenzhen", "zhuhai",
    "dongguan", "foshan", "shantou", "xiamen", "fujian", "fuzhou", "quanzhou", "zhejiang", "hangzhou",
    "ningbo", "wenzhou", "jiangsu", "nanjing", "suzhou", "wuxi", "changzhou", "nantong", "shandong",
    "qingdao", "jinan", "yantai", "weifang", "hebei", "shijiazhuang", "baoding", "hengshui", "henan",
    "zhengzhou", "hubei", "wuhan", "hunan", "changsha", "anhui", "hefei", "jiangxi", "nanchang",
    "sichuan", "chengdu", "yunnan", "kunming", "guizhou", "guiyang", "guangxi", "nanning", "hainan",
    "haikou", "shaanxi", "xian", "shanxi", "taiyuan", "gansu", "lanzhou", "qinghai", "xining",
    "ningxia", "yinchuan", "xinjiang", "urumqi", "wulumuqi", "tibet", "xizang", "lhasa", "inner",
    "mongolia", "neimenggu", "baotou", "hohhot", "liaoning", "shenyang", "dalian", "jilin",
    "changchun", "heilongjiang", "harbin", "kashgar", "kashi", "hotan", "hetian", "aksu", "akesu",
    "turpan", "hami", "changji", "shihezi", "karamay", "korla", "yili", "bingtuan",
    "russia", "russian", "moscow", "iran", "tehran", "syria", "korea", "dprk", "pyongyang",
    "dubai", "uae", "emirates", "singapore", "malaysia", "turkey", "india", "pakistan", "city",
    "province", "county", "district", "region", "autonomous", "municipality",
})

# Chinese segments -> romanised tokens. Scanned greedily, longest first; runs of other Han
# characters are romanised with pypinyin and joined into one token ("海格" -> "haige").
CHINESE_TERMS: dict[str, str] = {
    "股份有限公司": "joint stock co ltd", "有限责任公司": "co ltd", "有限公司": "co ltd",
    "分公司": "branch", "总公司": "head company", "公司": "company", "集团": "group",
    "控股": "holding", "股份": "joint stock", "通信": "communication", "通讯": "communication",
    "科技": "technology", "技术": "technology", "实业": "industry", "工业": "industry",
    "国际": "international", "贸易": "trading", "进出口": "import export", "电子": "electronic",
    "纺织": "textile", "化工": "chemical", "矿业": "mining", "能源": "energy", "新能源": "new energy",
    "材料": "material", "新材料": "new material", "生物": "biotechnology", "制药": "pharmaceutical",
    "物流": "logistics", "机械": "machinery", "设备": "equipment", "电气": "electric",
    "发展": "development", "投资": "investment", "服饰": "apparel", "棉业": "cotton", "棉花": "cotton",
    "食品": "food", "研究所": "institute", "研究院": "research institute", "大学": "university",
    "中国": "china", "香港": "hong kong", "新疆": "xinjiang", "维吾尔自治区": "uyghur autonomous region",
    "自治区": "autonomous region", "兵团": "bingtuan",
    "北京": "beijing", "上海": "shanghai", "天津": "tianjin", "重庆": "chongqing", "广东": "guangdong",
    "广州": "guangzhou", "深圳": "shenzhen", "珠海": "zhuhai", "东莞": "dongguan", "佛山": "foshan",
    "厦门": "xiamen", "福建": "fujian", "福州": "fuzhou", "浙江": "zhejiang", "杭州": "hangzhou",
    "宁波": "ningbo", "江苏": "jiangsu", "南京": "nanjing", "苏州": "suzhou", "无锡": "wuxi",
    "常州": "changzhou", "山东": "shandong", "青岛": "qingdao", "济南": "jinan", "河北": "hebei",
    "河南": "henan", "湖北": "hubei", "武汉": "wuhan", "湖南": "hunan", "安徽": "anhui", "合肥": "hefei",
    "四川": "sichuan", "成都": "chengdu", "陕西": "shaanxi", "西安": "xian", "山西": "shanxi",
    "甘肃": "gansu", "内蒙古": "inner mongolia", "包头": "baotou", "辽宁": "liaoning", "大连": "dalian",
    "乌鲁木齐": "urumqi", "喀什": "kashgar", "和田": "hotan", "阿克苏": "aksu", "吐鲁番": "turpan",
    "哈密": "hami", "昌吉": "changji", "石河子": "shihezi", "克拉玛依": "karamay",
    "化学": "chemical", "化纤": "chemical fiber", "有色金属": "nonferrous metal", "金属": "metal",
    "光伏": "photovoltaic", "硅业": "silicon", "农业": "agriculture", "制品": "product", "用品": "product",
    "服装": "apparel", "鞋业": "shoe", "电力": "power", "煤电": "coal electricity", "钢铁": "iron steel",
    "毛纺": "wool textile", "棉纺": "cotton spinning", "纺纱": "spinning", "色纺": "color spinning",
    "仓储": "warehousing", "工程": "engineering", "建设": "construction", "建筑": "construction",
    "医药": "pharmaceutical", "汽车": "automobile", "制造": "manufacturing", "商贸": "trading",
    "电器": "electric appliance", "软件": "software", "网络": "network", "信息": "information",
    "省": "province", "市": "city", "县": "county", "区": "district",
}
