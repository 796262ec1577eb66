#!/usr/bin/env python3
"""Relevance figures from fdnix-search --json output.

Usage: score.py QUERIES.tsv RESULTS.jsonl [--label NAME] [--exact FILE]
                [--misses] [--json]

QUERIES.tsv: split<TAB>kind<TAB>query<TAB>accepted attribute paths (see
queries.tsv).  RESULTS.jsonl: `fdnix-search --json --limit 10 --queries
FILE` output (one object per result, with "query", "rank" and
"packageName").  --exact FILE: the exact-name queries, one a line, as
check-queries.py --exact-out writes them (name queries equal to an accepted
package's last attribute segment or pname); without it, a name query is
exact when it equals an accepted path's last segment.

Figures, per query then averaged:
  recall@10  accepted packages in the top 10 results (a result counts with
             the alternatives it lists), over min(accepted, 10)
             (1.0: the top 10 is all accepted, or holds every accepted one)
  hit@1      the first result is accepted
  hit@10     an accepted package is in the top 10
  MRR        reciprocal rank of the first accepted result (0 when none is
             in the top 10)
for the held-out half, the tuning half and both, each per kind (name,
typo, task) and for all kinds: a Markdown table, held-out first.  Then the
exact-name queries: how many are at rank 1, and the rank of each that is
not.  --misses also lists every query whose first result is not accepted.
--json prints JSON lines instead (one per half and kind, one per exact-name
query, one per miss).  Standard library only.
"""
import json
import sys

KINDS = ("name", "typo", "task")
HALVES = (("heldout", "held-out"), ("tuning", "tuning"), ("both", "both"))


def option(args, name, has_value):
    """Remove --NAME [VALUE] from ARGS; its value, True, or None."""
    if name not in args:
        return None
    i = args.index(name)
    if not has_value:
        del args[i]
        return True
    if i + 1 >= len(args):
        sys.exit(__doc__)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4:
                sys.exit(f"error: {path}:{n}: not split<TAB>kind<TAB>query<TAB>accepted")
            split, kind, query, accepted = fields
            queries.append((split, kind, query, accepted.split()))
    return queries


def read_results(path):
    results = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                # a result stands for its group: the alternatives it lists
                # (other versions, other package sets) are shown with it
                names = [r["packageName"]] + list(r.get("alternatives") or [])
                results.setdefault(r["query"], []).append((r["rank"], names))
    return {q: [names for _, names in sorted(rs)][:10] for q, rs in results.items()}


def figures(rows):
    n = len(rows)
    if n == 0:
        return {"queries": 0}
    return {"queries": n,
            "recall_at_10": round(sum(r["recall"] for r in rows) / n, 3),
            "hit_at_1": round(sum(r["rank"] == 1 for r in rows) / n, 3),
            "hit_at_10": round(sum(r["rank"] is not None for r in rows) / n, 3),
            "mrr": round(sum(1.0 / r["rank"] for r in rows if r["rank"]) / n, 3)}


def main():
    args = sys.argv[1:]
    label = option(args, "--label", True) or "offline"
    exact_file = option(args, "--exact", True)
    misses = option(args, "--misses", False)
    as_json = option(args, "--json", False)
    if len(args) != 2:
        sys.exit(__doc__)
    queries = read_queries(args[0])
    results = read_results(args[1])
    if exact_file:
        with open(exact_file, encoding="utf-8") as f:
            exact = {line.rstrip("\n") for line in f if line.strip()}
    else:
        exact = {q for _, kind, q, acc in queries
                 if kind == "name" and q.lower() in {p.rsplit(".", 1)[-1].lower() for p in acc}}

    scored = []
    for split, kind, query, accepted in queries:
        ranked = results.get(query, [])
        wanted = set(accepted)
        found = [i + 1 for i, names in enumerate(ranked) if wanted.intersection(names)]
        shown = {name for names in ranked for name in names}
        scored.append({"split": split, "kind": kind, "query": query,
                       "top3": [names[0] for names in ranked[:3]],
                       "recall": min(len(wanted & shown), 10) / min(len(accepted), 10),
                       "rank": found[0] if found else None,
                       "exact": kind == "name" and query in exact})

    table = []
    for half, title in HALVES:
        for kind in KINDS + ("all",):
            rows = [r for r in scored if half in ("both", r["split"])
                    and kind in ("all", r["kind"])]
            table.append((half, title, kind, figures(rows)))
    exact_rows = [r for r in scored if r["exact"]]

    if as_json:
        for half, _, kind, fig in table:
            print(json.dumps({"bench": "search-relevance", "embedder": label,
                              "split": half, "kind": kind, **fig}))
        for r in exact_rows:
            print(json.dumps({"bench": "search-relevance", "embedder": label,
                              "exact_name": r["query"], "split": r["split"], "rank": r["rank"]}))
    else:
        print(f"fdnix-search relevance, {label} embedder, top 10 per query\n")
        print("| half | kind | queries | recall@10 | hit@1 | hit@10 | MRR |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for _, title, kind, fig in table:
            if fig["queries"]:
                print(f"| {title} | {kind} | {fig['queries']} | {fig['recall_at_10']:.3f} | "
                      f"{fig['hit_at_1']:.3f} | {fig['hit_at_10']:.3f} | {fig['mrr']:.3f} |")
        at1 = {h: sum(1 for r in exact_rows if h in ("both", r["split"]) and r["rank"] == 1)
               for h, _ in HALVES}
        tot = {h: sum(1 for r in exact_rows if h in ("both", r["split"])) for h, _ in HALVES}
        print(f"\nexact-name queries at rank 1: {at1['both']}/{tot['both']} "
              f"(held-out {at1['heldout']}/{tot['heldout']}, tuning {at1['tuning']}/{tot['tuning']})")
        late = [r for r in exact_rows if r["rank"] != 1]
        if late:
            print("not at rank 1: " + ", ".join(
                f"\"{r['query']}\" {r['rank'] or '>10'}" for r in late))

    if misses:
        if not as_json:
            print()
        for r in scored:
            if r["rank"] == 1:
                continue
            if as_json:
                print(json.dumps({"miss": r["query"], "split": r["split"], "kind": r["kind"],
                                  "first_accepted_rank": r["rank"], "top3": r["top3"]}))
            else:
                print(f"miss {r['split']}/{r['kind']} \"{r['query']}\": first accepted at "
                      f"{r['rank'] or '>10'}; top 3: {', '.join(r['top3']) or '(none)'}")


if __name__ == "__main__":
    main()
