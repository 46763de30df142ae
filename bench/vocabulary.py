"""Words and names the synthetic dataset is made of: plausible, not meaningful.

Places and bodies are real names (they make realistic pinyin keys and Chinese bigrams); the
documents built from them are invented.
"""


def _words(text: str) -> list[str]:
    return text.split()


# Province-level divisions missing from the demo data: slug, English, Chinese, region slug.
EXTRA_PROVINCES = [
    ("hebei", "Hebei", "河北省", "beijing-tianjin-hebei"),
    ("shanxi", "Shanxi", "山西省", None),
    ("inner-mongolia", "Inner Mongolia", "内蒙古自治区", None),
    ("liaoning", "Liaoning", "辽宁省", None),
    ("jilin", "Jilin", "吉林省", None),
    ("heilongjiang", "Heilongjiang", "黑龙江省", None),
    ("fujian", "Fujian", "福建省", None),
    ("jiangxi", "Jiangxi", "江西省", None),
    ("henan", "Henan", "河南省", None),
    ("guangxi", "Guangxi", "广西壮族自治区", None),
    ("hainan", "Hainan", "海南省", None),
    ("guizhou", "Guizhou", "贵州省", None),
    ("yunnan", "Yunnan", "云南省", None),
    ("tibet", "Tibet", "西藏自治区", None),
    ("gansu", "Gansu", "甘肃省", None),
    ("qinghai", "Qinghai", "青海省", None),
    ("ningxia", "Ningxia", "宁夏回族自治区", None),
    ("xinjiang", "Xinjiang", "新疆维吾尔自治区", None),
]

# The one-character abbreviation that starts a provincial document number (皖政发〔2021〕3号).
PROVINCE_ABBREVIATIONS = {
    "beijing": "京",
    "tianjin": "津",
    "hebei": "冀",
    "shanxi": "晋",
    "inner-mongolia": "蒙",
    "liaoning": "辽",
    "jilin": "吉",
    "heilongjiang": "黑",
    "shanghai": "沪",
    "jiangsu": "苏",
    "zhejiang": "浙",
    "anhui": "皖",
    "fujian": "闽",
    "jiangxi": "赣",
    "shandong": "鲁",
    "henan": "豫",
    "hubei": "鄂",
    "hunan": "湘",
    "guangdong": "粤",
    "guangxi": "桂",
    "hainan": "琼",
    "chongqing": "渝",
    "sichuan": "川",
    "guizhou": "黔",
    "yunnan": "滇",
    "tibet": "藏",
    "shaanxi": "陕",
    "gansu": "甘",
    "qinghai": "青",
    "ningxia": "宁",
    "xinjiang": "新",
}

# Cities: slug, English, Chinese, province slug, approximate latitude and longitude.
CITIES = [
    ("beijing", "Beijing", "北京", "beijing", 39.90, 116.40),
    ("tianjin", "Tianjin", "天津", "tianjin", 39.13, 117.20),
    ("shijiazhuang", "Shijiazhuang", "石家庄", "hebei", 38.04, 114.51),
    ("baoding", "Baoding", "保定", "hebei", 38.87, 115.46),
    ("tangshan", "Tangshan", "唐山", "hebei", 39.63, 118.18),
    ("langfang", "Langfang", "廊坊", "hebei", 39.52, 116.70),
    ("taiyuan", "Taiyuan", "太原", "shanxi", 37.87, 112.55),
    ("datong", "Datong", "大同", "shanxi", 40.08, 113.30),
    ("hohhot", "Hohhot", "呼和浩特", "inner-mongolia", 40.84, 111.75),
    ("baotou", "Baotou", "包头", "inner-mongolia", 40.66, 109.84),
    ("shenyang", "Shenyang", "沈阳", "liaoning", 41.80, 123.43),
    ("dalian", "Dalian", "大连", "liaoning", 38.91, 121.61),
    ("changchun", "Changchun", "长春", "jilin", 43.82, 125.32),
    ("jilin-city", "Jilin City", "吉林", "jilin", 43.84, 126.55),
    ("harbin", "Harbin", "哈尔滨", "heilongjiang", 45.80, 126.53),
    ("daqing", "Daqing", "大庆", "heilongjiang", 46.59, 125.10),
    ("shanghai", "Shanghai", "上海", "shanghai", 31.23, 121.47),
    ("nanjing", "Nanjing", "南京", "jiangsu", 32.06, 118.80),
    ("suzhou", "Suzhou", "苏州", "jiangsu", 31.30, 120.59),
    ("wuxi", "Wuxi", "无锡", "jiangsu", 31.49, 120.31),
    ("changzhou", "Changzhou", "常州", "jiangsu", 31.81, 119.97),
    ("nantong", "Nantong", "南通", "jiangsu", 31.98, 120.89),
    ("xuzhou", "Xuzhou", "徐州", "jiangsu", 34.21, 117.28),
    ("hangzhou", "Hangzhou", "杭州", "zhejiang", 30.27, 120.16),
    ("ningbo", "Ningbo", "宁波", "zhejiang", 29.87, 121.55),
    ("wenzhou", "Wenzhou", "温州", "zhejiang", 28.00, 120.70),
    ("jiaxing", "Jiaxing", "嘉兴", "zhejiang", 30.75, 120.76),
    ("huzhou", "Huzhou", "湖州", "zhejiang", 30.89, 120.09),
    ("shaoxing", "Shaoxing", "绍兴", "zhejiang", 30.00, 120.58),
    ("hefei", "Hefei", "合肥", "anhui", 31.82, 117.23),
    ("wuhu", "Wuhu", "芜湖", "anhui", 31.35, 118.43),
    ("bengbu", "Bengbu", "蚌埠", "anhui", 32.92, 117.39),
    ("fuzhou", "Fuzhou", "福州", "fujian", 26.07, 119.30),
    ("xiamen", "Xiamen", "厦门", "fujian", 24.48, 118.09),
    ("quanzhou", "Quanzhou", "泉州", "fujian", 24.87, 118.68),
    ("nanchang", "Nanchang", "南昌", "jiangxi", 28.68, 115.86),
    ("ganzhou", "Ganzhou", "赣州", "jiangxi", 25.83, 114.93),
    ("jinan", "Jinan", "济南", "shandong", 36.65, 117.12),
    ("qingdao", "Qingdao", "青岛", "shandong", 36.07, 120.38),
    ("yantai", "Yantai", "烟台", "shandong", 37.46, 121.45),
    ("weifang", "Weifang", "潍坊", "shandong", 36.71, 119.16),
    ("zibo", "Zibo", "淄博", "shandong", 36.81, 118.05),
    ("zhengzhou", "Zhengzhou", "郑州", "henan", 34.75, 113.63),
    ("luoyang", "Luoyang", "洛阳", "henan", 34.62, 112.45),
    ("wuhan", "Wuhan", "武汉", "hubei", 30.59, 114.31),
    ("xiangyang", "Xiangyang", "襄阳", "hubei", 32.01, 112.12),
    ("yichang", "Yichang", "宜昌", "hubei", 30.69, 111.29),
    ("changsha", "Changsha", "长沙", "hunan", 28.23, 112.94),
    ("zhuzhou", "Zhuzhou", "株洲", "hunan", 27.83, 113.13),
    ("xiangtan", "Xiangtan", "湘潭", "hunan", 27.83, 112.94),
    ("guangzhou", "Guangzhou", "广州", "guangdong", 23.13, 113.26),
    ("shenzhen", "Shenzhen", "深圳", "guangdong", 22.54, 114.06),
    ("dongguan", "Dongguan", "东莞", "guangdong", 23.02, 113.75),
    ("foshan", "Foshan", "佛山", "guangdong", 23.02, 113.12),
    ("zhuhai", "Zhuhai", "珠海", "guangdong", 22.27, 113.58),
    ("huizhou", "Huizhou", "惠州", "guangdong", 23.11, 114.42),
    ("zhongshan", "Zhongshan", "中山", "guangdong", 22.52, 113.39),
    ("nanning", "Nanning", "南宁", "guangxi", 22.82, 108.37),
    ("liuzhou", "Liuzhou", "柳州", "guangxi", 24.33, 109.41),
    ("guilin", "Guilin", "桂林", "guangxi", 25.27, 110.29),
    ("haikou", "Haikou", "海口", "hainan", 20.04, 110.20),
    ("sanya", "Sanya", "三亚", "hainan", 18.25, 109.51),
    ("chongqing", "Chongqing", "重庆", "chongqing", 29.56, 106.55),
    ("chengdu", "Chengdu", "成都", "sichuan", 30.57, 104.07),
    ("mianyang", "Mianyang", "绵阳", "sichuan", 31.47, 104.68),
    ("yibin", "Yibin", "宜宾", "sichuan", 28.77, 104.63),
    ("guiyang", "Guiyang", "贵阳", "guizhou", 26.65, 106.63),
    ("zunyi", "Zunyi", "遵义", "guizhou", 27.73, 106.93),
    ("kunming", "Kunming", "昆明", "yunnan", 25.04, 102.71),
    ("qujing", "Qujing", "曲靖", "yunnan", 25.49, 103.80),
    ("lhasa", "Lhasa", "拉萨", "tibet", 29.65, 91.17),
    ("xian", "Xi'an", "西安", "shaanxi", 34.34, 108.94),
    ("baoji", "Baoji", "宝鸡", "shaanxi", 34.36, 107.24),
    ("xianyang", "Xianyang", "咸阳", "shaanxi", 34.33, 108.71),
    ("lanzhou", "Lanzhou", "兰州", "gansu", 36.06, 103.83),
    ("tianshui", "Tianshui", "天水", "gansu", 34.58, 105.72),
    ("xining", "Xining", "西宁", "qinghai", 36.62, 101.78),
    ("yinchuan", "Yinchuan", "银川", "ningxia", 38.49, 106.23),
    ("zhongwei", "Zhongwei", "中卫", "ningxia", 37.50, 105.19),
    ("urumqi", "Urumqi", "乌鲁木齐", "xinjiang", 43.83, 87.62),
    ("karamay", "Karamay", "克拉玛依", "xinjiang", 45.58, 84.89),
]

# Kinds of area a zone covers inside a city: slug, English, Chinese.
DISTRICT_KINDS = [
    ("high-tech-zone", "High-tech Zone", "高新技术产业开发区"),
    ("economic-zone", "Economic and Technological Development Zone", "经济技术开发区"),
    ("new-area", "New Area", "新区"),
    ("free-trade-area", "Free Trade Zone Area", "自由贸易试验区片区"),
    ("software-park", "Software Park", "软件园"),
    ("science-city", "Science City", "科学城"),
    ("ai-town", "AI Town", "人工智能小镇"),
    ("digital-port", "Digital Port", "数字港"),
    ("innovation-valley", "Innovation Valley", "创新谷"),
    ("industrial-park", "Intelligent Industry Park", "智能产业园"),
    ("city-wide", "City-wide", "全域"),
]

# Central bodies beyond the demo's State Council, MIIT and MOST:
# slug, English, Chinese, English abbreviation, document number prefix.
CENTRAL_AUTHORITIES = [
    (
        "ndrc",
        "National Development and Reform Commission",
        "国家发展和改革委员会",
        "NDRC",
        "发改高技",
    ),
    ("cac", "Cyberspace Administration of China", "国家互联网信息办公室", "CAC", "国信办发"),
    ("mof", "Ministry of Finance", "财政部", "MOF", "财建"),
    ("moe", "Ministry of Education", "教育部", "MOE", "教技"),
    (
        "mohrss",
        "Ministry of Human Resources and Social Security",
        "人力资源和社会保障部",
        "MOHRSS",
        "人社部发",
    ),
    ("mot", "Ministry of Transport", "交通运输部", "MOT", "交科技发"),
    ("nhc", "National Health Commission", "国家卫生健康委员会", "NHC", "国卫规划发"),
    ("moa", "Ministry of Agriculture and Rural Affairs", "农业农村部", "MARA", "农市发"),
    ("mofcom", "Ministry of Commerce", "商务部", "MOFCOM", "商服贸发"),
    (
        "samr",
        "State Administration for Market Regulation",
        "国家市场监督管理总局",
        "SAMR",
        "国市监标",
    ),
    ("nda", "National Data Administration", "国家数据局", "NDA", "国数发"),
    (
        "sasac",
        "State-owned Assets Supervision and Administration Commission",
        "国务院国有资产监督管理委员会",
        "SASAC",
        "国资发",
    ),
    (
        "cnipa",
        "China National Intellectual Property Administration",
        "国家知识产权局",
        "CNIPA",
        "国知发",
    ),
    ("nea", "National Energy Administration", "国家能源局", "NEA", "国能发科技"),
    ("mps", "Ministry of Public Security", "公安部", "MPS", "公科信"),
    ("mem", "Ministry of Emergency Management", "应急管理部", "MEM", "应急科信"),
    (
        "cbirc",
        "National Financial Regulatory Administration",
        "国家金融监督管理总局",
        "NFRA",
        "金规",
    ),
]

# Provincial bodies, one of each per province: slug suffix, English, Chinese suffix, number code.
PROVINCIAL_BODIES = [
    ("government", "People's Government of {province}", "{province}人民政府", "政发"),
    (
        "general-office",
        "General Office of the People's Government of {province}",
        "{province}人民政府办公厅",
        "政办发",
    ),
    ("science", "{province} Department of Science and Technology", "{province}科学技术厅", "科发"),
    (
        "industry",
        "{province} Department of Industry and Information Technology",
        "{province}工业和信息化厅",
        "工信发",
    ),
    (
        "development",
        "{province} Development and Reform Commission",
        "{province}发展和改革委员会",
        "发改高技",
    ),
    ("data", "{province} Data Administration", "{province}数据局", "数据发"),
]

# Municipal bodies, one of each per city.
MUNICIPAL_BODIES = [
    ("government", "People's Government of {city}", "{city}市人民政府", "政发"),
    ("science", "{city} Science and Technology Bureau", "{city}市科学技术局", "科发"),
    (
        "industry",
        "{city} Bureau of Industry and Information Technology",
        "{city}市工业和信息化局",
        "工信发",
    ),
]

# Focus areas beyond the demo's 25: slug, English, Chinese.
EXTRA_FOCUS_AREAS = [
    ("large-models", "Large models", "大模型"),
    ("computing-power", "Computing power", "算力"),
    ("data-elements", "Data elements", "数据要素"),
    ("smart-education", "Smart education", "智慧教育"),
    ("smart-energy", "Smart energy", "智慧能源"),
    ("smart-water", "Smart water management", "智慧水利"),
    ("smart-mining", "Smart mining", "智能矿山"),
    ("smart-construction", "Intelligent construction", "智能建造"),
    ("smart-courts", "Smart courts", "智慧法院"),
    ("smart-elderly-care", "Smart elderly care", "智慧养老"),
    ("low-altitude-economy", "Low-altitude economy", "低空经济"),
    ("autonomous-driving", "Autonomous driving", "自动驾驶"),
    ("speech-recognition", "Speech recognition", "语音识别"),
    ("natural-language-processing", "Natural language processing", "自然语言处理"),
    ("ai-chips", "AI chips", "人工智能芯片"),
    ("industrial-internet", "Industrial internet", "工业互联网"),
    ("digital-twins", "Digital twins", "数字孪生"),
    ("metaverse", "Metaverse", "元宇宙"),
    ("ai-safety", "AI safety and governance", "人工智能安全治理"),
    ("talent", "Talent development", "人才培养"),
    ("open-source", "Open source", "开源生态"),
    ("smart-grid", "Smart grid", "智能电网"),
    ("smart-emergency", "Smart emergency management", "智慧应急"),
    ("service-robots", "Service robots", "服务机器人"),
    ("humanoid-robots", "Humanoid robots", "人形机器人"),
    ("brain-computer-interfaces", "Brain–computer interfaces", "脑机接口"),
    ("smart-retail", "Smart retail", "智慧零售"),
    ("smart-media", "Intelligent media", "智能媒体"),
    ("public-data", "Public data", "公共数据"),
    ("green-computing", "Green computing", "绿色算力"),
]

# Phrases for titles.
TITLE_ACTIONS_EN = [
    "Accelerating",
    "Promoting",
    "Supporting",
    "Implementing",
    "Strengthening",
    "Advancing the Development of",
    "Building",
    "Deepening the Application of",
    "Piloting",
    "Standardising",
]
TITLE_ACTIONS_ZH = [
    "加快推进",
    "促进",
    "支持",
    "贯彻落实",
    "加强",
    "推动",
    "建设",
    "深化",
    "开展试点",
    "规范",
]
DOC_TYPE_TITLES = {
    "law": ("Law", "法"),
    "regulation": ("Regulations", "条例"),
    "plan": ("Action Plan", "行动方案"),
    "guideline": ("Guidelines", "指导意见"),
    "opinion": ("Opinions", "意见"),
    "measures": ("Measures", "若干措施"),
    "notice": ("Notice", "通知"),
    "letter": ("Reply Letter", "复函"),
    "standard": ("Standard", "标准"),
    "other": ("Document", "文件"),
}

# Body text. English words of policy prose, with their rough frequency rank (first = most used).
EN_NOUNS = _words(
    "development innovation application industry technology data platform system "
    "enterprise service infrastructure capacity security standard mechanism policy "
    "research talent ecosystem governance investment scenario pilot demonstration "
    "cluster network computing algorithm model integration transformation economy "
    "manufacturing cooperation project region city zone market resource evaluation "
    "supervision protection finance funding openness sharing quality efficiency "
    "upgrading productivity foundation framework roadmap implementation coordination "
    "intelligence robotics sensor chip software hardware interface dataset benchmark "
    "laboratory university institute incubator accelerator park corridor hub "
    "procurement subsidy incentive tax credit loan guarantee fund venture equity "
    "certification testing verification inspection compliance privacy ethics risk "
    "emergency resilience energy carbon transport logistics healthcare education "
    "agriculture tourism culture retail media port airport railway grid water"
)
EN_VERBS = _words(
    "promote support accelerate strengthen improve build establish encourage guide "
    "coordinate deepen expand optimise cultivate develop implement deploy advance "
    "facilitate foster enhance standardise regulate evaluate monitor upgrade integrate "
    "explore launch organise consolidate prioritise"
)
EN_ADJECTIVES = _words(
    "intelligent digital national provincial municipal key major advanced innovative "
    "open secure reliable efficient green sustainable high-quality new-generation "
    "industrial public private comprehensive systematic leading core basic strategic "
    "emerging regional local international domestic collaborative"
)
EN_FUNCTION = _words("the of and to in for with by on through across within among")

ZH_TERMS = _words(
    "人工智能 先导区 试验区 智能制造 数据要素 算力 基础设施 产业集群 应用场景 试点示范 "
    "创新发展 高质量发展 体制机制 政策保障 标准体系 开放共享 数字经济 实体经济 深度融合 "
    "核心技术 关键技术 自主可控 产业链 供应链 创新链 人才培养 科技成果 转化应用 公共服务 "
    "平台建设 企业主体 龙头企业 中小企业 专精特新 资金支持 财政补贴 税收优惠 金融服务 "
    "知识产权 安全评估 伦理规范 数据安全 个人信息 网络安全 算法备案 监管沙盒 统筹协调 "
    "组织领导 考核评价 督促检查 宣传推广 典型案例 经验总结 示范引领 区域协同 城市治理 "
    "智慧城市 智能网联汽车 工业互联网 大模型 智能算力 数据中心 云计算 边缘计算 物联网 "
    "机器人 智能装备 芯片 软件 开源社区 训练数据 语料库 场景开放 揭榜挂帅 联合攻关 "
    "重点实验室 新型研发机构 孵化器 产业园区 招商引资 营商环境 市场准入 标准制定 检验检测 "
    "认证认可 应急管理 生态环境 绿色低碳 节能降耗 交通运输 医疗健康 教育教学 农业农村 "
    "文化旅游 商贸流通 金融科技 政务服务 社会治理 民生保障 乡村振兴 共同富裕 对外开放 "
    "国际合作 长效机制 工作方案 实施细则 责任分工 进度安排 年度计划 任务清单"
)
ZH_CONNECTORS = _words(
    "加快 推动 支持 鼓励 引导 强化 完善 健全 深化 拓展 提升 优化 培育 建立 构建 落实"
)
ZH_PUNCTUATION = ["，", "，", "，", "、", "；"]

ZH_HEADINGS = [
    "总体要求",
    "基本原则",
    "发展目标",
    "重点任务",
    "保障措施",
    "组织实施",
    "支持政策",
    "工作要求",
    "附则",
]
EN_HEADINGS = [
    "General requirements",
    "Basic principles",
    "Targets",
    "Key tasks",
    "Safeguards",
    "Organisation and implementation",
    "Supporting policies",
    "Requirements",
    "Supplementary provisions",
]
ZH_ORDINALS = "一二三四五六七八九十"

# Terms that only a few documents mention, for selective searches: English word, Chinese
# term, share of documents that mention it. `policy-search` uses the first.
RARE_TERMS = [
    ("quantum", "量子计算", 0.002),
    ("exoskeleton", "外骨骼", 0.0005),
    ("photonics", "光子芯片", 0.001),
    ("desalination", "海水淡化", 0.001),
    ("seismology", "地震监测", 0.0008),
    ("lidar", "激光雷达", 0.004),
    ("semiconductor", "半导体", 0.01),
]
