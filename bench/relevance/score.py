#!/usr/bin/env python3
"""Relevance figures from fdnix-search --json output.

Usage: score.py QUERIES.tsv RESULTS.jsonl [--label NAME] [--misses]

QUERIES.tsv: kind<TAB>query<TAB>accepted attribute paths (see queries.tsv).
RESULTS.jsonl: `fdnix-search --json --limit 10 --queries FILE` output
(one object per result, with "query", "rank" and "packageName").

Prints JSON lines: one per query kind and one for all queries, with
  recall_at_10  accepted packages in the top 10, over min(accepted, 10),
                averaged over queries (1.0: the top 10 is all accepted, or
                holds every accepted package)
  hit_at_1      share of queries whose first result is accepted
  hit_at_10     share of queries with an accepted package in the top 10
  mrr           mean reciprocal rank of the first accepted result (0 when
                none is in the top 10)
With --misses, also one line per query whose first result is not accepted.
Standard library only.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    label = "offline"
    misses = False
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1]
        del args[i:i + 2]
    if "--misses" in args:
        args.remove("--misses")
        misses = True
    if len(args) != 2:
        sys.exit(__doc__)
    queries = []
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            kind, query, accepted = line.rstrip("\n").split("\t")
            queries.append((kind, query, set(accepted.split())))
    results = {}
    with open(args[1], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            results.setdefault(r["query"], []).append((r["rank"], r["packageName"]))

    per_kind = {}
    for kind, query, accepted in queries:
        ranked = [name for _, name in sorted(results.get(query, []))][:10]
        found = [i for i, name in enumerate(ranked) if name in accepted]
        recall = len(found) / min(len(accepted), 10)
        rr = 1.0 / (found[0] + 1) if found else 0.0
        row = (recall, 1.0 if found and found[0] == 0 else 0.0, 1.0 if found else 0.0, rr)
        per_kind.setdefault(kind, []).append(row)
        per_kind.setdefault("all", []).append(row)
        if misses and (not found or found[0] != 0):
            print(json.dumps({"miss": query, "kind": kind,
                              "first_accepted_rank": found[0] + 1 if found else None,
                              "top3": ranked[:3]}))
    for kind in sorted(per_kind, key=lambda k: (k == "all", k)):
        rows = per_kind[kind]
        n = len(rows)
        print(json.dumps({
            "bench": "search-relevance", "embedder": label, "kind": kind, "queries": n,
            "recall_at_10": round(sum(r[0] for r in rows) / n, 3),
            "hit_at_1": round(sum(r[1] for r in rows) / n, 3),
            "hit_at_10": round(sum(r[2] for r in rows) / n, 3),
            "mrr": round(sum(r[3] for r in rows) / n, 3),
        }))


if __name__ == "__main__":
    main()
