#!/bin/bash
# The man pages document every setting the programs register (key,
# environment variable, option), --help lists no option the program's man
# page does not document, and each page's EXIT STATUS section lists exactly
# the statuses 0, 1 and 2.  Every program must be built: a missing one fails.
. "$(dirname "$0")/lib.sh"

man_dir="$FDNIX_TESTS_SRCDIR/../man"
conf_page="$man_dir/fdnix.conf.5"
status=0

# roff escapes hyphens as \-: compare on unescaped text
plain () { sed 's/\\-/-/g; s/\\(em/--/g' "$1"; }

for prog in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$FDNIX_BUILDDIR/$prog" ] || fail "$prog is not built in $FDNIX_BUILDDIR"
  page="$man_dir/$prog.1"
  [ -f "$page" ] || { echo "missing man page $page" >&2; status=1; continue; }
  plain "$page" > "$TEST_TMP/page"
  plain "$conf_page" > "$TEST_TMP/conf"

  "$prog" --list-settings > "$TEST_TMP/settings" || fail "$prog --list-settings"
  check '[ -s "$TEST_TMP/settings" ]' "$prog lists its settings"
  while IFS="$(printf '\t')" read -r key env option; do
    group=${key%%.*}; name=${key#*.}
    grep -q "\[$group\]" "$TEST_TMP/conf" || { echo "$prog: group [$group] of $key not in fdnix.conf(5)" >&2; status=1; }
    grep -Eq "(^|[^a-z-])$name([^a-z-]|\$)" "$TEST_TMP/conf" || { echo "$prog: key $key not in fdnix.conf(5)" >&2; status=1; }
    if [ "$env" != - ]; then
      grep -q "$env" "$TEST_TMP/conf" || { echo "$prog: variable $env ($key) not in fdnix.conf(5)" >&2; status=1; }
      grep -q "$env" "$TEST_TMP/page" || { echo "$prog: variable $env ($key) not in $prog(1)" >&2; status=1; }
    fi
    if [ "$option" != - ]; then
      grep -q -- "--$option" "$TEST_TMP/page" || { echo "$prog: option --$option not in $prog(1)" >&2; status=1; }
    fi
  done < "$TEST_TMP/settings"

  "$prog" --help | grep -Eo -- '--[a-z][a-z0-9-]*' | sort -u > "$TEST_TMP/options"
  check '[ -s "$TEST_TMP/options" ]' "$prog --help lists options"
  while read -r option; do
    case $option in --help) continue ;; esac
    grep -q -- "$option" "$TEST_TMP/page" || { echo "$prog: $option is in --help but not in $prog(1)" >&2; status=1; }
  done < "$TEST_TMP/options"
  # the EXIT STATUS section: a tagged paragraph (.TP, then ".B N" or "N")
  # for each of 0, 1, 2 in order, each with text under it, and nothing else
  labels=$(awk '
    /^\.SH/ { in_section = ($0 ~ /^\.SH +"?EXIT STATUS"?$/); next }
    !in_section { next }
    /^\.TP/ { want_label = 1; next }
    want_label { sub(/^\.B +/, ""); label = $0; want_label = 0; text[label] = 0; order = order " " label; next }
    label != "" && !/^\.(PP|LP|P)$/ && NF { text[label]++ }
    END { n = split(order, l, " "); for (i = 1; i <= n; i++) printf "%s%s", l[i], (text[l[i]] ? "" : "(empty)") " " }
  ' "$page")
  [ "$labels" = "0 1 2 " ] || { echo "$prog: EXIT STATUS lists '${labels:-nothing}', not 0, 1 and 2 each with its meaning" >&2; status=1; }
  # and the program keeps to it at its simplest: --help is 0, a bad option 2
  "$prog" --help >/dev/null || { echo "$prog: --help exits $?" >&2; status=1; }
  "$prog" --no-such-option >/dev/null 2>&1; code=$?
  [ "$code" = 2 ] || { echo "$prog: a bad option exits $code, not 2" >&2; status=1; }
done
[ "$status" = 0 ] || fail "the man pages and the programs disagree: see above"
echo "ok"
