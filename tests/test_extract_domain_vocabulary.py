"""The domain vocabulary covers Chinese government work systematically, not only the tasks of
the tuning articles (issue 4): hand-written 专班 names and task sentences, one or more for
every topic of the five domains, many of them coded only through words added for this issue."""

from __future__ import annotations

import pytest

from pipeline.extract.domain import code_domain

PA, EI, ESCH, SL, EE = ("politics_admin", "economy_infrastructure", "edu_sci_culture_health",
                        "society_livelihood", "ecology_environment")


@pytest.mark.parametrize(
    ("name", "domain", "topic"),
    [
        # politics_admin
        ("政法干警执法司法规范化工作专班", PA, "political_legal_rectification"),
        ("村霸乡霸整治工作专班", PA, "anti_organized_crime"),
        ("断卡行动工作专班", PA, "public_security"),
        ("易制毒化学品管控工作专班", PA, "public_security"),
        ("反邪教工作专班", PA, "public_security"),
        ("盗抢骗打击工作专班", PA, "public_security"),
        ("工程建设项目审批制度改革工作专班", PA, "institutional_reform"),
        ("证照分离改革工作专班", PA, "institutional_reform"),
        ("行政区划调整工作专班", PA, "institutional_reform"),
        ("规范性文件清理工作专班", PA, "legislation"),
        ("行政复议体制改革工作专班", PA, "legislation"),
        ("诉源治理工作专班", PA, "grassroots_governance"),
        ("吹哨报到工作专班", PA, "grassroots_governance"),
        ("妇联改革工作专班", PA, "mass_organization_reform"),
        ("重复信访治理工作专班", PA, "petition"),
        ("进京访稳控工作专班", PA, "petition"),
        ("巡视反馈问题整改工作专班", PA, "party_building"),
        ("村级换届工作专班", PA, "party_building"),
        ("软弱涣散党组织整顿工作专班", PA, "party_building"),
        ("第七次全国人口普查工作专班", PA, "statistics_census"),
        # economy_infrastructure
        ("产业链精准招商工作专班", EI, "investment_promotion"),
        ("投资促进工作专班", EI, "investment_promotion"),
        ("百大项目集中开工工作专班", EI, "key_projects"),
        ("固定资产投资攻坚工作专班", EI, "investment"),
        ("政府和社会资本合作推进专班", EI, "investment"),
        ("先进制造业强链补链工作专班", EI, "industry_chain"),
        ("低空经济发展工作专班", EI, "industry_chain"),
        ("万人助万企活动工作专班", EI, "business_environment"),
        ("惠企政策兑现工作专班", EI, "business_environment"),
        ("干线公路建设工作专班", EI, "transport_infrastructure"),
        ("平陆运河建设工作专班", EI, "transport_infrastructure"),
        ("综合管廊建设工作专班", EI, "transport_infrastructure"),
        ("西部陆海新通道工作专班", EI, "ftz_port"),
        ("自贸试验区片区建设工作专班", EI, "ftz_port"),
        ("国际消费中心城市培育建设专班", EI, "consumption_trade"),
        ("综合治税工作专班", EI, "finance_fiscal"),
        ("地方政府债务风险化解工作专班", EI, "finance_fiscal"),
        ("闲置低效用地处置工作专班", EI, "land_resources"),
        ("耕地非农化整治工作专班", EI, "land_resources"),
        ("整县光伏推进工作专班", EI, "energy_supply"),
        ("电煤保供工作专班", EI, "energy_supply"),
        ("生猪稳产保供工作专班", EI, "agriculture_economy"),
        ("重大动物疫病防控工作专班", EI, "agriculture_economy"),
        ("非洲猪瘟防控工作专班", EI, "agriculture_economy"),
        ("撂荒地复耕工作专班", EI, "agriculture_economy"),
        ("主要经济指标调度工作专班", EI, "economic_operation"),
        # edu_sci_culture_health
        ("全员核酸采样工作专班", ESCH, "epidemic"),
        ("隔离酒店管理工作专班", ESCH, "epidemic"),
        ("紧密型医共体建设工作专班", ESCH, "health"),
        ("卫生应急工作专班", ESCH, "health"),
        ("血吸虫病防治工作专班", ESCH, "health"),
        ("集团化办学改革工作专班", ESCH, "education"),
        ("普通高中扩容工作专班", ESCH, "education"),
        ("揭榜挂帅项目工作专班", ESCH, "science_technology"),
        ("新型研发机构建设工作专班", ESCH, "science_technology"),
        ("非遗保护传承工作专班", ESCH, "culture_tourism"),
        ("不可移动文物保护工作专班", ESCH, "culture_tourism"),
        ("旅发大会筹备工作专班", ESCH, "culture_tourism"),
        ("省运会筹办工作专班", ESCH, "sport"),
        ("婚俗改革工作专班", ESCH, "civilization_campaign"),
        ("文明典范城市创建工作专班", ESCH, "civilization_campaign"),
        ("清朗网络生态治理工作专班", ESCH, "public_opinion"),
        # society_livelihood
        ("倒损房屋重建工作专班", SL, "post_disaster_reconstruction"),
        ("排水防涝工作专班", SL, "emergency_management"),
        ("安全度汛工作专班", SL, "emergency_management"),
        ("燃气安全整治工作专班", SL, "work_safety"),
        ("有限空间作业整治工作专班", SL, "work_safety"),
        ("经营性自建房排查整治工作专班", SL, "work_safety"),
        ("两客一危监管工作专班", SL, "work_safety"),
        ("矿山安全工作专班", SL, "work_safety"),
        ("根治欠薪工作专班", SL, "employment"),
        ("农民工工资支付保障工作专班", SL, "employment"),
        ("零工市场建设工作专班", SL, "employment"),
        ("全民参保扩面工作专班", SL, "social_security"),
        ("散埋乱葬治理工作专班", SL, "social_security"),
        ("逾期交房处置工作专班", SL, "housing"),
        ("保障性租赁住房建设工作专班", SL, "housing"),
        ("长者食堂建设工作专班", SL, "elderly_care"),
        ("一老一小服务工作专班", SL, "elderly_care"),
        ("退役军人服务保障工作专班", SL, "conscription"),
        ("大学生征兵工作专班", SL, "conscription"),
        ("防止返贫监测帮扶工作专班", SL, "poverty_rural"),
        ("搬迁后续扶持工作专班", SL, "poverty_rural"),
        ("一刻钟便民生活圈工作专班", SL, "livelihood_services"),
        ("占道经营整治工作专班", SL, "livelihood_services"),
        # ecology_environment
        ("餐饮油烟治理工作专班", EE, "air_pollution"),
        ("柴油货车污染治理工作专班", EE, "air_pollution"),
        ("非正规垃圾堆放点整治工作专班", EE, "solid_waste"),
        ("国考断面水质达标工作专班", EE, "water_environment"),
        ("雨污分流改造工作专班", EE, "water_environment"),
        ("非法采砂整治工作专班", EE, "water_environment"),
        ("突出环境问题整改工作专班", EE, "inspection_rectification"),
        ("减污降碳协同增效工作专班", EE, "carbon"),
        ("禁捕退捕工作专班", EE, "yangtze_fishing"),
        ("防沙治沙工作专班", EE, "protected_areas"),
        ("古树名木保护工作专班", EE, "protected_areas"),
    ],
)
def test_a_task_name_alone_gives_its_domain(name: str, domain: str, topic: str) -> None:
    coded = code_domain(name, "")
    assert (coded.domain, coded.topic) == (domain, topic)


@pytest.mark.parametrize(
    ("name", "context", "domain", "topic"),
    [
        # an unnamed 专班 is coded from its task sentence
        ("工作专班", "县政府成立工作专班，负责瓶装液化气和燃气管道隐患排查。", SL, "work_safety"),
        ("工作专班", "区里成立工作专班，集中化解信访积案和越级上访问题。", PA, "petition"),
        ("工作专班", "市文旅局成立工作专班，开展革命文物和非遗普查。", ESCH, "culture_tourism"),
        ("工作专班", "县里组建工作专班，推进农村生活污水治理和黑臭水体整治。", EE,
         "water_environment"),
        ("工作专班", "镇里成立工作专班，做好特困供养和低保对象排查。", SL, "social_security"),
        # a word of another field inside the name does not pull the task there
        ("文物安全工作专班", "市里成立文物安全工作专班。", ESCH, "culture_tourism"),
        ("农产品质量安全工作专班", "县里成立农产品质量安全工作专班。", EI, "agriculture_economy"),
        ("信用修复工作专班", "市发改委成立信用修复工作专班。", EI, "business_environment"),
        # a loan or emission cuts named 应急 are no emergency management
        ("应急转贷工作专班", "市金融办成立应急转贷工作专班，帮助企业续贷。", EI, "finance_fiscal"),
        ("重污染天气应急减排工作专班", "市里成立重污染天气应急减排工作专班。", EE, "air_pollution"),
    ],
)
def test_a_task_sentence_gives_its_domain(name: str, context: str, domain: str,
                                          topic: str) -> None:
    coded = code_domain(name, context)
    assert (coded.domain, coded.topic) == (domain, topic)


@pytest.mark.parametrize(
    ("name", "context"),
    [
        # sub-专班 of an epidemic headquarters stay epidemic work
        ("物资保障", "区疫情防控指挥部下设物资保障专班。"),
        ("应急物资运输保障", "为保障新冠肺炎疫情防控物资运输，成立专班。"),
        ("援外医疗队派遣", "为支援抗疫，市卫健委成立医疗队派遣专班。"),
    ],
)
def test_epidemic_framing_still_holds(name: str, context: str) -> None:
    assert code_domain(name, context).topic == "epidemic"
