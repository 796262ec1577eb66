#!/bin/bash
# Runs every corpus-scale check (tests/corpus/*-corpus.sh) against
# $FDNIX_CORPUS; .ci/run calls it after `make check`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export FDNIX_BUILDDIR=${FDNIX_BUILDDIR:-$(pwd)}
export FDNIX_TESTS_SRCDIR=${FDNIX_TESTS_SRCDIR:-$(cd "$here/.." && pwd)}
status=0
for check in "$here"/*-corpus.sh; do
  start=$(date +%s)
  echo "--- $(basename "$check")"
  if bash "$check"; then
    echo "--- $(basename "$check"): PASS ($(( $(date +%s) - start )) s)"
  else
    echo "--- $(basename "$check"): FAIL ($(( $(date +%s) - start )) s)"
    status=1
  fi
done
exit $status
