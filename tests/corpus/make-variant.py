#!/usr/bin/env python3
"""Derive test inputs from the real corpus (for the corpus-scale checks).

  make-variant.py changed IN OUT KEYS   1% of packages changed (description),
                                       0.5% removed; KEYS gets "changed\tKEY"
                                       and "removed\tKEY" lines.
  make-variant.py truncate IN OUT      the document cut in the middle of an entry.

Choices are deterministic (every 100th / 200th key in document order), so
runs are comparable.  IN may be gzipped; OUT is plain JSON.
"""
import gzip
import json
import sys


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def changed(src, dst, keys_path):
    data = load(src)
    out = {}
    with open(keys_path, "w", encoding="utf-8") as keys:
        for i, (key, value) in enumerate(data.items()):
            if i % 200 == 50:
                keys.write(f"removed\t{key}\n")
                continue
            if i % 100 == 7:
                meta = value.setdefault("meta", {})
                meta["description"] = (meta.get("description") or "") + " (changed for the test)"
                keys.write(f"changed\t{key}\n")
            out[key] = value
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)


def truncate(src, dst):
    opener = gzip.open if src.endswith(".gz") else open
    with opener(src, "rb") as f:
        data = f.read()
    cut = len(data) * 2 // 3
    with open(dst, "wb") as f:
        f.write(data[:cut])


if __name__ == "__main__":
    if sys.argv[1] == "changed":
        changed(*sys.argv[2:5])
    elif sys.argv[1] == "truncate":
        truncate(*sys.argv[2:4])
    else:
        sys.exit("usage: make-variant.py changed|truncate ...")
