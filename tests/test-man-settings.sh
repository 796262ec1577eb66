#!/bin/bash
# The man pages document every setting the programs register (key,
# environment variable, option), and --help lists no option the program's
# man page does not document.
. "$(dirname "$0")/lib.sh"

man_dir="$FDNIX_TESTS_SRCDIR/../man"
conf_page="$man_dir/fdnix.conf.5"
status=0

# roff escapes hyphens as \-: compare on unescaped text
plain () { sed 's/\\-/-/g; s/\\(em/--/g' "$1"; }

for prog in fdnix-metadata fdnix-embed fdnix-search; do
  command -v "$prog" >/dev/null 2>&1 || continue
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
  # exit statuses are documented
  for code in 0 1 2; do
    grep -Eq "^\.?(TP|IP)?.*\b$code\b" "$TEST_TMP/page" || { echo "$prog: exit status $code not documented" >&2; status=1; }
  done
  grep -q 'EXIT STATUS' "$TEST_TMP/page" || { echo "$prog: no EXIT STATUS section" >&2; status=1; }
done
exit $status
