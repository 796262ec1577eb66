#!/bin/sh
# The systemd units, as `make install` installs them, pass
# `systemd-analyze verify` with ExecStart naming the installed programs, and
# stay hardened (`systemd-analyze security` exposure 2.0 or lower).  The
# search server shares the batch units' dynamic user and state directory,
# read-only, and restarts on failure.  The
# install goes into a staging root that also holds a copy of the host's
# system units, so verify resolves the units' dependencies there.
. "$(dirname "$0")/lib.sh"
need systemd-analyze make

root="$TEST_TMP/root"
make -s -C "$FDNIX_BUILDDIR" install DESTDIR="$root" >"$TEST_TMP/install.log" 2>&1 ||
  { cat "$TEST_TMP/install.log" >&2; fail "make install DESTDIR=... failed"; }

unitdir=$(cd "$root" && find . -name fdnix-metadata.service -path '*/systemd/system/*' | sed 's|^\./|/|; s|/fdnix-metadata.service$||')
if [ -z "$unitdir" ]; then
  # configured without a unit directory: check the generated units anyway
  unitdir=/etc/systemd/system
  mkdir -p "$root$unitdir"
  cp "$FDNIX_BUILDDIR/systemd/fdnix-metadata.service" "$FDNIX_BUILDDIR/systemd/fdnix-embed.service" \
     "$FDNIX_BUILDDIR/systemd/fdnix-search.service" \
     "$FDNIX_TESTS_SRCDIR/../systemd/fdnix.timer" "$root$unitdir/"
  echo "# no systemd unit directory configured: checking the generated units in $unitdir"
fi
# verify resolves units by name (the timer's Unit=, Requires=) in systemd's
# search path, which a staging prefix such as distcheck's is not part of:
# check the installed files from /etc/systemd/system in the staging root.
if [ "$unitdir" != /etc/systemd/system ]; then
  mkdir -p "$root/etc/systemd/system"
  cp "$root$unitdir/fdnix-metadata.service" "$root$unitdir/fdnix-embed.service" \
     "$root$unitdir/fdnix-search.service" "$root$unitdir/fdnix.timer" "$root/etc/systemd/system/"
  echo "# installed into $unitdir"
  unitdir=/etc/systemd/system
fi
host_units=
for d in /usr/lib/systemd/system /lib/systemd/system; do
  [ -f "$d/sysinit.target" ] && { host_units=$d; break; }
done
[ -n "$host_units" ] || skip "no systemd system units on this host"
mkdir -p "$root/usr/lib/systemd"
[ -e "$root/usr/lib/systemd/system" ] || mkdir "$root/usr/lib/systemd/system"
cp -an "$host_units/." "$root/usr/lib/systemd/system/"

units=fdnix.timer
for prog in fdnix-metadata fdnix-embed fdnix-search; do
  exec_line=$(sed -n 's/^ExecStart=//p' "$root$unitdir/$prog.service")
  [ -n "$exec_line" ] || fail "$prog.service has no ExecStart"
  exec_start=${exec_line%% *}
  case $exec_start in
    /*/bin/$prog) ;;
    *) fail "$prog.service: ExecStart=$exec_start does not name the installed $prog" ;;
  esac
  if [ -x "$root$exec_start" ]; then
    units="$units $prog.service"
  else
    echo "# $prog is not built: $prog.service is checked for syntax only"
    # stand-in: the other installed program, so the rest of the unit is verified
    stand_in=$(find "$root" -path '*/bin/fdnix-*' -type f -perm -u+x | head -1)
    [ -n "$stand_in" ] || fail "no fdnix program was installed"
    sed "s|^ExecStart=[^ ]*|ExecStart=${stand_in#"$root"}|" "$root$unitdir/$prog.service" > "$TEST_TMP/$prog.service"
    cp "$TEST_TMP/$prog.service" "$root$unitdir/$prog.service"
    units="$units $prog.service"
  fi
done

# verify: non-zero on errors; warnings (an unknown key, a bad value) only
# print, so any output at all fails the test
for u in $units; do
  (cd "$root" && systemd-analyze verify --man=no --root="$root" ".$unitdir/$u") >"$TEST_TMP/verify.log" 2>&1 ||
    { cat "$TEST_TMP/verify.log" >&2; fail "systemd-analyze verify rejects $u"; }
  if [ -s "$TEST_TMP/verify.log" ]; then
    cat "$TEST_TMP/verify.log" >&2
    fail "systemd-analyze verify warns about $u"
  fi
  echo "# verify: $u ok"
done

# the check is live: a unit whose program is missing is rejected
sed "s|^ExecStart=.*|ExecStart=/usr/bin/fdnix-no-such-program|" "$root$unitdir/fdnix-metadata.service" \
  > "$root$unitdir/fdnix-broken.service"
if (cd "$root" && systemd-analyze verify --man=no --root="$root" ".$unitdir/fdnix-broken.service") >/dev/null 2>&1; then
  fail "systemd-analyze verify accepted a unit whose ExecStart does not exist"
fi
rm -f "$root$unitdir/fdnix-broken.service"

for u in fdnix-metadata.service fdnix-embed.service fdnix-search.service; do
  (cd "$root" && systemd-analyze security --offline=yes --threshold=20 --root="$root" ".$unitdir/$u") \
    >"$TEST_TMP/security.log" 2>&1 ||
    { tail -40 "$TEST_TMP/security.log" >&2; fail "$u: exposure above 2.0"; }
  echo "# $(grep 'Overall exposure' "$TEST_TMP/security.log")"
done

# the ordering: the timer starts embed, embed requires and follows metadata
grep -qx 'Unit=fdnix-embed.service' "$root$unitdir/fdnix.timer" || fail "the timer does not start fdnix-embed.service"
grep -qx 'Persistent=true' "$root$unitdir/fdnix.timer" || fail "the timer is not persistent"
grep -q '^RandomizedDelaySec=' "$root$unitdir/fdnix.timer" || fail "the timer has no randomized delay"
grep -qx 'Requires=fdnix-metadata.service' "$root$unitdir/fdnix-embed.service" || fail "embed does not require metadata"
grep -qx 'After=fdnix-metadata.service' "$root$unitdir/fdnix-embed.service" || fail "embed is not ordered after metadata"

# the server: `--serve` on the default address, restarted on failure,
# enabled by multi-user.target; the same dynamic user and state directory
# as the batch units (so it can read what they write), that directory
# read-only; no capability, only IP and local sockets
search=$root$unitdir/fdnix-search.service
case $(sed -n 's/^ExecStart=//p' "$search") in
  "/"*"/bin/fdnix-search --serve") ;;
  *) fail "fdnix-search.service does not run fdnix-search --serve" ;;
esac
for line in 'Restart=on-failure' 'WantedBy=multi-user.target' 'ReadOnlyPaths=%S/fdnix' \
    'CapabilityBoundingSet=' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
    'MemoryDenyWriteExecute=yes' 'SystemCallFilter=@system-service' 'NoNewPrivileges=yes'; do
  grep -qxF "$line" "$search" || fail "fdnix-search.service lacks $line"
done
for key in DynamicUser User Group StateDirectory; do
  for u in fdnix-metadata fdnix-embed; do
    [ "$(grep "^$key=" "$search")" = "$(grep "^$key=" "$root$unitdir/$u.service")" ] ||
      fail "fdnix-search.service and $u.service differ in $key="
  done
done
! grep -q '^ReadWritePaths=' "$search" || fail "fdnix-search.service may write somewhere"

# make install also installed the default configuration
conf=$(cd "$root" && find . -path '*/fdnix/fdnix.conf' | head -1)
[ -n "$conf" ] || fail "make install did not install fdnix/fdnix.conf"
echo "ok"
