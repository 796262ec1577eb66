#!/bin/bash
# fdnix-metadata runs the real nix-env (Debian's nix-bin) over fixture
# expressions that reproduce every odd shape of real nixpkgs output, a
# throwing meta attribute (nix 2.8's half-written entry) and a failing
# evaluation.  No daemon: nix uses a store under the test's directory.
. "$(dirname "$0")/lib.sh"
need nix-env jq sqlite3

export NIX_REMOTE="local?root=$TEST_TMP/nix"
export NIX_CONF_DIR="$TEST_TMP/nix-conf"
mkdir -p "$NIX_CONF_DIR"
: > "$NIX_CONF_DIR/nix.conf"

fixture="$FDNIX_TESTS_SRCDIR/data/nix"
db="$TEST_TMP/fdnix.sqlite"
log="$TEST_TMP/run.log"

# --- a real evaluation into the embedded store
fdnix-metadata --nixpkgs "$fixture" --database "$db" --log-format=json \
  --summary-json "$TEST_TMP/summary.json" -v 2>"$log" || { cat "$log"; fail "fdnix-metadata failed on the fixture"; }

entries=$(jq -r '.counts.entries' "$TEST_TMP/summary.json")
stored=$(sqlite3 "$db" 'select count(*) from packages')
check '[ "$entries" = 22 ]' "nix-env printed 22 entries (got $entries)"
check '[ "$stored" = 21 ]' "21 packages stored: all but the half-written one (got $stored)"
check '[ "$(jq -r .counts.skipped_half_written "$TEST_TMP/summary.json")" = 1 ]' "one half-written entry skipped"
grep -q '"level":"warning".*throws-meta' "$log" || fail "the skipped entry is logged with its attribute path"
check '[ -z "$(sqlite3 "$db" "select 1 from packages where packageName = '"'"'throws-meta'"'"'")" ]' "half-written entry not stored"

q () { sqlite3 "$db" "$1"; }
# keys: attribute paths, never empty versions
check '[ "$(q "select count(*) from packages where version = '"''"'")" = 0 ]' "no empty version"
check '[ "$(q "select version from packages where packageName = '"'"'empty-version'"'"'")" = unknown ]' "empty version becomes unknown"
check '[ "$(q "select pname from packages where packageName = '"'"'python3Packages.nested.deep'"'"'")" = deep ]' "nested attribute path stored with its pname"
check '[ -n "$(q "select 1 from packages where packageName = '"'"'python3Packages.term+key'"'"'")" ]' "attribute with + stored"
# licenses
check '[ "$(q "select json_extract(license, '"'"'\$.type'"'"') from packages where packageName = '"'"'license-string'"'"'")" = string ]' "string license"
check '[ "$(q "select json_extract(license, '"'"'\$.licenses[1].spdxId'"'"') from packages where packageName = '"'"'license-list'"'"'")" = GPL-3.0-or-later ]' "license list"
check '[ -z "$(q "select license from packages where packageName = '"'"'license-empty-list'"'"'")" ]' "empty license list is no license"
check '[ "$(q "select json_extract(license, '"'"'\$.fullName'"'"') from packages where packageName = '"'"'license-no-spdx'"'"'")" = MIT/X11 ]' "license without spdxId"
check '[ "$(q "select json_extract(license, '"'"'\$.operator'"'"') from packages where packageName = '"'"'license-compound'"'"'")" = AND ]' "compound license"
# maintainers, homepage, platforms
check '[ "$(q "select json_array_length(maintainers) from packages where packageName = '"'"'maintainers-mixed'"'"'")" = 3 ]' "three maintainers"
check '[ "$(q "select json_extract(maintainers, '"'"'\$[1].github'"'"') is null from packages where packageName = '"'"'maintainers-mixed'"'"'")" = 1 ]' "maintainer without github"
check '[ "$(q "select homepage from packages where packageName = '"'"'homepage-list'"'"'")" = https://example.org/one ]' "homepage list gives the first"
check '[ "$(q "select json_extract(platforms, '"'"'\$[0]'"'"') from packages where packageName = '"'"'platforms-objects'"'"'")" = kernel.execFormat.name=elf ]' "platform pattern flattened"
check '[ "$(q "select json_array_length(platforms) from packages where packageName = '"'"'platforms-mixed'"'"'")" = 2 ]' "mixed platforms"
# text fields
check '[ -z "$(q "select description from packages where packageName = '"'"'no-description'"'"'")" ]' "missing description"
check '[ "$(q "select length(longDescription) <= 16400 and longDescription like '"'"'%[truncated]'"'"' from packages where packageName = '"'"'long-description'"'"'")" = 1 ]' "long description capped with a marker"
check '[ "$(q "select description from packages where packageName = '"'"'unicode'"'"'")" = "Ünïcödé descriptions – with emoji 🐧 and 中文" ]' "non-ASCII text intact"
check '[ "$(q "select description from packages where packageName = '"'"'invalid-utf8'"'"'")" = "caf� au lait � end" ]' "invalid UTF-8 repaired"
grep -q 'invalid-utf8' "$log" || fail "the repaired package is named in the log"
check '[ "$(q "select position from packages where packageName = '"'"'hello'"'"'")" = "default.nix:27" ]' "position relative to the nixpkgs root"
check '[ "$(q "select unfree || available || broken || insecure from packages where packageName = '"'"'unfree-tool'"'"'")" = 1000 ]' "unfree, unavailable"
check '[ "$(q "select broken || insecure from packages where packageName = '"'"'broken-pkg'"'"'")" = 11 ]' "broken and insecure"
check '[ "$(q "select mainProgram from packages where packageName = '"'"'hello'"'"'")" = hello ]' "mainProgram"

# --- a rerun on the same evaluation writes nothing
fdnix-metadata --nixpkgs "$fixture" --database "$db" --summary-json "$TEST_TMP/summary2.json" 2>>"$log" \
  || fail "second run failed"
check '[ "$(jq -r .counts.written "$TEST_TMP/summary2.json")" = 0 ]' "second run writes 0 rows"
check '[ "$(jq -r .counts.unchanged "$TEST_TMP/summary2.json")" = 21 ]' "second run: all unchanged"

# --- a failing evaluation: exit 1, one error line with nix's own message,
# store untouched.  Before its error nix may warn, e.g. (as root) when the
# build-users group does not exist: run it as this machine is set up and
# with a group that exists nowhere, so both cases are checked everywhere.
before=$(sqlite3 "$db" .dump | sha256sum)
broken="$FDNIX_TESTS_SRCDIR/data/nix-broken"
for setup in machine no-such-group; do
  conf_dir="$TEST_TMP/nix-conf-$setup"
  mkdir -p "$conf_dir"
  case $setup in
    machine) : > "$conf_dir/nix.conf" ;;
    no-such-group) echo 'build-users-group = fdnix-test-no-such-group' > "$conf_dir/nix.conf" ;;
  esac
  # what nix-env itself prints
  if NIX_CONF_DIR=$conf_dir nix-env -f "$broken" -qaP --json --meta >/dev/null 2>"$TEST_TMP/nix-$setup.err"; then
    fail "nix-env succeeded on the broken fixture"
  fi
  grep -q '^error: .*missing-file.nix' "$TEST_TMP/nix-$setup.err" || { cat "$TEST_TMP/nix-$setup.err"; fail "nix-env's own error ($setup)"; }
  echo "# $setup: nix-env printed $(grep -c . "$TEST_TMP/nix-$setup.err") stderr lines, $(grep -c '^warning:' "$TEST_TMP/nix-$setup.err") of them warnings"

  set +e
  NIX_CONF_DIR=$conf_dir fdnix-metadata --nixpkgs "$broken" --database "$db" --log-format=text 2>"$TEST_TMP/broken.log"
  status=$?
  set -e
  check '[ "$status" = 1 ]' "failed nix-env gives exit status 1 (got $status, $setup)"
  grep -q 'error: .*nix-env exited with status 1: getting status of .*missing-file.nix.: No such file or directory$' "$TEST_TMP/broken.log" \
    || { cat "$TEST_TMP/broken.log"; fail "error line names nix-env's status and nix's message ($setup)"; }
  check '[ "$(grep -c "error:" "$TEST_TMP/broken.log")" = 1 ]' "exactly one error line ($setup)"
  ! grep -q 'warning: the group' "$TEST_TMP/broken.log" || { cat "$TEST_TMP/broken.log"; fail "nix's warnings shown without -v ($setup)"; }

  # -v: every other line nix printed is in the log, at info level
  set +e
  NIX_CONF_DIR=$conf_dir fdnix-metadata --nixpkgs "$broken" --database "$db" --log-format=text -v 2>"$TEST_TMP/broken-v.log"
  set -e
  grep -v '^error:' "$TEST_TMP/nix-$setup.err" | grep . | sort -u > "$TEST_TMP/nix-$setup.rest" || true
  while IFS= read -r line; do
    grep -qF "info: nix-env: $line" "$TEST_TMP/broken-v.log" || { cat "$TEST_TMP/broken-v.log"; fail "-v does not log nix's '$line' ($setup)"; }
  done < "$TEST_TMP/nix-$setup.rest"
done
check '[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ]' "store unchanged after a failed evaluation"

# --- a missing nix-env is a clear error too
set +e
FDNIX_NIX_ENV=/nonexistent/nix-env fdnix-metadata --nixpkgs "$fixture" --database "$db" --log-format=text 2>"$TEST_TMP/missing.log"
status=$?
set -e
check '[ "$status" = 1 ]' "missing nix-env gives exit 1"
grep -q 'cannot run /nonexistent/nix-env' "$TEST_TMP/missing.log" || fail "missing nix-env is named"
# --- the deadline and SIGTERM stop a nix-env that never finishes
cat > "$TEST_TMP/stuck-nix-env" <<'SH'
#!/bin/sh
printf '{"stuck": {"name": "stuck-1", '
echo $$ > "$STUCK_PID_FILE"
exec sleep 60
SH
chmod +x "$TEST_TMP/stuck-nix-env"
export STUCK_PID_FILE="$TEST_TMP/stuck.pid"
start=$(date +%s)
set +e
FDNIX_NIX_ENV="$TEST_TMP/stuck-nix-env" fdnix-metadata --nixpkgs "$fixture" --database "$db" \
  --nix-timeout 2 --log-format=text 2>"$TEST_TMP/timeout.log"
status=$?
set -e
check '[ "$status" = 1 ]' "a stuck nix-env fails the run"
check '[ $(( $(date +%s) - start )) -lt 20 ]' "the deadline stops it early"
grep -q 'error: .*did not finish within 2 s' "$TEST_TMP/timeout.log" || { cat "$TEST_TMP/timeout.log"; fail "timeout named"; }
! kill -0 "$(cat "$STUCK_PID_FILE")" 2>/dev/null || fail "nix-env was left running"

rm -f "$STUCK_PID_FILE"
FDNIX_NIX_ENV="$TEST_TMP/stuck-nix-env" fdnix-metadata --nixpkgs "$fixture" --database "$db" \
  --log-format=text 2>"$TEST_TMP/term.log" &
pid=$!
for _ in $(seq 100); do [ -s "$STUCK_PID_FILE" ] && break; sleep 0.1; done
kill -TERM "$pid"
set +e
wait "$pid"
status=$?
set -e
check '[ "$status" = 1 ]' "SIGTERM ends the run with status 1"
grep -q 'error: .*interrupted by signal' "$TEST_TMP/term.log" || { cat "$TEST_TMP/term.log"; fail "the signal is named"; }
! kill -0 "$(cat "$STUCK_PID_FILE")" 2>/dev/null || fail "nix-env was left running after SIGTERM"
check '[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ]' "store unchanged after a timeout and a signal"
exit 0
