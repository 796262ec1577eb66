#!/bin/sh
# Every man page is clean for both formatters a reader may have:
# `mandoc -T lint` reports nothing, and groff in the C locale
# (`groff -ww -man -Tutf8` and `-Tascii`) prints no warning: no glyph it
# cannot render there, no line it cannot adjust.  The checks are live: a
# copy of a page with a glyph groff lacks in the C locale and one with an
# unknown macro are rejected.
. "$(dirname "$0")/lib.sh"
need mandoc groff

man_dir="$FDNIX_TESTS_SRCDIR/../man"

# lint PAGE: prints every complaint about PAGE; fails when there is one
lint () {
  : > "$TEST_TMP/lint.out"
  mandoc -T lint "$1" >>"$TEST_TMP/lint.out" 2>&1 || echo "mandoc -T lint exits $?" >>"$TEST_TMP/lint.out"
  for device in utf8 ascii; do
    env LC_ALL=C LANG=C groff -ww -man -T"$device" "$1" 2>>"$TEST_TMP/lint.out" >/dev/null ||
      echo "groff -T$device exits $?" >>"$TEST_TMP/lint.out"
  done
  if [ -s "$TEST_TMP/lint.out" ]; then
    cat "$TEST_TMP/lint.out"
    return 1
  fi
}

pages=0
bad=0
for page in "$man_dir"/*.[1-8]; do
  [ -f "$page" ] || continue
  pages=$((pages + 1))
  lint "$page" >&2 || { echo "# $(basename "$page"): see above" >&2; bad=$((bad + 1)); }
done
[ "$pages" -ge 4 ] || fail "expected the four man pages in $man_dir, found $pages"
[ "$bad" = 0 ] || fail "$bad of $pages man pages are not clean"
echo "# $pages man pages clean for mandoc -T lint and groff -ww -Tutf8/-Tascii in the C locale"

# the checks are live
sed '0,/^\.SH DESCRIPTION/s//.SH DESCRIPTION\nan ellipsis \\[u2026] here/' "$man_dir/fdnix.conf.5" > "$TEST_TMP/glyph.5"
cmp -s "$man_dir/fdnix.conf.5" "$TEST_TMP/glyph.5" && fail "could not derive the copy with a glyph"
lint "$TEST_TMP/glyph.5" >"$TEST_TMP/glyph.out" && fail "a page with \\[u2026] passed"
grep -q "u2026" "$TEST_TMP/glyph.out" || { cat "$TEST_TMP/glyph.out"; fail "groff did not name the glyph"; }
sed '0,/^\.SH DESCRIPTION/s//.SH DESCRIPTION\n.NOSUCHMACRO x/' "$man_dir/fdnix-metadata.1" > "$TEST_TMP/macro.1"
lint "$TEST_TMP/macro.1" >"$TEST_TMP/macro.out" && fail "a page with an unknown macro passed"
grep -q "mandoc:.*NOSUCHMACRO" "$TEST_TMP/macro.out" || { cat "$TEST_TMP/macro.out"; fail "mandoc did not name the macro"; }
echo "ok"
