#!/bin/sh
# test-minimal-root.sh: prove the runtime closure of the container images.
#
# Builds a release tree (no sanitizers) from the checkout, installs it with
# `make install DESTDIR=`, bootstraps a minimal Debian 12 root (debootstrap
# --variant=minbase), installs into it exactly the RUNTIME_PACKAGES of the
# Dockerfiles' final stages, copies the installed tree in, and runs the
# README's quick start there as an unprivileged user: fdnix-metadata on the
# real corpus in $FDNIX_CORPUS, as the README runs it (a small fixture from
# tests/ when that is unset), twice: the second run writes nothing; then
# fdnix-embed on
# the embedded defaults as the AWS pipeline runs it (two shards, then the
# index step), then once whole (it embeds nothing: all is done).
#
# Usage (root, Debian-like host with debootstrap):
#   containers/test-minimal-root.sh [--mirror URL] [--keep]
# Environment: FDNIX_CORPUS (a nix-env JSON file, plain or gzip),
#   FDNIX_MINROOT_MIRROR (default http://deb.debian.org/debian), TMPDIR.  Takes a few minutes: most of it is debootstrap and the build.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${FDNIX_MINROOT_MIRROR:-http://deb.debian.org/debian}
input=${FDNIX_CORPUS:-$top/tests/data/metadata/small.json}
[ -f "$input" ] || { echo "test-minimal-root.sh: no input at $input" >&2; exit 2; }
input_name=$(basename "$input")
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --mirror) mirror=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
  esac
done

say () { printf '=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
die () { echo "test-minimal-root.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
for tool in debootstrap chroot autoreconf make git; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-minimal-root-XXXXXX")
root=$work/root
cleanup () {
  for m in proc dev; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
  done
  if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The package list is read from the Dockerfiles, so it cannot drift from them.
packages=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' \
  "$top/containers/metadata.Dockerfile" "$top/containers/embed.Dockerfile" | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "$packages" ] || die "no ARG RUNTIME_PACKAGES=\"...\" in the Dockerfiles"
echo "runtime packages: $packages"

say "release build from the checkout"
# A copy of the tracked sources (uncommitted changes included), so an
# in-tree configured checkout does not get in the way of this build.
mkdir -p "$work/src" "$work/dest"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  rev=$(git -C "$top" stash create 2>/dev/null || true)
  git -C "$top" archive "${rev:-HEAD}" | tar -x -C "$work/src"
else
  cp -a "$top/." "$work/src/"
fi
(
  cd "$work/src"
  autoreconf -fi >"$work/build.log" 2>&1
  ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
    --with-systemdsystemunitdir=/usr/lib/systemd/system >>"$work/build.log" 2>&1
  make -j"$(nproc 2>/dev/null || echo 2)" >>"$work/build.log" 2>&1
  make install DESTDIR="$work/dest" >>"$work/build.log" 2>&1
) || { tail -40 "$work/build.log" >&2; die "the release build failed"; }
programs=$(cd "$work/dest/usr/bin" && ls fdnix-*)
echo "installed: $programs"

say "debootstrap --variant=minbase bookworm"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"

say "apt-get install --no-install-recommends (the Dockerfiles' RUNTIME_PACKAGES)"
# shellcheck disable=SC2086
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages \
  >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; die "apt-get install failed"; }

say "install the tree and the fixture"
cp -a "$work/dest/." "$root/"
mkdir -p "$root/srv/fdnix"
cp "$input" "$root/srv/fdnix/$input_name"
chroot "$root" groupadd --system --gid 10001 fdnix
chroot "$root" useradd --system --uid 10001 --gid fdnix --home-dir /var/lib/fdnix --create-home fdnix 2>/dev/null

for p in $programs; do
  if chroot "$root" ldd "/usr/bin/$p" | grep 'not found'; then
    die "$p: shared libraries missing from the minimal root"
  fi
done

say "README quick start inside the minimal root, as uid 10001"
chroot --userspec=10001:10001 "$root" env -i \
  HOME=/var/lib/fdnix PATH=/usr/bin:/bin LANG=C.UTF-8 INPUT="/srv/fdnix/$input_name" \
  sh -euc '
    cd /var/lib/fdnix
    fdnix-metadata --version
    fdnix-embed --version
    fdnix-metadata --input "$INPUT" --log-format=text --summary-json first.json
    fdnix-metadata --input "$INPUT" --log-format=text --summary-json second.json
    fdnix-embed --log-format=text --shard 0/2 --summary-json shard0.json
    fdnix-embed --log-format=text --shard 1/2 --summary-json shard1.json
    fdnix-embed --log-format=text --index-only --summary-json index.json
    fdnix-embed --log-format=text --summary-json embed.json
    ls -l .local/share/fdnix .local/share/fdnix/vector-index
  ' >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; die "the quick start failed in the minimal root"; }
cat "$work/run.log"

# the figures, read with the host python (the root has no JSON tool)
python3 - "$root/var/lib/fdnix" <<'PY'
import json, sys, os
d = sys.argv[1]
s = {n: json.load(open(os.path.join(d, n + ".json"))) for n in ("first", "second", "embed", "shard0", "shard1", "index")}
c = lambda n: s[n].get("counts", {})
print("metadata first run:", c("first"))
print("metadata second run:", c("second"))
print("embed shards:", c("shard0").get("embedded"), "+", c("shard1").get("embedded"),
      "; index:", c("index"), "; whole run after them:", c("embed"))
written = c("first").get("written", 0)
assert written > 0, "the first metadata run wrote nothing"
assert c("second").get("written", 0) == 0, "the second metadata run wrote again"
assert c("shard0").get("embedded", 0) + c("shard1").get("embedded", 0) == written, "the shards did not embed every package once"
assert c("index").get("index_written", 0) == 1, "the index step wrote no index"
assert c("embed").get("embedded", 0) == 0, "a whole run after the shards embedded again"
assert os.path.exists(os.path.join(d, ".local/share/fdnix/vector-index/index.json.gz")), "no vector index"
for n in s:
    assert s[n].get("exit_status", 0) == 0, f"{n}: exit status {s[n].get('exit_status')}"
PY
du -shx "$root" | sed 's/^/minimal root size: /'
say "the installed programs run in a minimal Debian 12 root with only: $packages"
