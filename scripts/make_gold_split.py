"""Assign every gold article to `dev` or `holdout` (a fifth, by a hash of its id) and write
data/gold/split.csv. Run once when articles are added; the held-out fifth is never used to tune
the coder (its errors are not shown in the report) and is scored separately."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold"


def split_of(article_id: str) -> str:
    """`holdout` for a fifth of ids, chosen by SHA-1 so the choice never depends on the order."""
    return "holdout" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 5 == 0 else "dev"


def main(gold: Path = GOLD) -> int:
    """Write split.csv for every article of every batch."""
    ids = sorted(
        json.loads(line)["id"]
        for articles in sorted(gold.glob("*/articles.jsonl"))
        for line in articles.open(encoding="utf-8") if line.strip()
    )
    with (gold / "split.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["article_id", "split"])
        writer.writerows((article_id, split_of(article_id)) for article_id in ids)
    held = sum(split_of(article_id) == "holdout" for article_id in ids)
    print(f"{len(ids)} articles: {held} held out, {len(ids) - held} dev")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else GOLD))
