#!/usr/bin/env python3
"""Synthetic package records (JSON lines, the documented record form) for
the fdnix-embed integration tests, deterministic for a given N.

  make-records.py N [--text-changed A:B] [--version-changed A:B]
                    [--removed A:B] [--added K]

Package i gets a description from a small vocabulary (plus non-ASCII text
in some), a version and sometimes a long description.  The options give
the variants a later sync sees: descriptions changed (re-embedded),
versions alone changed (vectors reused under a new id), packages removed
and added.
"""
import argparse
import json

WORDS = ["terminal", "editor", "fast", "grep", "json", "library", "python", "bindings",
         "image", "viewer", "network", "monitor", "file", "manager", "pdf", "text",
         "converter", "audio", "player", "compiler", "rust", "tool", "search", "git",
         "client", "server", "database", "fonts", "emacs", "haskell", "kernel", "driver"]


def span(text):
    if not text:
        return range(0)
    a, b = text.split(":")
    return range(int(a), int(b))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("--text-changed", default="")
    p.add_argument("--version-changed", default="")
    p.add_argument("--removed", default="")
    p.add_argument("--added", type=int, default=0)
    o = p.parse_args()
    text_changed = set(span(o.text_changed))
    version_changed = set(span(o.version_changed))
    removed = set(span(o.removed))
    for i in range(o.n + o.added):
        if i in removed:
            continue
        name = ("python3Packages.pkg%05d" if i % 3 == 0 else "pkg%05d") % i
        description = " ".join(WORDS[(i // k) % len(WORDS)] for k in (1, 3, 7, 11))
        if i % 10 == 4:
            description += " \u2014 caf\u00e9 \U0001F600"
        if i in text_changed:
            description += " (changed)"
        record = {
            "packageName": name,
            "version": "1.%d.%d%s" % (i % 7, i % 3, ".1" if i in version_changed else ""),
            "pname": "pkg%05d" % i,
            "description": description,
            "homepage": "https://example.org/pkg%d" % i,
            "license": {"spdxId": "MIT", "fullName": "MIT License"},
        }
        if i % 5 == 0:
            record["longDescription"] = ("A longer text about %s. " % description) * (1 + i % 40)
        if i % 4 == 0:
            record["mainProgram"] = "pkg%d" % i
        print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main()
