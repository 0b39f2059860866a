"""Tests for pipeline.extract.detect: which 专班 mentions are found, and their names."""

import pytest

from pipeline.extract.detect import find_candidates, task_key
from pipeline.extract.document import Document


def _names(text: str, title: str = "") -> list[str]:
    doc = Document.from_article({"id": "t", "title": title, "text": text,
                                 "published": "2021-03-01"})
    return [c.name for c in find_candidates(doc)]


def _candidates(text: str):
    doc = Document.from_article({"id": "t", "title": "", "text": text, "published": "2021-03-01"})
    return find_candidates(doc)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("近日，安康市人民政府成立稳就业工作专班。", ["稳就业工作专班"]),
        ("市政府成立由市长任召集人的“六稳”工作专班。", ["六稳工作专班"]),
        ("宜昌市公安局西陵分局抽调精干警力组建禁毒打零专班。", ["禁毒打零专班"]),
        ("市政府成立工作专班，负责全市复工复产工作的统筹协调。", ["复工复产工作专班"]),
        ("为加快推进老旧小区改造，县里成立工作专班。", ["老旧小区改造工作专班"]),
        ("市委成立疫情防控领导小组和工作专班。", ["疫情防控工作专班"]),
        ("成立招商引资、项目建设、要素保障3个工作专班。",
         ["招商引资工作专班", "项目建设工作专班", "要素保障工作专班"]),
        ("开化县成立基层社会治理、群团改革、扫黑除恶等23个工作专班。",
         ["基层社会治理工作专班", "群团改革工作专班", "扫黑除恶工作专班"]),
        ("县里成立了三个工作专班，分别负责招商引资、项目建设和要素保障工作。",
         ["招商引资工作专班", "项目建设工作专班", "要素保障工作专班"]),
        ("设立综合协调专班、医疗救治专班和物资保障专班。",
         ["综合协调专班", "医疗救治专班", "物资保障专班"]),
        ("一是成立稳投资工作专班；二是成立防汛救灾工作专班。",
         ["稳投资工作专班", "防汛救灾工作专班"]),
        ("科研攻关组下设药物、疫苗、检测等9个二级工作专班。",
         ["药物工作专班", "疫苗工作专班", "检测工作专班"]),
        ("成立稳外贸工作专班（以下简称专班），专班实行日报制度。", ["稳外贸工作专班"]),
        ("由分局副局长任专班长，辅警参与禁毒打零专班工作。", ["禁毒打零专班"]),
        ("市稳就业工作专班化解了一批劳动纠纷。", ["稳就业工作专班"]),
        ("招商引资工作专班制定了工作方案。", ["招商引资工作专班"]),
        ("成立全域旅游工作专班。", ["全域旅游工作专班"]),
        ("省体育局成立省运会筹办工作专班。", ["省运会筹办工作专班"]),
        ("温州市疫情防控工作领导小组成立市场保供、社区防控等2个工作专班。",
         ["市场保供工作专班", "社区防控工作专班"]),
        ("市委成立了“招商引资”“项目建设”两个工作专班。", ["招商引资工作专班", "项目建设工作专班"]),
    ],
)
def test_names_found(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "培训学校开设高考冲刺专班，名师授课。",
        "学校开设国际专班，面向全球招生。",
        "少年专班今年招收学员30名。",
        "春季专班报名从速。",
        "单位组织干部参加培训专班。",
        "本机构考研专班火热招生中。",
        "旅行社推出旅游专班，游客可随时报名。",
        "开通返岗复工专班车，点对点接送务工人员。",
        "公司开通通勤专班，方便职工上下班。",
        "铁路部门开行务工人员返乡专班列车。",
        "市里成立疫情防控领导小组，下设8个工作组。",
        "县里成立防汛抗旱指挥部，实行24小时值班。",
        "要以专班推进的方式抓好落实。",
        "全面实行专班化运作、项目化管理。",
        "对重点项目实行专班制。",
        "各地要成立工作专班，加强组织领导。",
        "各县区要成立重大项目工作专班。",
        "坚持一个项目、一个专班、一抓到底。",
        "专班成员深入一线，专班人员加班加点。",
        "旅行社推出红色旅游专班。",
        "如何让专班真正发挥作用，仍需在实践中不断探索。",
        "近期，各地各部门纷纷组建工作专班，集中力量推进重点工作。",
        "按照分工，市长任组长，统筹专班各项工作。",
        "副局长刘某就专班工作作出部署。",
        "由市商务局副局长兼任办公室主任，负责专班日常工作。",
        "虽然有些工作专班和领导小组并无实质差别。",
    ],
)
def test_excluded_senses_give_no_mention(text: str) -> None:
    assert _names(text) == []


def test_founding_and_follow_up_mentions() -> None:
    founding, = _candidates("固原市交通运输局成立了安全生产专项整治三年行动工作专班。")
    follow_up, = _candidates("市稳就业工作专班召开第三次会议。")
    after, = _candidates("招商引资工作专班于3月5日正式成立。")
    since, = _candidates("招商引资工作专班成立以来，累计签约项目12个。")
    assert founding.is_founding and after.is_founding
    assert not follow_up.is_founding and not since.is_founding


def test_unit_in_front_of_a_name_is_kept_as_hint() -> None:
    candidate, = _candidates("固原市交通运输局安全生产专项整治三年行动工作专班实行周碰头制度。")
    assert candidate.unit_hint == "固原市交通运输局"
    assert candidate.name == "安全生产专项整治三年行动工作专班"


def test_title_mentions_are_found() -> None:
    assert _names("", title="安康市成立稳就业工作专班") == ["稳就业工作专班"]


def test_task_key() -> None:
    assert task_key("“稳就业”工作专班") == "稳就业"
    assert task_key("禁毒打零专班") == "禁毒打零"


# --- generalisation rules (hand-written sentences) -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # time words and verbs in running text are not a name
        "今年专班还将重点抓好园区配套设施建设。",
        "“过去办事找关系，现在靠专班。”一位企业主说。",
        "一位商户表示，希望专班继续帮助解决停车问题。",
        "各街道须于月底前将整改台账报区专班办公室。",
        "他是专班的一员，每天早出晚归。",
        "您反映的问题已转交市住建局专班处理。",
        # one 专班 per item: a way of working, not a task force
        "对每个安置点实行“一点一专班”管理。",
        "对逾期楼盘实行“一楼盘一专班、一楼盘一方案”。",
        "推行“一企一专班”精准服务。",
        # classes and coach lines
        "本校2023年定向培养士官专班计划招收学生40名。",
        "周末提分专班：每周六上午上课，针对数学单科。",
        "首届专班从三个学院遴选学生50名。",
        "这标志着成都至拉萨冷链专班专线正式开通。",
        # proposals and plans, not reports of a set-up
        "人大代表王某建议：成立城市内涝治理工作专班。",
        "政协委员呼吁由省政府牵头组建候鸟保护专班。",
        "明年，我们将组建低空经济产业链专班，加快产业集聚。",
        "区政府拟成立老旧厂房改造工作专班。",
        # many places at once, or another place's experience held up as an example
        "苏州、无锡等地通过组建外资服务专班取得了明显成效。",
        "考察团专程学习了宁波市成立港口物流专班的经验做法。",
        # "1+N" structures
        "省里建立“1+N”专班体系，即1个总专班和N个子专班。",
        # a slogan of working by 专班, and a directive to copy the level above
        "全市园区建设坚持“专班推进、清单管理”，三季度完成投资40亿元。",
        "城乡供水一体化工程专班推进，力争年底通水。",
        "各乡镇要比照县级专班组建本级专班，明确专人负责。",
        # someone leading the 专班's staff on a trip
        "8月3日，副区长李某率专班成员赴杭州对接企业。",
    ],
)
def test_passing_mentions_give_no_mention(text: str) -> None:
    assert _names(text) == []


def test_proposal_taken_up_is_a_founding() -> None:
    assert _names("根据专家组建议成立河湖长制工作专班。") == ["河湖长制工作专班"]


def test_a_verb_ending_in_qi_does_not_swallow_a_name() -> None:
    # 组建起 + 步行街 would leave "步行街…"; 起步 is a word
    assert _names("区里组建起步区开发工作专班。") == ["起步区开发工作专班"]


def test_a_list_with_a_kind_keeps_an_item_ending_like_a_class() -> None:
    # 文化旅游 alone would read as a tourist class; the 专班 here is an investment one
    names = _names("市政府组建装备制造、文化旅游等2个招商专班。")
    assert names == ["装备制造招商专班", "文化旅游招商专班"]
    candidates = _candidates("市政府组建装备制造、文化旅游等2个招商专班。")
    assert [c.domain_name for c in candidates] == ["装备制造招商专班", "文化旅游招商专班"]


def test_one_task_force_for_each_item_before_fenbie() -> None:
    assert _names("围绕光伏、储能、氢能3条产业链分别组建工作专班。") == [
        "光伏产业链工作专班", "储能产业链工作专班", "氢能产业链工作专班"]
    assert _names("针对征地拆迁、企业帮扶分别成立专班。") == ["征地拆迁专班", "企业帮扶专班"]


def test_unnamed_task_force_takes_its_task_from_the_next_sentence() -> None:
    text = "为此，县政府专门成立了工作专班。专班由县发改局局长任组长，负责全县光伏项目推进。"
    assert _names(text) == ["光伏项目工作专班"]


def test_task_read_from_a_leading_group_drops_the_verb() -> None:
    text = "县政府成立森林防火领导小组，并抽调人员组成工作专班集中办公。"
    assert _names(text) == ["森林防火工作专班"]


def test_a_report_s_plan_for_the_coming_year_sets_nothing_up() -> None:
    text = ("一、过去一年工作回顾\n我们组建了数字经济工作专班，新引进项目32个。\n"
            "二、2026年重点工作\n新组建低空经济工作专班，数字经济工作专班要再上台阶。")
    assert _names(text) == ["数字经济工作专班", "数字经济工作专班"]
    review = "一、2025年重点工作完成情况\n年初组建了数字经济工作专班。"
    assert _names(review) == ["数字经济工作专班"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a name may begin with a place or noun whose first character is also an adverb
        ("省水利厅成立太湖流域防汛工作专班。", ["太湖流域防汛工作专班"]),
        ("区住建局组建既有建筑节能改造工作专班。", ["既有建筑节能改造工作专班"]),
        ("县商务局成立再生资源回收专班。", ["再生资源回收专班"]),
        ("县里组建还建房建设专班。", ["还建房建设专班"]),
    ],
)
def test_names_beginning_like_an_adverb(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        # dates, particles and 报 before 专班 are running text, not a name
        "自前年9月专班组建以来，共化解纠纷四百件。",
        "各乡镇请于6月15日前报专班办公室备案。",
        "下一步，局里将会同街道一起把专班建强。",
        # a proposal's title proposes a 专班; it reports none
        "你们提出的《关于组建城市更新工作专班的建议》已收悉。",
    ],
)
def test_running_text_before_zhuanban_gives_no_name(text: str) -> None:
    assert _names(text) == []


def test_a_class_shown_anywhere_in_the_article_is_a_class_everywhere() -> None:
    text = ("我校游泳专班在省青少年锦标赛上获得三枚金牌。"
            "游泳专班组建于2016年，现有学员30名，由两名国家一级教练执教。"
            "校长表示，游泳专班将继续扩大规模。")
    assert _names(text, title="我校游泳专班再获佳绩") == []
    fees = "报名须知：周末绘画专班价1200元，随到随学。"
    assert _names(fees) == []


def test_class_words_do_not_exclude_a_work_task_force() -> None:
    text = "市教育局成立校外培训机构治理工作专班，严查违规招生和超前授课。"
    assert _names(text) == ["校外培训机构治理工作专班"]


def test_a_headline_run_together_is_cut_at_its_place() -> None:
    names = _names("夏粮收购进度过半。", title="三天收了两万吨粮食 固镇县粮食收购专班连轴转")
    assert names == ["粮食收购专班"]


def test_an_unnamed_task_force_under_a_leading_group_named_before() -> None:
    text = ("区委成立区安全生产大检查领导小组，由区委书记任组长。"
            "领导小组下设工作专班，由分管副区长任组长。")
    assert _names(text) == ["安全生产大检查工作专班"]


def test_a_tier_word_is_not_added_to_list_items() -> None:
    text = "指挥部下设医疗救治、物资保障等5个分专班。"
    assert _names(text) == ["医疗救治专班", "物资保障专班"]
    chosen = "市商务局组建汽车零部件、生物医药2个重点产业招商专班。"
    assert _names(chosen) == ["汽车零部件产业招商专班", "生物医药产业招商专班"]


@pytest.mark.parametrize(
    "text",
    [
        # a short word before a bare 专班 in running text: a verb, a quantifier, a count of
        # occasions, the agent of a sentence, a second post held (兼)
        "区长在督办专班工作时指出，要把问题解决在基层。",
        "各街道要指定联络员，协同专班开展入户走访。",
        "（三）少数专班会商频次偏低。",
        "会议要求，每周召开两次专班会议，研究解决具体问题。",
        "跨部门的事项由专班统一协调，三日内答复。",
        "市商务局副局长王某任副组长兼专班办公室主任。",
        # a transport company's extra runs
        "五一假期，客运站增开专班120班次。",
        # an enrollment's expansion speaks of classes
        "多所职业院校与企业合作的产学订单专班今年扩招三成。",
    ],
)
def test_running_words_before_a_bare_zhuanban_give_no_name(text: str) -> None:
    assert _names(text) == []


def test_a_short_task_name_with_a_codebook_keyword_is_kept() -> None:
    assert _names("县公安局禁毒专班连日开展排查，破获案件三起。") == ["禁毒专班"]


def test_an_example_noun_later_in_the_clause_makes_an_example() -> None:
    assert _names("我们将借鉴兄弟县市专班服务重点企业的做法，优化营商环境。") == []


def test_a_name_with_an_assessment_task_is_a_name() -> None:
    assert _names("省生态环境厅成立环境影响评估复核工作专班。") == ["环境影响评估复核工作专班"]


def test_an_attached_file_line_reports_no_task_force() -> None:
    text = ("市政府决定成立城市更新工作专班，负责统筹推进全市城市更新。\n"
            "附件：1.城市更新专班成员名单.docx\n"
            "2.城市更新专班联络员名单.pdf")
    assert _names(text) == ["城市更新工作专班"]


def test_consecutive_numbered_lines_form_one_list() -> None:
    text = ("县政府决定成立三个工作专班，分别为：\n"
            "（一）乡村旅游发展工作专班；\n"
            "（二）农产品加工工作专班；\n"
            "（三）电商物流工作专班。\n"
            "三个专班分别由副县长甲、乙、丙任组长。")
    found = _candidates(text)
    assert [(c.name, c.list_index, c.list_size) for c in found] == [
        ("乡村旅游发展工作专班", 0, 3), ("农产品加工工作专班", 1, 3), ("电商物流工作专班", 2, 3)]


def test_numbered_lines_with_their_own_details_are_not_one_list() -> None:
    text = ("1. 乡村旅游发展工作专班，由副县长甲任组长；\n"
            "2. 农产品加工工作专班，由县农业农村局局长乙任组长。")
    assert [c.list_size for c in _candidates(text)] == [1, 1]


def test_a_count_of_meetings_in_a_founding_notice_is_no_name() -> None:
    text = ("关于成立城市更新工作专班的通知\n为统筹推进城市更新，决定成立城市更新工作专班。\n"
            "专班实行月调度制度，每月召开一次专班会议。")
    assert _names(text, title="关于成立城市更新工作专班的通知") == [
        "城市更新工作专班", "城市更新工作专班", "城市更新工作专班"]


def test_a_named_task_force_advancing_work_or_holding_a_meeting_is_kept() -> None:
    assert _names("县委决定成立征地拆迁工作专班，专班推进情况每周一报。") == ["征地拆迁工作专班"]
    assert _names("12日，市稳就业工作专班召开推进会。") == ["稳就业工作专班"]

