#!/usr/bin/env python3
"""Check queries.tsv against the real nixpkgs evaluation.

Usage: check-queries.py QUERIES.tsv CORPUS [--exact-out FILE]

QUERIES.tsv: split<TAB>kind<TAB>query<TAB>accepted attribute paths.
CORPUS: the nix-env JSON the benchmark searches (an object keyed by
attribute path; .gz or plain), e.g. shared/data/nixpkgs-packages.json.gz.

Fails (exit 1, one `error:` line per fault) when a row is malformed, a
split or kind is unknown, a query is listed twice, an accepted path is
listed twice in its row or is not a top-level attribute of CORPUS, or a
kind's tuning and held-out halves differ by more than one query.

With --exact-out, writes the exact-name queries, one a line: the name
queries whose text equals (ignoring case) the last segment of an accepted
attribute path or the pname of an accepted package.  score.py reports
their ranks.

Prints one JSON line of counts.  Standard library only; reads the corpus a
package at a time (the whole document parsed at once takes gigabytes).
"""
import gzip
import json
import sys

SPLITS = ("tuning", "heldout")
KINDS = ("name", "typo", "task")


def read_queries(path, errors):
    """Rows (split, kind, query, [paths]) of QUERIES.tsv."""
    rows = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            where = f"{path}:{n}"
            if len(fields) != 4:
                errors.append(f"{where}: {len(fields)} fields, not split<TAB>kind<TAB>query<TAB>accepted")
                continue
            split, kind, query, accepted = fields
            paths = accepted.split()
            if split not in SPLITS:
                errors.append(f"{where}: split \"{split}\" is not one of {', '.join(SPLITS)}")
            if kind not in KINDS:
                errors.append(f"{where}: kind \"{kind}\" is not one of {', '.join(KINDS)}")
            if not query.strip() or query != query.strip():
                errors.append(f"{where}: empty query or blanks around it")
            if query in seen:
                errors.append(f"{where}: query \"{query}\" is listed twice")
            seen.add(query)
            if not paths:
                errors.append(f"{where}: \"{query}\" accepts nothing")
            if len(set(paths)) != len(paths):
                errors.append(f"{where}: \"{query}\" lists an accepted path twice")
            rows.append((split, kind, query, paths, where))
    return rows


def corpus_packages(path):
    """Yield (attribute path, package object) of a nix-env JSON document,
    one package at a time."""
    opener = gzip.open if path.endswith(".gz") else open
    decoder = json.JSONDecoder()
    with opener(path, "rt", encoding="utf-8") as f:
        buf = ""
        pos = 0
        eof = False

        def more():
            nonlocal buf, pos, eof
            chunk = f.read(1 << 20)
            if not chunk:
                eof = True
                return False
            buf = buf[pos:] + chunk
            pos = 0
            return True

        def skip(chars):
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in chars:
                    pos += 1
                if pos < len(buf) or not more():
                    return

        def decode():
            nonlocal pos
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                    # a number or literal may go on in the next chunk
                    if end < len(buf) or eof:
                        pos = end
                        return value
                except json.JSONDecodeError:
                    if eof:
                        raise
                if not more():
                    value, pos = decoder.raw_decode(buf, pos)
                    return value

        more()
        skip(" \t\r\n")
        if buf[pos:pos + 1] != "{":
            raise ValueError(f"{path}: not a JSON object of packages")
        pos += 1
        while True:
            skip(" \t\r\n")
            if buf[pos:pos + 1] == "}":
                return
            key = decode()
            skip(" \t\r\n")
            if buf[pos:pos + 1] != ":":
                raise ValueError(f"{path}: expected ':' after \"{key}\"")
            pos += 1
            skip(" \t\r\n")
            value = decode()
            yield key, value
            skip(" \t\r\n")
            if buf[pos:pos + 1] == ",":
                pos += 1
            elif buf[pos:pos + 1] != "}":
                raise ValueError(f"{path}: expected ',' or '}}' after \"{key}\"")


def main():
    args = sys.argv[1:]
    exact_out = None
    if "--exact-out" in args:
        i = args.index("--exact-out")
        if i + 1 >= len(args):
            sys.exit(__doc__)
        exact_out = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    errors = []
    rows = read_queries(args[0], errors)
    wanted = {p for row in rows for p in row[3]}
    pnames = {}
    try:
        for attr, pkg in corpus_packages(args[1]):
            if attr in wanted:
                pnames[attr] = pkg.get("pname") if isinstance(pkg, dict) else None
    except (OSError, ValueError) as e:
        print(f"error: reading corpus {args[1]}: {e}", file=sys.stderr)
        return 1
    missing = 0
    exact = []
    for split, kind, query, paths, where in rows:
        for p in paths:
            if p not in pnames:
                missing += 1
                errors.append(f"{where}: \"{query}\" accepts {p}, which is not an attribute of {args[1]}")
        names = {p.rsplit(".", 1)[-1].lower() for p in paths}
        names |= {pnames[p].lower() for p in paths if isinstance(pnames.get(p), str)}
        if kind == "name" and query.lower() in names:
            exact.append(query)
    counts = {}
    for split, kind, *_ in rows:
        counts[(split, kind)] = counts.get((split, kind), 0) + 1
    for kind in KINDS:
        t, h = counts.get(("tuning", kind), 0), counts.get(("heldout", kind), 0)
        if abs(t - h) > 1:
            errors.append(f"{args[0]}: kind {kind} has {t} tuning and {h} held-out queries; the halves must stay balanced")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if exact_out:
        with open(exact_out, "w", encoding="utf-8") as f:
            f.writelines(q + "\n" for q in exact)
    print(json.dumps({
        "bench": "search-relevance", "queries": len(rows),
        "tuning": sum(1 for r in rows if r[0] == "tuning"),
        "heldout": sum(1 for r in rows if r[0] == "heldout"),
        "accepted_paths": sum(len(r[3]) for r in rows),
        "accepted_paths_missing": missing, "exact_name_queries": len(exact),
    }))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
