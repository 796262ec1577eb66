#!/bin/sh
# push-ecr.sh: copy fdnix images into Amazon ECR with skopeo (no Docker daemon).
#
# Usage: containers/push-ecr.sh [-n] [-r REGION] [-a ACCOUNT_ID] [-t TAG] IMAGE...
#   IMAGE is one of
#     metadata | embed | search  build it with the flake (nix build .#<name>-image)
#     NAME=PATH               PATH is an image file: a docker-archive tarball
#                             (buildLayeredImage, docker save) or the script
#                             that streamLayeredImage builds
#     NAME=docker-daemon:REF  an image built with containers/*.Dockerfile
#   NAME is metadata, embed or search; the repositories are the original
#   pipeline's, METADATA_REPOSITORY (default fdnix-metadata-generator) and
#   EMBED_REPOSITORY (default fdnix-embedding-generator), as in aws-apply.sh,
#   and SEARCH_REPOSITORY (default fdnix-search) for the search server.
#   -n prints what would go where and stops (no AWS, no build, no push).
# Needs: aws (CLI v2), skopeo; nix for the first form.
# Creates the repository (scan on push, immutable tags) when it is missing.
set -eu

region=${AWS_REGION:-}
account=
tag=
dry_run=
usage () { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts nr:a:t:h opt; do
  case $opt in
    n) dry_run=1 ;;
    r) region=$OPTARG ;;
    a) account=$OPTARG ;;
    t) tag=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
[ -n "$region" ] || { echo "push-ecr.sh: set AWS_REGION or pass -r" >&2; exit 2; }
: "${METADATA_REPOSITORY:=fdnix-metadata-generator}" "${EMBED_REPOSITORY:=fdnix-embedding-generator}"
: "${SEARCH_REPOSITORY:=fdnix-search}"
for spec in "$@"; do
  case ${spec%%=*} in metadata|embed|search) ;; *) echo "push-ecr.sh: unknown image ${spec%%=*}" >&2; exit 2 ;; esac
done
if [ -z "$dry_run" ]; then
  for tool in aws skopeo; do
    command -v "$tool" >/dev/null 2>&1 || { echo "push-ecr.sh: $tool is not installed" >&2; exit 1; }
  done
  [ -n "$account" ] || account=$(aws sts get-caller-identity --query Account --output text)
fi
[ -n "$account" ] || { echo "push-ecr.sh: -n needs -a ACCOUNT_ID" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$tag" ]; then
  tag=$(git -C "$top" describe --tags --always --dirty 2>/dev/null || echo latest)
fi
registry="$account.dkr.ecr.$region.amazonaws.com"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-push-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

[ -n "$dry_run" ] || aws ecr get-login-password --region "$region" |
  skopeo login --username AWS --password-stdin "$registry" >/dev/null

for spec in "$@"; do
  case $spec in
    metadata|embed|search)
      name=$spec
      if [ -n "$dry_run" ]; then
        src="(nix build .#$name-image)"
      else
        src=$(cd "$top" && nix build --no-link --print-out-paths ".#$name-image")
      fi ;;
    *=*)
      name=${spec%%=*}
      src=${spec#*=} ;;
    *) usage ;;
  esac
  case $name in
    metadata) repo=$METADATA_REPOSITORY ;;
    embed) repo=$EMBED_REPOSITORY ;;
    search) repo=$SEARCH_REPOSITORY ;;
  esac
  if [ -n "$dry_run" ]; then
    echo "$name: $src -> $registry/$repo:$tag"
    continue
  fi
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
[ -n "$dry_run" ] ||
  echo "done: run containers/aws-apply.sh with TAG=$tag (and the same repository names) to register task definitions that use it"
