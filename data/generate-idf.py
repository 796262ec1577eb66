#!/usr/bin/env python3
"""Generate the offline embedder's document frequencies from a real nixpkgs.

Usage: generate-idf.py PACKAGES.json[.gz] OUTPUT.tsv.gz [MIN_DF]

PACKAGES is nix-env's `-qaP --json --meta` output (../shared/data has one).
For every package it tokenizes the fields the embedding text is built from
(attribute path, pname, description, main program, long description,
homepage) exactly as lib/embed/fdnix-embedder-offline.c does, and counts
in how many packages each feature occurs.  Features seen in fewer than
MIN_DF packages (default 3) are left out: the embedder treats a missing
feature as one seen in a single package.

Output: gzip'd TSV, deterministic (sorted, gzip mtime 0):
  # fdnix-offline-idf 1
  documents<TAB>N
  <feature><TAB><document frequency>
A feature is "w" + word or "c" + character trigram; bytes outside printable
ASCII, backslash and tab are written as \\xHH.
"""
import gzip
import json
import re
import sys

WORD = re.compile(rb"[A-Za-z0-9\x80-\xff]+")


def is_lower(c):
    return 0x61 <= c <= 0x7A


def is_upper(c):
    return 0x41 <= c <= 0x5A


def is_digit(c):
    return 0x30 <= c <= 0x39


def parts(run):
    """Split a word at camelCase and letter/digit boundaries."""
    out = []
    start = 0
    for i in range(1, len(run)):
        p, c = run[i - 1], run[i]
        if (is_lower(p) and is_upper(c)) or (is_digit(p) != is_digit(c)):
            out.append(run[start:i])
            start = i
    out.append(run[start:])
    return out


def features(text):
    """The feature keys of a text (a set: document frequency counts once)."""
    feats = set()
    for run in WORD.findall(text):
        word = run.lower()
        feats.add(b"w" + word)
        marked = b"^" + word + b"$"
        for i in range(len(marked) - 2):
            feats.add(b"c" + marked[i:i + 3])
        sub = parts(run)
        if len(sub) > 1:
            for s in sub:
                feats.add(b"w" + s.lower())
    return feats


def escape(key):
    out = bytearray()
    for c in key:
        if c < 0x21 or c > 0x7E or c == 0x5C:
            out += b"\\x%02x" % c
        else:
            out.append(c)
    return bytes(out)


def field_text(name, pkg):
    meta = pkg.get("meta") or {}
    fields = [name, pkg.get("pname") or ""]
    for key in ("description", "mainProgram", "longDescription", "homepage"):
        value = meta.get(key)
        if isinstance(value, list):
            value = " ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str):
            fields.append(value)
    return "\n".join(fields).encode("utf-8", "replace")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    source, output = sys.argv[1], sys.argv[2]
    min_df = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    opener = gzip.open if source.endswith(".gz") else open
    with opener(source, "rb") as f:
        packages = json.load(f)
    df = {}
    for name, pkg in packages.items():
        for feat in features(field_text(name, pkg)):
            df[feat] = df.get(feat, 0) + 1
    kept = sorted((k, v) for k, v in df.items() if v >= min_df)
    with open(output, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=9) as out:
            out.write(b"# fdnix-offline-idf 1\n")
            out.write(b"documents\t%d\n" % len(packages))
            for key, count in kept:
                out.write(escape(key) + b"\t%d\n" % count)
    print("%d documents, %d features, %d kept (df >= %d)"
          % (len(packages), len(df), len(kept), min_df), file=sys.stderr)


if __name__ == "__main__":
    main()
