#!/bin/sh
# The layering README describes holds, and README lists what it layers:
#   - every lib/ folder has a row in README's layout table, and every public
#     header of it (not *-private.h, not one marked "(internal)") is named
#     there;
#   - no header or source of a lower folder includes one of a higher folder
#     (core < net < aws < store < ingest, vectors < embed < search < serve);
#   - src/*.c include only lib/ headers: the programs are wiring.
# Live: a README without a header's name and a core file that includes a
# search header are both reported.
. "$(dirname "$0")/lib.sh"

top="$FDNIX_TESTS_SRCDIR/.."
readme="$top/README.md"
[ -f "$readme" ] || skip "no README.md beside the tests (not a source tree)"

# rank FOLDER: its layer; a folder includes only folders of lower layers
rank () {
  case $1 in
    core) echo 0 ;; net) echo 1 ;; aws) echo 2 ;; store) echo 3 ;;
    ingest) echo 4 ;; vectors) echo 4 ;; embed) echo 5 ;; search) echo 6 ;;
    serve) echo 7 ;; *) echo 99 ;;
  esac
}

# check_readme README: prints each lib folder or public header README lacks
check_readme () {
  for dir in "$top"/lib/*/; do
    folder=$(basename "$dir")
    grep -q "^| \`lib/$folder/\` |" "$1" || echo "README: no row for lib/$folder/"
    for h in "$dir"*.h; do
      [ -f "$h" ] || continue
      name=$(basename "$h")
      case $name in *-private.h) continue ;; esac
      head -3 "$h" | grep -q '(internal)' && continue
      grep "^| \`lib/$folder/\` |" "$1" | grep -q "\`$name\`" ||
        echo "README: lib/$folder/$name is not in lib/$folder/'s row"
    done
  done
}

# check_layers: prints each include that points upward
check_layers () {
  for f in "$top"/lib/*/*.[ch]; do
    folder=$(basename "$(dirname "$f")")
    mine=$(rank "$folder")
    grep -o '^#include "[a-z]*/' "$f" | sed 's/#include "//; s#/##' | sort -u | while read -r dep; do
      [ "$dep" = "$folder" ] && continue
      theirs=$(rank "$dep")
      if [ "$theirs" = 99 ] || [ "$mine" = 99 ]; then
        echo "${f#"$top"/}: includes $dep/ from $folder/, a folder the layering does not know"
      elif [ "$theirs" -ge "$mine" ]; then
        echo "${f#"$top"/}: includes $dep/ (layer $theirs) from $folder/ (layer $mine)"
      fi
    done
  done
}

problems=$(check_readme "$readme"; check_layers)
if [ -n "$problems" ]; then
  echo "$problems"
  fail "the layout and README disagree"
fi
echo "# $(ls "$top"/lib | wc -l) folders, every public header in README, no upward include"

# the checks can fail: a README without a header, a core file including search
sed 's/`fdnix-config.h`//g' "$readme" > "$TEST_TMP/README.md"
check_readme "$TEST_TMP/README.md" | grep -q "lib/core/fdnix-config.h" ||
  fail "a README without fdnix-config.h was not reported"
mkdir -p "$TEST_TMP/tree/lib/core"
printf '#include "search/fdnix-searcher.h"\n' > "$TEST_TMP/tree/lib/core/fdnix-bad.c"
(top="$TEST_TMP/tree"; check_layers) | grep -q "includes search/" ||
  fail "a core file including a search header was not reported"
