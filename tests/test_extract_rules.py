"""Tests for the coder's rules on spurious, split and missed mentions, heads, places, domains
and dates, each on hand-written sentences."""

import pytest

from pipeline.extract import extract_article
from pipeline.extract.detect import find_candidates
from pipeline.extract.document import Document, outlet_places, strip_trailer
from pipeline.extract.domain import code_domain
from pipeline.extract.leader import code_leader, rank_of_person


def _article(text: str, title: str = "", **extra: str) -> dict:
    return {"id": "t", "title": title, "text": text, "published": "2022-06-15", **extra}


def _names(text: str, title: str = "") -> list[str]:
    return [c.name for c in find_candidates(Document.from_article(_article(text, title)))]


def _coded(text: str, title: str = "", **extra: str) -> list[dict]:
    return [m.as_row() for m in extract_article(_article(text, title, **extra))]


def _rank(text: str) -> str:
    return code_leader(text, 0, len(text)).rank


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a head or members of a 专班 named before, not a new 专班
        ("会议由常务副县长、专班组长陈某主持。", []),
        ("县发改局、县交通局等专班成员单位参加会议。", []),
        # prepositions and verbs before 专班 end a name
        ("李某在专班例会上作了部署。", []),
        ("王某对专班下一步工作提出要求。", []),
        ("记者从市稳就业工作专班获悉，全市新增岗位三千个。", ["稳就业工作专班"]),
        ("年内确保专班高效运转。", []),
        # 设 alone founds a 专班, but not inside 建设
        ("杭州设数字贸易专班推进跨境电商。", ["数字贸易专班"]),
        ("县里成立城区道路建设专班。", ["城区道路建设专班"]),
        # a count with a kind between it and 专班, and a kind alone
        # (each item's 专班 is one of the list's kind, as the source writes it)
        ("市政府组建文旅、体育、会展三个产业发展专班。",
         ["文旅产业发展专班", "体育产业发展专班", "会展产业发展专班"]),
        ("省里组建海洋经济三个工作专班。", []),
        ("县里组建七大攻坚专班。", []),
        ("其余两个专班由市商务局牵头。", []),
        # one name keeps its 及 when the list before it is of whole 专班
        ("成立碳达峰专班、能源及化工产业链专班。", ["碳达峰专班", "能源及化工产业链专班"]),
        ("二、港口及物流工作专班：组长为副市长。", ["港口及物流工作专班"]),
        # classes and trips listed before a bare 专班
        ("旅行社推出海岛、山地旅游专班。", []),
        ("暑期少儿游泳专班下周开课。", []),
        # slogans and plurals
        ("坚持一个园区、一名领导、一个专班。", []),
        ("推行一户一策一专班。", []),
        ("坚持专班推进、清单管理。", []),
        ("统筹协调各专班工作。", []),
        ("三是各乡镇专班要在月底前组建到位。", []),
        # a 工作专班 is never a class or a trip, even beside 高铁
        ("一、高铁枢纽建设工作专班：组长由市长担任。", ["高铁枢纽建设工作专班"]),
        # a place with 市 before 长江 is not a 市长
        ("芜湖市长江岸线整治工作专班召开会议。", ["长江岸线整治工作专班"]),
    ],
)
def test_detection_rules(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_an_alias_and_its_variants_are_the_full_task() -> None:
    doc = Document.from_article(_article(
        "县里成立城乡供水一体化工作专班（以下简称“供水专班”）。原供水专班成员调整如下。"))
    assert {c.task for c in find_candidates(doc)} == {"城乡供水一体化"}


def test_a_later_mention_of_a_lists_kind_is_dropped() -> None:
    text = "区里组建用地、用能2个要素保障专班。要素保障专班每周调度一次。"
    assert _names(text) == ["用地要素保障专班", "用能要素保障专班"]


def test_a_short_and_a_full_name_of_one_task_force_give_one_row() -> None:
    rows = _coded("海宁市人民政府近日成立潮城港口综合服务工作专班，由副市长任组长。",
                  title="海宁成立港口综合服务工作专班")
    assert [row["name"] for row in rows] == ["潮城港口综合服务工作专班"]


def test_a_headline_abbreviation_folds_into_the_full_name() -> None:
    rows = _coded("海宁市卫健委组建流行病学调查工作专班，专班负责人为疾控中心科长周某。",
                  title="海宁市流调专班日夜追踪")
    assert [(row["name"], row["leader_rank"]) for row in rows] == [
        ("流行病学调查工作专班", "non_leader")]


def test_a_kind_inside_several_names_is_dropped() -> None:
    text = "市里成立光伏产业链工作专班、锂电产业链工作专班。产业链工作专班实行周调度。"
    assert sorted(row["name"] for row in _coded(text)) == ["光伏产业链工作专班",
                                                         "锂电产业链工作专班"]


def test_a_company_setting_up_a_task_force_gives_no_row() -> None:
    assert _coded("近日，一家民营药企在集团研究院内部成立新药攻关专班。",
                  title="某药企成立新药攻关专班") == []


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("常务副市长、专班组长陈某主持会议。", "deputy_in_charge"),
        ("镇党委副书记、镇长、专班组长刘某出席。", "principal"),
        ("专班由市城市管理委员会主任钟某任组长。", "dept_head"),
        ("专班组长由委副主任郑某同志担任，各司局为成员。", "dept_deputy"),
        ("专班负责人由常委会法工委一级调研员陆某担任。", "non_leader"),
        ("专班负责人、市农业农村局渔政处副处长程某说。", "non_leader"),
        ("专班长由县公安局刑侦大队一级警长覃某担任。", "non_leader"),
        ("县委书记王某出席。会议决定成立招商工作专班，由王某同志担任专班组长。", "principal"),
    ],
)
def test_head_rules(text: str, rank: str) -> None:
    assert _rank(text) == rank


def test_each_listed_task_force_takes_its_own_head() -> None:
    rows = _coded("县里成立招商、项目、要素3个工作专班，分别由县委副书记、县长甲，"
                  "县委常委、常务副县长乙，副县长丙任组长。", title="开化县组建三个工作专班")
    assert {row["name"]: row["leader_rank"] for row in rows} == {
        "招商工作专班": "principal", "项目工作专班": "deputy_in_charge",
        "要素工作专班": "deputy_in_charge"}


def test_list_written_out_in_full_pairs_heads_in_order() -> None:
    rows = _coded("省卫健厅组建院感防控专班、医疗救治专班，分别由厅长甲、副厅长乙任组长。")
    assert {row["name"]: row["leader_rank"] for row in rows} == {
        "院感防控专班": "dept_head", "医疗救治专班": "dept_deputy"}


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        # a generic head of a department is that department's head; of a government, principal
        ("专班由市商务局主要负责同志任组长。", "dept_head"),
        ("专班由各牵头部门主要负责人具体负责。", "dept_head"),
        ("专班由县委主要负责同志任组长。", "principal"),
        # a sub-专班 'led by' (牵头 / 负责) a person after 由
        ("——物资调配专班由副县长孙某牵头，负责应急物资调度。", "deputy_in_charge"),
        ("——道路抢通专班由县交通运输局局长钱某负责，组织抢修。", "dept_head"),
        ("——道路抢通专班由县交通运输局负责。", "unknown"),
        # a designation starting with 专班 is the 专班's even with a 小组 later in the sentence
        ("会上，专班组长、局长周某要求各小组抓紧推进。", "dept_head"),
    ],
)
def test_generic_and_led_by_heads(text: str, rank: str) -> None:
    assert _rank(text) == rank


def test_listed_task_forces_with_heads_of_one_rank_take_that_rank() -> None:
    rows = _coded("区里组建拆迁、安置、稳控3个工作专班，分别由区委常委、副区长担任组长。",
                  title="某区组建三个工作专班")
    assert {row["leader_rank"] for row in rows} == {"deputy_in_charge"}
    rows = _coded("县里成立种业、农机两个工作专班，分别由两名副县长任组长。",
                  title="某县组建两个工作专班")
    assert {row["leader_rank"] for row in rows} == {"deputy_in_charge"}
    # heads of different ranks that do not pair with the list decide nothing
    rows = _coded("县里成立种业、农机、水利3个工作专班，分别由县长、副县长任组长。",
                  title="某县组建三个工作专班")
    assert {row["leader_rank"] for row in rows} == {"unknown"}


def test_a_speaker_naming_himself_head_is_ranked_by_his_title() -> None:
    rows = _coded("（2021年5月10日）\n同志们：\n市委、市政府决定成立湖州市招商引资工作专班，"
                  "由我任组长。", title="在全市招商大会上的讲话", url="")
    doc = Document.from_article(_article("市长 张某\n（2021年5月10日）", "在全市大会上的讲话"))
    assert doc.speaker == "市长张某"
    assert rows[0]["leader_rank"] == "unknown"  # no byline: the speaker is not known
    rows = _coded("市长 张某\n（2021年5月10日）\n同志们：\n市委、市政府决定成立湖州市招商引资"
                  "工作专班，由我任组长。", title="在全市招商大会上的讲话")
    assert (rows[0]["leader_rank"], rows[0]["founded"]) == ("principal", "2021-05-10")


def test_a_ministry_speaking_of_itself_in_a_speech_is_national() -> None:
    row, = _coded("民政部部长 顾某\n（2024年3月2日）\n同志们：\n部里成立了社区养老改革工作专班，"
                  "由副部长任组长。", title="在全国社区养老工作会议上的讲话")
    assert (row["unit"], row["level"], row["province"]) == ("民政部", "national", "")


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        # the officials of a county-level city are 市长 too
        ("3月2日，昆山市召开会议，市委副书记、市长、专班组长某某讲话。", "昆山召开港口工作专班会议",
         ("county", "苏州市", "昆山市")),
        # a city organ with no place of its own, in the city's paper
        ("来源：常州日报\n市环保局成立督察整改工作专班，局长任组长。", "市环保局成立督察整改专班",
         ("prefecture", "常州市", "")),
        # a place alone in front of the name says where the task is, the subject set it up
        ("市委、市政府研究决定，成立台州市玉环地震灾后重建工作专班。", "",
         ("prefecture", "台州市", "")),
        # a district name two cities share, read in the article's city
        ("来源：贵阳日报\n白云区危房改造工作专班今年推动两个项目复工，专班长、副区长罗某介绍。",
         "白云区危房改造工作专班推动项目复工", ("county", "贵阳市", "白云区")),
    ],
)
def test_place_rules(text: str, title: str, expected: tuple[str, str, str]) -> None:
    row, = _coded(text, title)
    assert (row["level"], row["prefecture"], row["county"]) == expected


def test_a_bare_headquarters_takes_its_full_name_from_the_article() -> None:
    rows = _coded("1月26日，嘉兴市疫情防控指挥部召开会议，决定在指挥部下设工作专班：\n"
                  "1.综合协调专班。负责指挥部日常运转。\n2.物资保障专班。负责防护物资调拨。",
                  title="嘉兴市疫情防控指挥部下设工作专班")
    assert {(row["unit"], row["level"], row["domain"]) for row in rows} == {
        ("嘉兴市疫情防控指挥部", "prefecture", "edu_sci_culture_health")}


def test_outlet_places_skip_national_papers() -> None:
    places = outlet_places("来源：光明日报 湖州日报 新华日报 内蒙古日报")
    assert [p.division.name for p in places] == ["湖州市", "内蒙古自治区"]


@pytest.mark.parametrize(
    ("name", "context", "setting", "domain", "topic"),
    [
        ("生活物资保供", "市商务委成立生活物资保供工作专班。", "本市疫情持续，全市分区封控。",
         "edu_sci_culture_health", "epidemic"),
        ("应急物资运输保障", "为保障新冠肺炎疫情防控物资运输，成立专班。", "",
         "edu_sci_culture_health", "epidemic"),
        ("桥梁修复", "指挥部下设桥梁修复专班。", "洪灾过后，县里成立灾后重建指挥部。",
         "society_livelihood", "post_disaster_reconstruction"),
        ("综合协调", "1.综合协调专班。", "区机构改革工作专班下设三个小专班",
         "politics_admin", "institutional_reform"),
        ("民宿规范发展", "镇里成立民宿规范发展专班。", "", "edu_sci_culture_health",
         "culture_tourism"),
        # 修复工作 holds 复工 but is no resumption of work
        ("湿地生态修复工作专班", "", "", "ecology_environment", "protected_areas"),
        ("园区企业复工工作专班", "", "", "economy_infrastructure", "business_environment"),
        # attracting investment to any sector is investment promotion
        ("康养旅游招商专班", "", "", "economy_infrastructure", "investment_promotion"),
        # work safety in any industry
        ("冶金企业安全生产督导专班", "", "", "society_livelihood", "work_safety"),
        ("文旅产业提质专班", "", "", "edu_sci_culture_health", "culture_tourism"),
        ("森林草原防灭火专班", "", "", "society_livelihood", "emergency_management"),
        ("城中村整治专班", "", "", "society_livelihood", "housing"),
    ],
)
def test_domain_rules(name: str, context: str, setting: str, domain: str, topic: str) -> None:
    coded = code_domain(name, context, setting)
    assert (coded.domain, coded.topic) == (domain, topic)


@pytest.mark.parametrize(
    ("text", "founded"),
    [
        ("县里成立河道保洁工作专班（以下简称专班）于2019年5月由县河长办设立。", "2019-05"),
        ("今年县政府成立了河道保洁工作专班。", "2022-06-15"),
        ("2022-06-14 08:30 来源：县融媒体中心\n县河道保洁工作专班成立以来成效明显。", "2022-06-15"),
    ],
)
def test_date_rules(text: str, founded: str) -> None:
    assert _coded(text)[0]["founded"] == founded


def test_a_header_marker_does_not_cut_the_text() -> None:
    text = "发布时间：2024-01-19 【打印】\n" + "正文第一句。" * 3 + "\n相关新闻\n链接"
    assert strip_trailer(text) == text[:text.index("相关新闻")]


def test_a_line_repeating_the_title_is_headline() -> None:
    doc = Document.from_article(_article("区流调专班连轴转\n正文。", "区流调专班连轴转"))
    assert doc.in_headline(doc.title_end + 2) and not doc.in_headline(len(doc.body) - 1)


# ---- round 2 (fields): central organs, places named alone, speakers, heads, domains, dates ----

@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a central organ abbreviated (总局) or named with its office as the issuer
        ("为加强锂电池质量监管，市场监管总局组建锂电池质量监管工作专班，负责统筹协调。", ""),
        ("经部领导同意，决定成立农民工返岗服务工作专班。现将有关事项通知如下。\n"
         "组长：部长　某某\n住房和城乡建设部办公厅",
         "住房和城乡建设部办公厅关于成立农民工返岗服务工作专班的通知"),
        ("经局党组研究，决定成立医保支付方式改革工作专班，会同公安、财政部门推进。\n"
         "国家医疗保障局办公室", "国家医疗保障局办公室关于成立医保支付方式改革工作专班的通知"),
    ],
)
def test_central_organs_are_national_and_have_no_province(text: str, title: str) -> None:
    row = _coded(text, title)[0]
    assert row["level"] == "national"
    assert (row["province"], row["prefecture"], row["county"]) == ("", "", "")


def test_a_verb_like_short_name_is_no_place() -> None:
    # 会同 ("together with") before 公安 is not 会同县; 港口 before 疫情 is not 港口区
    row = _coded("省卫健委成立港口疫情防控工作专班，会同公安、海关等部门开展排查。")[0]
    assert row["county"] == "" and row["prefecture"] == ""
    assert row["name"] == "港口疫情防控工作专班"


@pytest.mark.parametrize(
    ("text", "province", "level"),
    [
        ("记者从有关部门获悉，天津已组建生物医药产业链工作专班。", "天津市", "provincial"),
        ("近日，厦门成立会展业发展工作专班，推动会展经济提质。", "福建省", "prefecture"),
    ],
)
def test_a_place_named_alone_as_the_subject_sets_the_zhuanban_up(text: str, province: str,
                                                                   level: str) -> None:
    row = _coded(text)[0]
    assert (row["province"], row["level"]) == (province, level)


def test_an_adverbial_opening_is_no_founder() -> None:
    text = ("今年，州委、州政府在原有指挥部基础上成立了草原保护工作专班，统筹推进禁牧休牧。")
    row = _coded(text, url="http://www.example.gov.cn/a.html",
                 title="甘南州成立草原保护工作专班")[0]
    assert row["prefecture"] == "甘南藏族自治州"
    assert row["level"] == "prefecture"


def test_a_debriefing_report_is_read_as_the_speakers_own_words() -> None:
    text = ("按照区委安排，现将本人履职情况报告如下：年初，区委、区政府成立区城市更新工作专班，"
            "由本人任组长，统筹推进老旧街区改造。")
    rows = _coded(text, title="区委常委、常务副区长某某2022年度述职报告")
    assert rows[0]["leader_rank"] == "deputy_in_charge"


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        # the titles come before the 专班's own name
        ("副县长、县防汛工作专班组长某某出席会议并讲话，县人武部副部长主持会议。",
         "deputy_in_charge"),
        ("市政协副主席、市古城保护工作专班组长某某带队检查。", "deputy_in_charge"),
    ],
)
def test_titles_before_a_zhuanban_designation(text: str, rank: str) -> None:
    assert _rank(text) == rank


def test_other_items_of_a_list_take_the_shared_head_rank() -> None:
    from pipeline.extract.leader import respective_head
    body = ("日前，县委、县政府组建茶叶提质、景区提升、河道清淤三个工作专班。"
            "其中，茶叶提质工作专班由县长某某任组长，另两个专班由县委常委分别牵头。")
    end = body.index("。") + 1
    assert respective_head(body, 0, end, 0, 3).rank == "unknown"
    assert respective_head(body, 0, end, 1, 3).rank == "deputy_in_charge"
    assert respective_head(body, 0, end, 2, 3).rank == "deputy_in_charge"


@pytest.mark.parametrize(
    ("name", "domain", "topic"),
    [
        ("查处欺诈骗取医疗保障基金工作专班", "society_livelihood", "social_security"),
        ("危险化学品园区安全整治工作专班", "society_livelihood", "work_safety"),
        ("石化园区安全隐患排查工作专班", "society_livelihood", "work_safety"),
        ("滇金丝猴与亚洲象保护工作专班", "ecology_environment", "protected_areas"),
        ("光谷科创区建设工作专班", "edu_sci_culture_health", "science_technology"),
        ("“无证明城市”创建工作专班", "politics_admin", "institutional_reform"),
        ("兴边富民小康村建设工作专班", "society_livelihood", "poverty_rural"),
        ("外贸企业知识产权保护工作专班", "economy_infrastructure", "business_environment"),
        # a safety word of another field does not make work safety
        ("网络安全隐患整治工作专班", "edu_sci_culture_health", "public_opinion"),
    ],
)
def test_round_two_domain_words(name: str, domain: str, topic: str) -> None:
    coded = code_domain(name, name)
    assert (coded.domain, coded.topic) == (domain, topic)


def test_an_inspector_rank_is_no_leading_post() -> None:
    # 二级巡视员 is a rank (职级), like 调研员: non_leader
    assert _rank("市水务局成立排水防涝工作专班，由局二级巡视员某某任专班长。") == "non_leader"


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        # the deputy secretary of a discipline or political-legal commission, or of a
        # department's Party group, is a department deputy, not a 副书记 of the level
        ("县里成立问题线索处置专班，由县纪委副书记、县监委副主任某某任组长。", "dept_deputy"),
        ("组长：某某（市委政法委常务副书记）", "dept_deputy"),
        ("局里成立安全生产工作专班，由局党组副书记、局长某某任组长。", "dept_head"),
        # the level's own deputy secretary is still deputy_in_charge
        ("市里成立招商工作专班，由市委副书记某某任组长。", "deputy_in_charge"),
    ],
)
def test_deputy_secretaries_of_organs_are_department_deputies(text: str, rank: str) -> None:
    assert _rank(text) == rank


def test_a_table_row_under_a_head_column_gives_the_head() -> None:
    body = ("全县组建三个工作专班。\n附：专班名称及牵头领导\n一、物流园建设工作专班 副县长 王某\n"
            "二、河道清淤工作专班 县委常委、宣传部长 李某\n三、文旅融合工作专班 （待定）")
    row2 = body.index("二、")
    assert code_leader(body, row2, body.index("\n", row2)).rank == "deputy_in_charge"
    row1 = body.index("一、")
    assert code_leader(body, row1, body.index("\n", row1)).rank == "deputy_in_charge"
    row3 = body.index("三、")
    assert code_leader(body, row3, len(body)).rank == "unknown"
    # without a header naming a head column, titles after a name are not read as its head
    plain = "全县组建工作专班如下。\n物流园建设工作专班 副县长 王某"
    assert code_leader(plain, plain.index("物流"), len(plain)).rank == "unknown"


def test_an_interviews_one_guest_naming_himself_head_is_ranked_by_his_title() -> None:
    text = ("访谈时间：2023年6月1日 嘉宾：某市医疗保障局局长 赵某\n【主持人】听说专班成立了？\n"
            "【赵某】今年3月，我们局成立了打击欺诈骗保工作专班，我担任专班组长。")
    doc = Document.from_article(_article(text, "在线访谈：守好群众的救命钱"))
    assert rank_of_person(doc.speaker)[0] == "dept_head"
    guest = "嘉宾：某市医疗保障局局长 赵某"
    two = text.replace(guest, f"{guest}\n嘉宾：副局长 钱某")
    assert Document.from_article(_article(two, "在线访谈：守好群众的救命钱")).speaker == ""


@pytest.mark.parametrize(
    ("name", "context", "domain", "topic"),
    [
        ("12345接诉即办工作专班", "区里成立接诉即办工作专班，推动群众诉求快速办理。",
         "politics_admin", "grassroots_governance"),
        ("群众诉求办理专班", "街道成立群众诉求办理专班。", "politics_admin",
         "grassroots_governance"),
        # the firms' grievances are the business environment
        ("涉企诉求办理工作专班", "市里成立涉企诉求办理工作专班。", "economy_infrastructure",
         "business_environment"),
        ("农村煤改电工作专班", "县里成立农村煤改电工作专班。", "ecology_environment",
         "air_pollution"),
        ("清洁取暖工作专班", "市里成立清洁取暖工作专班。", "ecology_environment", "air_pollution"),
        ("秋粮收购工作专班", "县里成立秋粮收购工作专班，保障农民售粮。", "economy_infrastructure",
         "agriculture_economy"),
        ("历史遗留问题矛盾化解工作专班", "区里成立历史遗留问题矛盾化解工作专班。", "politics_admin",
         "petition"),
        # chemical plants rectified for their pollution are environmental; their growth is not
        ("化工企业专项整治工作专班", "市里成立化工企业专项整治工作专班，整治沿江企业偷排。",
         "ecology_environment", "water_environment"),
        ("化工产业发展工作专班", "市里成立化工产业发展工作专班，推动沿江化工园区发展。",
         "economy_infrastructure", "industry_chain"),
        ("化工企业安全整治工作专班", "市里成立化工企业安全整治工作专班，整治沿江企业隐患。",
         "society_livelihood", "work_safety"),
    ],
)
def test_round_three_domain_rules(name: str, context: str, domain: str, topic: str) -> None:
    coded = code_domain(name, context)
    assert (coded.domain, coded.topic) == (domain, topic)
