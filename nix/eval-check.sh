#!/bin/bash
# nix/eval-check.sh: evaluate every package, image and check of the flake,
# and the NixOS module's generated units, against a local nixpkgs checkout,
# without building anything (the evaluation bar for machines with no binary
# cache, e.g. Debian 12's nix-bin 2.8 and no daemon).
#
# Usage: nix/eval-check.sh NIXPKGS_DIR [SYSTEM...]   (default: x86_64-linux aarch64-linux)
# Environment: NIX_EVAL_STORE (default local?root=$TMPDIR/fdnix-nix-store).
#
# NIXPKGS_DIR is a nixpkgs work tree; it is modified in place, so use a
# scratch checkout: nixpkgs-nix28-shim.sh makes it evaluable by nix 2.8 (when
# the shared tool is at hand), and a slimmed tree's by-name whitelist is
# lifted so that every package of full nixpkgs is there (a no-op upstream).
set -euo pipefail
nixpkgs=$(cd "${1:?usage: $0 NIXPKGS_DIR [SYSTEM...]}" && pwd)
shift
[ $# -gt 0 ] || set -- x86_64-linux aarch64-linux
top=$(cd "$(dirname "$0")/.." && pwd)
store=${NIX_EVAL_STORE:-local?root=${TMPDIR:-/tmp}/fdnix-nix-store}
shim=${FDNIX_NIX28_SHIM:-$top/../shared/tools/nixpkgs-nix28-shim.sh}

case $(nix --version) in
  *" 2."[0-9]|*" 2."[0-9].*|*" 2.1"[0-3]*) [ -x "$shim" ] || [ -f "$shim" ] && sh "$shim" "$nixpkgs" ;;
esac
overlay="$nixpkgs/pkgs/top-level/by-name-overlay.nix"
if grep -q 'if isMainByname then filterAttrs' "$overlay" 2>/dev/null; then
  sed -i 's/if isMainByname then filterAttrs/if false \&\& isMainByname then filterAttrs/' "$overlay"
  echo "# lifted the by-name whitelist of the slimmed tree"
fi

nixeval () {
  nix --extra-experimental-features 'nix-command flakes' --store "$store" \
    eval --no-write-lock-file --override-input nixpkgs "path:$nixpkgs" "$@" 2>&1 |
    grep -v -e '^warning: ' -e '^• Added input' -e '^• Updated input' -e "^    'path:" -e "^    'github:" -e '^  → '
}

status=0
drvpaths='set: builtins.concatStringsSep "\n" (map (n: "${n}.drvPath = ${set.${n}.drvPath}") (builtins.attrNames set))'
for system in "$@"; do
  for set in packages checks devShells; do
    nixeval --raw "$top#$set.$system" --apply "$drvpaths" | sed "s/^/$set.$system./" || status=1
    echo
  done
  nixeval --raw "$top#apps.$system" \
    --apply 'set: builtins.concatStringsSep "\n" (map (n: "${n}.program = ${set.${n}.program}") (builtins.attrNames set))' |
    sed "s/^/apps.$system./" || status=1
  echo
done
system=$1
nixeval --raw "$top#checks.$system.nixos-module.units" \
  --apply 'u: builtins.concatStringsSep "\n" (map (n: "--- NixOS module (" + "'"$system"'" + "): ${n}\n${u.${n}}") (builtins.attrNames u))' ||
  status=1
exit $status
