"""Reposts and syndicated copies fall into one cluster; different reports do not."""

import pandas as pd

from pipeline.near_duplicates import cluster_articles, shingles

NOTICE = (
    "近日，安康市人民政府成立稳就业工作专班，由市长任召集人，常务副市长任责任副组长，"
    "专班下设政策落实、岗位开发、技能培训三个工作组，负责统筹推进全市稳就业各项工作，"
    "每周召开一次调度会，及时协调解决企业用工和重点群体就业中的困难和问题。"
)
OTHER = (
    "固原市交通运输局成立安全生产专项整治三年行动工作专班，局长任组长，分管副局长任副组长，"
    "专班实行周碰头、月例会、季分析制度，对道路运输、公路水运工程建设等领域开展隐患排查。"
)


def frame(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"article_id": list(texts), "text": list(texts.values()),
         "published": [f"2020-03-0{i + 1}" for i in range(len(texts))]}
    )


def test_a_repost_with_boilerplate_joins_the_original() -> None:
    repost = "来源：安康日报 编辑：王某\n" + NOTICE.replace("，", ", ") + "\n【责任编辑：李某】"
    table = cluster_articles(frame({"a": NOTICE, "b": repost, "c": OTHER})).set_index("article_id")
    assert table.loc["a", "cluster_id"] == table.loc["b", "cluster_id"] == "a"
    assert table.loc["c", "cluster_id"] == "c"
    assert table.loc["a", "cluster_size"] == 2
    assert bool(table.loc["a", "representative"]) and not bool(table.loc["b", "representative"])


def test_traditional_script_copy_is_still_a_copy() -> None:
    from opencc import OpenCC

    traditional = OpenCC("s2t").convert(NOTICE)
    table = cluster_articles(frame({"a": NOTICE, "t": traditional}))
    assert table["cluster_id"].nunique() == 1


def test_empty_input_and_tiny_texts() -> None:
    assert cluster_articles(frame({})).empty
    assert shingles("专班") == ["专班".encode()]
