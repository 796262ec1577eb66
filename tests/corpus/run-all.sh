#!/bin/bash
# Runs every corpus-scale check against $FDNIX_CORPUS, from the build
# directory, after `make check` built the test drivers:
# tests/corpus/*-corpus.sh and the corpus tests of the suites
# (tests/test-*-corpus.sh, which `make check` skips without FDNIX_CORPUS).
set -u
here=$(cd "$(dirname "$0")" && pwd)
export FDNIX_BUILDDIR=${FDNIX_BUILDDIR:-$(pwd)}
export FDNIX_TESTS_SRCDIR=${FDNIX_TESTS_SRCDIR:-$(cd "$here/.." && pwd)}
[ -n "${FDNIX_CORPUS:-}" ] || { echo "FDNIX_CORPUS is not set" >&2; exit 2; }
status=0
for check in "$here"/*-corpus.sh "$here"/../test-*-corpus.sh; do
  start=$(date +%s)
  echo "--- $(basename "$check")"
  bash "$check"
  result=$?
  if [ "$result" = 0 ]; then
    echo "--- $(basename "$check"): PASS ($(( $(date +%s) - start )) s)"
  else
    echo "--- $(basename "$check"): FAIL, status $result ($(( $(date +%s) - start )) s)"
    status=1
  fi
done
exit $status
