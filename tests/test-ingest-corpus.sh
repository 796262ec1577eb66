#!/bin/bash
# test-ingest-corpus: the package reader over the real nixpkgs corpus.
#
# FDNIX_CORPUS names the data directory (shared/data: see its README) or
# its nixpkgs-packages.json.gz.  Unset, the test is skipped: the corpus is
# 28 MB compressed and not part of the repository.  Checks, with the
# tests/fdnix-ingest-dump driver:
#   - the cleaned corpus: every entry becomes a record, memory stays flat;
#   - nix-env's raw output beside it: exactly the half-written entries
#     listed in nixpkgs-raw-half-written-entries.txt are skipped, all others
#     kept, and the records do not depend on the chunk size.
. "${FDNIX_TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

if [ -z "${FDNIX_CORPUS:-}" ]; then
  # optional data, not a missing tool: a plain skip even in CI
  echo "SKIP: FDNIX_CORPUS is not set" >&2
  exit 77
fi
if [ -d "$FDNIX_CORPUS" ]; then
  dir=$FDNIX_CORPUS
  packages=$dir/nixpkgs-packages.json.gz
else
  dir=$(dirname "$FDNIX_CORPUS")
  packages=$FDNIX_CORPUS
fi
raw=$dir/nixpkgs-raw-nix-env-2.8.json.gz
half_list=$dir/nixpkgs-raw-half-written-entries.txt
dump=$FDNIX_BUILDDIR/tests/fdnix-ingest-dump
[ -f "$packages" ] || fail "no corpus at $packages"
[ -x "$dump" ] || fail "$dump is not built"

# field NAME < one JSON line of counts
field () {
  sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"
}

# ASan's quarantine would hold freed memory and hide whether RSS is flat.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0 \
  "$dump" "$packages" > "$TEST_TMP/packages.out" 2> "$TEST_TMP/packages.err" ||
  fail "reading $packages: $(cat "$TEST_TMP/packages.err")"
counts=$(tail -n 1 "$TEST_TMP/packages.out")
echo "# $counts"
entries=$(field entries <<< "$counts")
records=$(field records <<< "$counts")
check '[ "$entries" -gt 1000 ]' "too few entries in $packages"
check '[ "$records" = "$entries" ]' "the cleaned corpus has no entry to skip"
check '[ "$(field skipped_half_written <<< "$counts")" = 0 ]' "nothing half-written in the cleaned corpus"
check '[ "$(field max_rss_kb <<< "$counts")" -lt 65536 ]' "peak RSS under 64 MB"

[ -f "$raw" ] && [ -f "$half_list" ] || exit 0
"$dump" --skipped --chunk 4093 "$raw" > "$TEST_TMP/raw.out" 2> "$TEST_TMP/raw.err" ||
  fail "reading $raw: $(cat "$TEST_TMP/raw.err")"
counts=$(tail -n 1 "$TEST_TMP/raw.out")
echo "# $counts"
half=$(wc -l < "$half_list")
check '[ "$(field skipped_half_written <<< "$counts")" = "$half" ]' "every listed half-written entry skipped"
check '[ "$(field skipped_invalid <<< "$counts")" = 0 ]' "no other entry skipped"
check '[ "$(field records <<< "$counts")" = "$(( $(field entries <<< "$counts") - half ))" ]' \
  "every other entry kept"
sed -n 's/^skipped //p' "$TEST_TMP/raw.out" | sort > "$TEST_TMP/skipped.txt"
sort "$half_list" | cmp -s - "$TEST_TMP/skipped.txt" || fail "skipped entries differ from $half_list"

# The same records whatever the chunking (a pipe, a gzip stream, curl).
"$dump" --records --chunk 65536 "$raw" 2>/dev/null | grep -v '"cpu_s"' | sha256sum > "$TEST_TMP/a.sum"
"$dump" --records --chunk 999983 "$raw" 2>/dev/null | grep -v '"cpu_s"' | sha256sum > "$TEST_TMP/b.sum"
cmp -s "$TEST_TMP/a.sum" "$TEST_TMP/b.sum" || fail "records depend on the chunk size"
exit 0
