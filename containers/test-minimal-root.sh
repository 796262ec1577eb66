#!/bin/sh
# test-minimal-root.sh: prove what the container images need and do.
#
# Reads from containers/*.Dockerfile the Debian suite (ARG DEBIAN_IMAGE),
# the build stage's BUILD_PACKAGES and the runtime stages' RUNTIME_PACKAGES.
# Bootstraps that suite once (debootstrap --variant=minbase) and copies it
# into a build root holding BUILD_PACKAGES, where the checkout is built as
# the Dockerfiles build it, and a runtime root holding exactly
# RUNTIME_PACKAGES of all images, the user 10001 and the /nix it owns.
# Each program an image copies must find every shared library it needs in a
# package of that image's own RUNTIME_PACKAGES (with their dependencies) or
# of the base system.  In the runtime root, as uid 10001:
#  1. the README quick start: fdnix-metadata on $FDNIX_CORPUS (a fixture
#     from tests/ when unset), twice (the second run writes nothing), then
#     fdnix-embed as the AWS pipeline runs it (two shards, the index step),
#     then once whole (it embeds nothing), then fdnix-search on the result;
#  2. the metadata image's default source, nix-env on <nixpkgs> from
#     NIX_PATH, on the nix test fixture (tests/data/nix);
#  3. the same on a current, unshimmed nixpkgs ($FDNIX_TEST_NIXPKGS: a
#     checkout, or a git directory whose $FDNIX_TEST_NIXPKGS_REV, default
#     HEAD, is exported), a few attributes of it (hello, ripgrep, jq,
#     python3Packages.requests) evaluated through its own entry point.
#     Skipped with a message when unset (CI has no nixpkgs checkout).
#
# Usage (root, Debian-like host with debootstrap):
#   containers/test-minimal-root.sh [--mirror URL] [--keep]
# Environment: FDNIX_CORPUS, FDNIX_TEST_NIXPKGS, FDNIX_TEST_NIXPKGS_REV,
#   FDNIX_REQUIRE_ALL, FDNIX_MINROOT_MIRROR (default
#   http://deb.debian.org/debian), FDNIX_MINROOT_CACHE (a directory kept for
#   debootstrap's downloads), TMPDIR.  Takes a few minutes: debootstrap, the
#   package installs and the build.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${FDNIX_MINROOT_MIRROR:-http://deb.debian.org/debian}
input=${FDNIX_CORPUS:-$top/tests/data/metadata/small.json}
[ -f "$input" ] || { echo "test-minimal-root.sh: no input at $input" >&2; exit 2; }
input_name=$(basename "$input")
# a query with results in the fixture or in a real nixpkgs
case $input in
  "$top/tests/data/metadata/small.json") query="alpha tool" ;;
  *) query=ripgrep ;;
esac
nixpkgs=${FDNIX_TEST_NIXPKGS:-}
nixpkgs_rev=${FDNIX_TEST_NIXPKGS_REV:-HEAD}
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --mirror) mirror=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) sed -n '2,32p' "$0" >&2; exit 2 ;;
  esac
done

say () { printf '=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
die () { echo "test-minimal-root.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
for tool in debootstrap chroot git python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
if [ -z "$nixpkgs" ]; then
  # not a missing tool: no nixpkgs checkout can be had on a machine that
  # reaches only package registries, so this part is for a developer's run
  echo "SKIP (part 3): FDNIX_TEST_NIXPKGS is not set, so no current nixpkgs is evaluated;" \
       "set it to a nixpkgs checkout or git directory to run that part"
elif [ -f "$nixpkgs/lib/minfeatures.nix" ]; then
  nixpkgs_kind=tree
elif git --git-dir="$nixpkgs" rev-parse --verify -q "$nixpkgs_rev^{commit}" >/dev/null 2>&1; then
  nixpkgs_kind=git
else
  die "FDNIX_TEST_NIXPKGS=$nixpkgs is neither a nixpkgs tree nor a git directory holding $nixpkgs_rev"
fi

# --- what the Dockerfiles say, so that this cannot drift from them
dockerfiles="$top/containers/metadata.Dockerfile $top/containers/embed.Dockerfile $top/containers/search.Dockerfile"
arg_values () {  # NAME: the distinct values of `ARG NAME=...` in the Dockerfiles
  # shellcheck disable=SC2086
  sed -n "s/^ARG $1=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}\$/\\1/p" $dockerfiles | sort -u
}
image=$(arg_values DEBIAN_IMAGE)
[ "$(echo "$image" | wc -l)" = 1 ] && [ -n "$image" ] ||
  die "the Dockerfiles must name one ARG DEBIAN_IMAGE (found: $image)"
suite=$(echo "$image" | sed -n 's/^debian:\([a-z]*\)\(-slim\)\{0,1\}$/\1/p')
[ -n "$suite" ] || die "ARG DEBIAN_IMAGE=$image does not name a Debian suite (debian:SUITE-slim)"
build_packages=$(arg_values BUILD_PACKAGES)
[ "$(echo "$build_packages" | wc -l)" = 1 ] && [ -n "$build_packages" ] ||
  die "the Dockerfiles' build stages must share one ARG BUILD_PACKAGES=\"...\""
packages=$(arg_values RUNTIME_PACKAGES | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "$packages" ] || die "no ARG RUNTIME_PACKAGES=\"...\" in the Dockerfiles"
echo "suite: $suite ($image)"
echo "build packages: $build_packages"
echo "runtime packages: $packages"

work=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-minimal-root-XXXXXX")
base=$work/base
build=$work/build
root=$work/root
cleanup () {
  for r in "$build" "$root"; do
    mountpoint -q "$r/proc" 2>/dev/null && umount -l "$r/proc"
  done
  if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "debootstrap --variant=minbase $suite"
set --
[ -n "${FDNIX_MINROOT_CACHE:-}" ] && mkdir -p "$FDNIX_MINROOT_CACHE" &&
  set -- "--cache-dir=$(cd "$FDNIX_MINROOT_CACHE" && pwd)"
debootstrap --variant=minbase "$@" "$suite" "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; die "debootstrap $suite failed"; }
# what the slim base image has before any RUNTIME_PACKAGES
chroot "$base" dpkg-query -W -f '${Package}\n' | sort -u >"$work/base-packages"
cp /etc/resolv.conf "$base/etc/resolv.conf"
cp -a "$base" "$build"
mv "$base" "$root"
for r in "$build" "$root"; do mount -t proc proc "$r/proc"; done

# Commands in the roots get a clean environment: the host's (TMPDIR, say)
# names paths that do not exist there.
in_root () {  # ROOT COMMAND...
  r=$1; shift
  chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
apt_install () {  # ROOT LOG PACKAGES...
  r=$1 log=$2; shift 2
  in_root "$r" apt-get install -y --no-install-recommends "$@" \
    >"$log" 2>&1 || { tail -20 "$log" >&2; die "apt-get install in $r failed"; }
}

say "build root: apt-get install BUILD_PACKAGES, then build as the Dockerfiles do"
# shellcheck disable=SC2086
apt_install "$build" "$work/apt-build.log" $build_packages
# A copy of the tracked sources (uncommitted changes included).
mkdir -p "$build/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  rev=$(git -C "$top" stash create 2>/dev/null || true)
  git -C "$top" archive "${rev:-HEAD}" | tar -x -C "$build/src"
else
  cp -a "$top/." "$build/src/"
fi
in_root "$build" sh -ec '
  cd /src
  autoreconf -fi
  ./configure --prefix=/usr --sysconfdir=/etc --with-systemdsystemunitdir=no
  make -j"$(nproc)"
  make install DESTDIR=/out
' >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; die "the build in the $suite root failed"; }
programs=$(cd "$build/out/usr/bin" && ls fdnix-*)
echo "built on $suite: $programs"

say "runtime root: apt-get install --no-install-recommends RUNTIME_PACKAGES"
# shellcheck disable=SC2086
apt_install "$root" "$work/apt.log" $packages
# the runtime stages' user and /nix (metadata.Dockerfile: nix-env runs as
# the user in single-user mode and needs a store it can write)
in_root "$root" groupadd --system --gid 10001 fdnix
in_root "$root" useradd --system --uid 10001 --gid fdnix --home-dir /var/lib/fdnix --create-home fdnix 2>/dev/null
mkdir -p "$root/nix/store" "$root/nix/var/nix"
in_root "$root" chown -R fdnix:fdnix /nix
cp -a "$build/out/." "$root/"
mkdir -p "$root/srv/fdnix"
cp "$input" "$root/srv/fdnix/$input_name"

for p in $programs; do
  if in_root "$root" ldd "/usr/bin/$p" | grep 'not found'; then
    die "$p: shared libraries missing from the minimal root"
  fi
done

# The runtime root holds every image's packages; each image holds only its
# own.  So for each Dockerfile: the packages its RUNTIME_PACKAGES bring
# (apt's dependency closure, no recommends) and the base system's must own
# every library its programs load.
for dockerfile in $dockerfiles; do
  own=$(sed -n 's/^ARG RUNTIME_PACKAGES="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$dockerfile")
  copied=$(sed -n 's|^COPY --from=build /out/usr/bin/\(fdnix-[a-z-]*\) .*|\1|p' "$dockerfile")
  [ -n "$copied" ] || die "$(basename "$dockerfile") copies no program"
  # shellcheck disable=SC2086
  in_root "$root" apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances $own 2>/dev/null |
    sed -n 's/^\([a-z0-9][a-z0-9.+-]*\)$/\1/p' | cat - "$work/base-packages" | sort -u >"$work/allowed"
  for p in $copied; do
    echo "$programs" | grep -qx "$p" || die "$(basename "$dockerfile") copies $p, which the build did not install"
    # a library by the name ldd gives, its target, or that without /usr
    # (dpkg knows each file by the path its package ships it at)
    in_root "$root" sh -c 'for lib in $(ldd "$1" | awk "/=> \\// { print \$3 } /^\t\// { print \$1 }"); do
        real=$(readlink -f "$lib")
        dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null ||
          echo "unowned($lib): $lib"
      done' - "/usr/bin/$p" |
      sed -n 's/^\([^:, ]*\)\(:[a-z0-9]*\)\{0,1\}: .*/\1/p; s/^\(unowned([^)]*)\): .*/\1/p' | sort -u >"$work/needed-$p"
    [ -s "$work/needed-$p" ] || die "$p: no library package found (ldd or dpkg -S failed)"
    missing=$(comm -23 "$work/needed-$p" "$work/allowed" | tr '\n' ' ' | sed 's/ $//')
    [ -z "$missing" ] ||
      die "$(basename "$dockerfile"): $p needs $missing, which its RUNTIME_PACKAGES do not bring"
    echo "$(basename "$dockerfile"): $p loads libraries of $(tr '\n' ' ' <"$work/needed-$p")"
  done
done

as_fdnix () {  # LOG SCRIPT [NAME=VALUE...]: a shell as uid 10001 with the images' environment
  log=$1 script=$2; shift 2
  chroot --userspec=10001:10001 "$root" env -i \
    HOME=/var/lib/fdnix PATH=/usr/bin:/bin LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$@" \
    sh -euc "$script" >"$log" 2>&1 || { cat "$log" >&2; die "failed in the minimal root: see above"; }
  cat "$log"
}

say "1. README quick start inside the minimal root, as uid 10001"
as_fdnix "$work/run.log" '
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
    fdnix-search --version
    fdnix-search --log-format=text --limit 3 --min-score 0 --json --summary-json search.json "$QUERY"
  ' INPUT="/srv/fdnix/$input_name" QUERY="$query"

# the figures, read with the host python (the root has no JSON tool)
python3 - "$root/var/lib/fdnix" <<'PY'
import json, sys, os
d = sys.argv[1]
s = {n: json.load(open(os.path.join(d, n + ".json"))) for n in ("first", "second", "embed", "shard0", "shard1", "index", "search")}
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
print("search:", c("search"))
assert c("search").get("packages", 0) == written, "fdnix-search did not load every package"
assert c("search").get("results", 0) > 0, "fdnix-search found nothing"
assert os.path.exists(os.path.join(d, ".local/share/fdnix/vector-index/index.json.gz")), "no vector index"
for n in s:
    assert s[n].get("exit_status", 0) == 0, f"{n}: exit status {s[n].get('exit_status')}"
PY

# Parts 2 and 3 run fdnix-metadata with no input option, as the metadata
# image does: nix-env on <nixpkgs> with its pkgs/top-level/packages-config.nix.
# Only NIX_PATH differs from the image (a tree in the root instead of the
# channel's URL: no network here).
say "2. the image's default source (nix-env on <nixpkgs>) on the nix test fixture, as uid 10001"
cp -r "$top/tests/data/nix" "$root/srv/nix-fixture"
# Newer nix refuses to print a string that is not UTF-8 and fails the whole
# evaluation (nix 2.8, which tests/test-metadata-nix.sh runs, passes it on):
# here that package gets valid text.  A throwing meta attribute is printed
# as an empty meta by newer nix, so all 22 entries are stored.
printf '%s\n' '# valid text (see containers/test-minimal-root.sh)' \
  'pkg: pkg "invalid-utf8-1" "1" { description = "valid in the image"; }' \
  >"$root/srv/nix-fixture/invalid-utf8.nix"
as_fdnix "$work/fixture.log" '
    cd /var/lib/fdnix
    nix-env --version
    fdnix-metadata -v --log-format=text --database fixture.sqlite --summary-json fixture.json
  ' NIX_PATH=nixpkgs=/srv/nix-fixture
grep -q 'running nix-env -f <nixpkgs> .*--arg config .*packages-config.nix' "$work/fixture.log" ||
  die "fdnix-metadata did not pass packages-config.nix to nix-env on <nixpkgs>"
python3 - "$root/var/lib/fdnix" <<'PY'
import json, sqlite3, sys, os
d = sys.argv[1]
c = json.load(open(os.path.join(d, "fixture.json")))["counts"]
db = sqlite3.connect(os.path.join(d, "fixture.sqlite"))
names = {r[0] for r in db.execute("select packageName from packages")}
print("fixture through <nixpkgs>:", c)
assert c.get("entries") == 22 and c.get("written") == 22, "the fixture gives 22 entries, all written"
assert "hello-alias" not in names, "packages-config.nix (allowAliases = false) was not applied"
PY

if [ -n "$nixpkgs" ]; then
  say "3. a current nixpkgs ($nixpkgs${nixpkgs_kind:+, $nixpkgs_kind}) through <nixpkgs>, as uid 10001"
  mkdir -p "$root/srv/nixpkgs"
  if [ "$nixpkgs_kind" = tree ]; then
    tar -C "$nixpkgs" --exclude=.git -cf - . | tar -x -C "$root/srv/nixpkgs"
  else
    # A shallow or partial snapshot can lack some blobs (nixpkgs' biggest
    # generated files): leave those out rather than fail the export.
    missing=$(git --git-dir="$nixpkgs" ls-tree -r "$nixpkgs_rev" |
      awk '$2 == "blob" { print $3 }' |
      git --git-dir="$nixpkgs" cat-file --batch-check 2>/dev/null |
      awk '$2 == "missing" { print $1 }') || true
    set -- "$nixpkgs_rev" --
    for blob in $missing; do
      path=$(git --git-dir="$nixpkgs" ls-tree -r "$nixpkgs_rev" | awk -v b="$blob" '$3 == b { print $4; exit }')
      echo "absent from the snapshot, left out: $path"
      set -- "$@" ":(exclude)$path"
    done
    [ $# -gt 2 ] && set -- "$@" .
    # (git 2.39 still names an excluded missing blob on stderr, and goes on)
    { git --git-dir="$nixpkgs" archive "$@" 2>"$work/archive.log" || echo failed >"$work/archive.failed"; } |
      tar -x -C "$root/srv/nixpkgs"
    [ ! -e "$work/archive.failed" ] || { cat "$work/archive.log" >&2; die "cannot export $nixpkgs_rev from $nixpkgs"; }
    git --git-dir="$nixpkgs" log -1 --format='commit %H (%ci)' "$nixpkgs_rev"
  fi
  [ -f "$root/srv/nixpkgs/lib/minfeatures.nix" ] || die "$nixpkgs: no lib/minfeatures.nix, not a nixpkgs"
  ! grep -q fdnix-shim "$root/srv/nixpkgs/lib/minfeatures.nix" ||
    die "$nixpkgs is shimmed for nix 2.8 (nixpkgs-nix28-shim.sh): give an unmodified checkout"
  echo "nixpkgs $(cat "$root/srv/nixpkgs/lib/.version" 2>/dev/null || echo '?'), unshimmed"
  # <nixpkgs> is a slice: a few attributes of the real tree, imported
  # through its own entry point with the arguments nix-env gives (config);
  # its packages-config.nix is the tree's, found where fdnix-metadata looks.
  mkdir -p "$root/srv/nixpkgs-slice/pkgs/top-level"
  ln -s /srv/nixpkgs/pkgs/top-level/packages-config.nix "$root/srv/nixpkgs-slice/pkgs/top-level/"
  cat >"$root/srv/nixpkgs-slice/default.nix" <<'NIX'
{ ... }@args:
let pkgs = import /srv/nixpkgs args; in
{
  inherit (pkgs) hello ripgrep jq;
  python3Packages = pkgs.lib.recurseIntoAttrs { inherit (pkgs.python3Packages) requests; };
}
NIX
  as_fdnix "$work/nixpkgs.log" '
    cd /var/lib/fdnix
    fdnix-metadata -v --log-format=text --database nixpkgs.sqlite --summary-json nixpkgs.json
    fdnix-metadata --log-format=text --database nixpkgs.sqlite --summary-json nixpkgs2.json
  ' NIX_PATH=nixpkgs=/srv/nixpkgs-slice
  grep -q 'running nix-env -f <nixpkgs> .*--arg config .*packages-config.nix' "$work/nixpkgs.log" ||
    die "fdnix-metadata did not pass packages-config.nix to nix-env on <nixpkgs>"
  python3 - "$root/var/lib/fdnix" <<'PY'
import json, sqlite3, sys, os
d = sys.argv[1]
c = json.load(open(os.path.join(d, "nixpkgs.json")))["counts"]
c2 = json.load(open(os.path.join(d, "nixpkgs2.json")))["counts"]
db = sqlite3.connect(os.path.join(d, "nixpkgs.sqlite"))
db.row_factory = sqlite3.Row
rows = {r["packageName"]: r for r in db.execute("select * from packages")}
print("current nixpkgs through <nixpkgs>:", c, "; rerun:", c2)
for name, r in sorted(rows.items()):
    print(f"  {name} {r['version']}  {r['position']}  {r['description']}")
want = {"hello", "ripgrep", "jq", "python3Packages.requests"}
assert set(rows) == want, f"stored {sorted(rows)}, want {sorted(want)}"
hello = rows["hello"]
assert hello["position"].startswith("pkgs/by-name/he/hello/package.nix:"), hello["position"]
assert "GPL-3.0-or-later" in (hello["license"] or ""), hello["license"]
assert hello["mainProgram"] == "hello" and hello["description"], "hello's meta"
assert c2.get("written", 1) == 0, "the rerun wrote again"
PY
fi

du -shx "$root" | sed 's/^/minimal root size: /'
say "the programs built on $suite run in a minimal $suite root with only: $packages"
