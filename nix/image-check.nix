# Checks an image from images.nix without a container engine: streams it,
# unpacks its layers into a root, and checks the config (non-root user, CA
# bundle, labels, fixed creation date, the entrypoint's arguments and the
# exposed ports), that the entrypoint's whole closure is inside the image,
# and that the entrypoint runs (--version).
{
  lib,
  runCommand,
  jq,
  gnutar,
  closureInfo,
  image,
  fdnix,
  created,
  extraCommands ? "",
}:

runCommand "${image.name}-check"
  {
    nativeBuildInputs = [
      jq
      gnutar
    ];
    closure = closureInfo { rootPaths = [ fdnix ]; };
  }
  ''
    set -eu
    ${image} > image.tar
    mkdir archive root
    tar -C archive -xf image.tar
    config=archive/$(jq -r '.[0].Config' archive/manifest.json)
    for layer in $(jq -r '.[0].Layers[]' archive/manifest.json); do
      tar -C root -xf "archive/$layer"
    done

    entry=$(jq -r '.config.Entrypoint[0]' "$config")
    test "$entry" = "${lib.getExe' fdnix image.passthru.program}"
    test "$(jq -c '.config.Entrypoint[1:]' "$config")" = ${lib.escapeShellArg (builtins.toJSON image.passthru.extraArgs)}
    test "$(jq -c '.config.ExposedPorts // {} | keys' "$config")" = ${
      lib.escapeShellArg (builtins.toJSON (lib.sort lib.lessThan (map (p: "${toString p}/tcp") image.passthru.ports)))
    }
    user=$(jq -r '.config.User' "$config")
    test "$user" = "${image.passthru.uid}:${image.passthru.uid}"
    test "$(jq -r '.created' "$config")" = "${created}"
    test "$(jq -r '.config.Labels."org.opencontainers.image.version"' "$config")" = "${fdnix.version}"
    cert=$(jq -r '.config.Env[] | select(startswith("SSL_CERT_FILE=")) | sub("^SSL_CERT_FILE="; "")' "$config")
    test -s "root$cert"
    grep -q '^fdnix:x:${image.passthru.uid}:' root/etc/passwd
    test -d root/var/lib/fdnix

    # every store path the program needs is in the image
    while read -r path; do
      test -e "root$path" || { echo "missing from the image: $path" >&2; exit 1; }
    done < $closure/store-paths

    out_version=$("root$entry" --version)
    echo "$out_version"
    test "$out_version" = "${image.passthru.program} (fdnix) ${fdnix.version}"
    ${extraCommands}
    echo "$entry; user $user; $(wc -l < $closure/store-paths) store paths" > $out
  ''
