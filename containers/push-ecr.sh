#!/bin/sh
# push-ecr.sh: copy fdnix images into Amazon ECR with skopeo (no Docker daemon).
#
# Usage: containers/push-ecr.sh [-r REGION] [-a ACCOUNT_ID] [-t TAG] IMAGE...
#   IMAGE is one of
#     metadata | embed        build it with the flake (nix build .#<name>-image)
#     NAME=PATH               PATH is an image file: a docker-archive tarball
#                             (buildLayeredImage, docker save) or the script
#                             that streamLayeredImage builds
#     NAME=docker-daemon:REF  an image built with containers/*.Dockerfile
#   NAME is metadata or embed; the repository is fdnix-NAME.
# Needs: aws (CLI v2), skopeo; nix for the first form.
# Creates the repository (scan on push, immutable tags) when it is missing.
set -eu

region=${AWS_REGION:-}
account=
tag=
usage () { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts r:a:t:h opt; do
  case $opt in
    r) region=$OPTARG ;;
    a) account=$OPTARG ;;
    t) tag=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
[ -n "$region" ] || { echo "push-ecr.sh: set AWS_REGION or pass -r" >&2; exit 2; }
for tool in aws skopeo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "push-ecr.sh: $tool is not installed" >&2; exit 1; }
done
[ -n "$account" ] || account=$(aws sts get-caller-identity --query Account --output text)
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$tag" ]; then
  tag=$(git -C "$top" describe --tags --always --dirty 2>/dev/null || echo latest)
fi
registry="$account.dkr.ecr.$region.amazonaws.com"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-push-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

aws ecr get-login-password --region "$region" |
  skopeo login --username AWS --password-stdin "$registry" >/dev/null

for spec in "$@"; do
  case $spec in
    metadata|embed)
      name=$spec
      out=$(cd "$top" && nix build --no-link --print-out-paths ".#$name-image")
      src=$out ;;
    *=*)
      name=${spec%%=*}
      src=${spec#*=} ;;
    *) usage ;;
  esac
  case $name in metadata|embed) ;; *) echo "push-ecr.sh: unknown image $name" >&2; exit 2 ;; esac
  repo="fdnix-$name"
  case $src in
    docker-daemon:*|docker-archive:*|oci:*|oci-archive:*) ref=$src ;;
    *)
      if [ -x "$src" ] && [ ! -d "$src" ] && head -c 2 "$src" | grep -q '#!'; then
        # streamLayeredImage: a script that writes the image tarball to stdout
        "$src" > "$tmp/$name.tar"
        ref="docker-archive:$tmp/$name.tar"
      else
        ref="docker-archive:$src"
      fi ;;
  esac
  if ! aws ecr describe-repositories --region "$region" --repository-names "$repo" >/dev/null 2>&1; then
    aws ecr create-repository --region "$region" --repository-name "$repo" \
      --image-tag-mutability IMMUTABLE \
      --image-scanning-configuration scanOnPush=true >/dev/null
  fi
  echo "pushing $ref to $registry/$repo:$tag"
  skopeo copy --retry-times 3 "$ref" "docker://$registry/$repo:$tag"
done
echo "done: set @TAG@ to $tag in containers/aws-apply.sh (or -t) when registering task definitions"
