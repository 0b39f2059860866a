"""Find near-duplicate articles (reposts, syndicated copies) with MinHash + LSH over their text.

Each article gets a cluster id; articles in one cluster are copies of one report, so a case
supported by a notice and its three reposts counts one independent report, not four.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from datasketch import MinHash, MinHashLSH

from pipeline.normalize import normalize_text

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.8
CLUSTER_COLUMNS = ["article_id", "cluster_id", "cluster_size", "representative"]
_NOISE = re.compile(r"[\s\u3000，。、；：！？“”‘’（）()《》【】\[\],.;:!?\"'|·—\-]+")


@dataclass(frozen=True)
class NearDuplicateSummary:
    """How many articles, clusters and copies one run found."""

    articles: int
    clusters: int
    copies: int


def shingles(text: str, size: int = SHINGLE) -> list[bytes]:
    """Character n-grams of the text without punctuation and spaces (at least one)."""
    compact = _NOISE.sub("", normalize_text(text or ""))
    if len(compact) <= size:
        return [compact.encode("utf-8")]
    return sorted({compact[i : i + size].encode("utf-8") for i in range(len(compact) - size + 1)})


def _root(parent: dict[int, int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def cluster_articles(
    articles: pd.DataFrame, threshold: float = THRESHOLD, num_perm: int = NUM_PERM
) -> pd.DataFrame:
    """One row per article: its cluster id, the cluster's size and its representative.

    Candidate pairs come from LSH; a pair joins a cluster only if its estimated Jaccard
    similarity reaches the threshold. The representative is the earliest-published article
    (then the smallest id), and the cluster id is the representative's article id.
    """
    if articles.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    ordered = articles.sort_values(["published", "article_id"], na_position="last")
    ids = ordered["article_id"].tolist()
    signatures = MinHash.bulk((shingles(text) for text in ordered["text"]), num_perm=num_perm)
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent = {position: position for position in range(len(ids))}
    for position, signature in enumerate(signatures):
        for other in index.query(signature):
            if signature.jaccard(signatures[other]) >= threshold:
                low, high = sorted((_root(parent, position), _root(parent, other)))
                parent[high] = low
        index.insert(position, signature)
    roots = [_root(parent, position) for position in range(len(ids))]
    table = pd.DataFrame({"article_id": ids, "cluster_id": [ids[root] for root in roots]})
    table["cluster_size"] = table.groupby("cluster_id")["article_id"].transform("size")
    table["representative"] = table["article_id"] == table["cluster_id"]
    return table[CLUSTER_COLUMNS].sort_values("article_id", ignore_index=True)


def cluster_file(articles_paths: list[Path], out_csv: Path) -> NearDuplicateSummary:
    """Cluster the articles of every parse shard and write the cluster table."""
    from pipeline.resolve import read_parquets

    articles = read_parquets(articles_paths, ["article_id", "published", "text"])
    table = cluster_articles(articles.drop_duplicates("article_id"))
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_csv, index=False)
    clusters = table["cluster_id"].nunique()
    return NearDuplicateSummary(len(table), clusters, len(table) - clusters)
