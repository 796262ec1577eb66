#!/usr/bin/env python3
"""Write a nix-env -qaP --json --meta document of N made-up packages.

  make-packages.py N [--changed A:B] [--removed A:B] [--added K]

Package i is "pkg<i>" (every tenth one nested, "python3Packages.pkg<i>"),
with the shapes real nixpkgs output has: a license as a string, an object or
a list; maintainers with and without github; a homepage string or list;
platforms; non-ASCII text; a missing description.  --changed rewrites the
descriptions of packages A..B-1 (they need new embeddings), --removed drops
them, --added appends K new packages.  The same arguments always give the
same document.
"""

import argparse
import json
import sys


def package(i, changed=False):
    name = ("python3Packages.pkg%d" % i) if i % 10 == 0 else ("pkg%d" % i)
    pname = "pkg%d" % i
    version = "%d.%d.%d" % (1 + i % 7, i % 13, i % 3)
    meta = {
        "available": True, "broken": i % 37 == 0, "insecure": False,
        "unfree": i % 23 == 0, "unsupported": False,
        "homepage": "https://example.org/%s" % pname if i % 4 else
                    ["https://example.org/%s" % pname, "https://mirror.example.org/%s" % pname],
        "platforms": ["x86_64-linux", "aarch64-linux"] + (["x86_64-darwin"] if i % 2 else []),
        "position": "pkgs/by-name/%s/%s/package.nix:%d" % (pname[:2], pname, 10 + i % 50),
        "maintainers": [{"name": "Maintainer %d" % (i % 9), "email": "m%d@example.org" % (i % 9),
                         **({"github": "m%d" % (i % 9), "githubId": 1000 + i % 9} if i % 3 else {})}],
        "mainProgram": pname,
    }
    if i % 5 == 0:
        meta["license"] = "mit"
    elif i % 5 == 1:
        meta["license"] = {"spdxId": "GPL-3.0-or-later", "shortName": "gpl3Plus", "free": True}
    else:
        meta["license"] = [{"spdxId": "MIT", "shortName": "mit", "free": True},
                           {"spdxId": "Apache-2.0", "shortName": "asl20", "free": True}]
    if i % 17 != 0:
        topic = ["compression", "networking", "text editing", "databases", "graphics",
                 "audio", "Übersetzung – translation", "数据 processing"][i % 8]
        meta["description"] = "Tool number %d for %s%s" % (i, topic, " (revised)" if changed else "")
    if i % 6 == 0:
        meta["longDescription"] = "A longer text about package %d.\n" % i * (1 + i % 5)
    return name, {"name": "%s-%s" % (pname, version), "pname": pname, "version": version,
                  "system": "x86_64-linux", "outputName": "out", "meta": meta}


def span(text):
    a, _, b = text.partition(":")
    return range(int(a), int(b))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("--changed", type=span, default=range(0))
    p.add_argument("--removed", type=span, default=range(0))
    p.add_argument("--added", type=int, default=0)
    args = p.parse_args()
    doc = {}
    for i in range(args.n + args.added):
        if i in args.removed:
            continue
        name, value = package(i, changed=i in args.changed)
        doc[name] = value
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
