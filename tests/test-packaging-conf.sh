#!/bin/sh
# etc/fdnix.conf, the commented default configuration, names only settings
# that exist: with every "#key=value" line uncommented it is a key file whose
# [group] key pairs are all registered by a built program (--list-settings).
# Every program must be built and list its settings: a failure fails.
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
: > "$TEST_TMP/settings"
for prog in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$FDNIX_BUILDDIR/$prog" ] || fail "$prog is not built in $FDNIX_BUILDDIR"
  "$FDNIX_BUILDDIR/$prog" --list-settings > "$TEST_TMP/$prog.settings" || fail "$prog --list-settings failed"
  [ -s "$TEST_TMP/$prog.settings" ] || fail "$prog --list-settings printed nothing"
  cat "$TEST_TMP/$prog.settings" >> "$TEST_TMP/settings"
done

python3 - "$top/etc/fdnix.conf" "$TEST_TMP/settings" <<'PY' || fail "etc/fdnix.conf names unknown settings"
import re, sys
known = {l.split("\t")[0] for l in open(sys.argv[2]) if l.strip()}
group = None
seen, errors = [], []
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip("\n")
    m = re.fullmatch(r"\[([A-Za-z0-9-]+)\]", line)
    if m:
        group = m.group(1)
        continue
    m = re.fullmatch(r"#([a-z0-9-]+)=(.*)", line)
    if m:
        if group is None:
            errors.append(f"line {n}: setting before any [group]")
            continue
        key = f"{group}.{m.group(1)}"
        seen.append(key)
        if key not in known:
            errors.append(f"line {n}: [{group}] {m.group(1)} is not a setting of any program")
    elif line and not line.startswith("#"):
        errors.append(f"line {n}: not commented out: {line!r}")
if len(seen) != len(set(seen)):
    errors.append("a setting appears twice")
if errors:
    sys.exit("\n".join(errors))
missing = sorted(known - set(seen))
print(f"# {len(seen)} settings shown in fdnix.conf; not shown: {', '.join(missing) or 'none'}")
PY
echo "ok"
