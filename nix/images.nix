# OCI images for the ECS tasks and the search server, built without Docker
# (dockerTools).  Each holds one program as entrypoint, its closure, a CA
# bundle and a non-root user; the metadata image also holds nix, so
# fdnix-metadata can run `nix-env -qaP --json --meta` itself, and the search
# image serves HTTP on port 8080 of every address of the container.
{
  lib,
  dockerTools,
  runCommand,
  cacert,
  nix,
  fdnix,
  created,
  revision,
}:

let
  uid = "10001";

  # /etc/passwd and /etc/group naming the unprivileged user, a writable /tmp
  base = runCommand "fdnix-image-base" { } ''
    mkdir -p $out/etc
    cat > $out/etc/passwd <<EOF
    root:x:0:0:root:/var/empty:/sbin/nologin
    fdnix:x:${uid}:${uid}:fdnix:/var/lib/fdnix:/sbin/nologin
    nobody:x:65534:65534:nobody:/var/empty:/sbin/nologin
    EOF
    cat > $out/etc/group <<EOF
    root:x:0:
    fdnix:x:${uid}:
    nogroup:x:65534:
    EOF
  '';

  mkImage =
    {
      name,
      description,
      extraContents ? [ ],
      extraEnv ? [ ],
      extraDirs ? "",
      extraArgs ? [ ],
      ports ? [ ],
    }:
    dockerTools.streamLayeredImage {
      name = "fdnix-${name}";
      tag = fdnix.version;
      inherit created;
      contents = [
        base
        dockerTools.caCertificates
      ] ++ extraContents;
      fakeRootCommands = ''
        mkdir -p tmp var/lib/fdnix ${extraDirs}
        chmod 1777 tmp
        chown -R ${uid}:${uid} var/lib/fdnix ${extraDirs}
      '';
      enableFakechroot = false;
      config = {
        Entrypoint = [ (lib.getExe' fdnix "fdnix-${name}") ] ++ extraArgs;
        User = "${uid}:${uid}";
        WorkingDir = "/var/lib/fdnix";
        Env = [
          "SSL_CERT_FILE=${cacert}/etc/ssl/certs/ca-bundle.crt"
          "FDNIX_DATA_DIR=/var/lib/fdnix"
          "HOME=/var/lib/fdnix"
        ] ++ extraEnv;
        Labels = {
          "org.opencontainers.image.title" = "fdnix-${name}";
          "org.opencontainers.image.description" = description;
          "org.opencontainers.image.version" = fdnix.version;
          "org.opencontainers.image.revision" = revision;
          "org.opencontainers.image.created" = created;
          "org.opencontainers.image.source" = "https://github.com/fdnix/fdnix";
          "org.opencontainers.image.licenses" = "MIT";
        };
      }
      // lib.optionalAttrs (ports != [ ]) {
        ExposedPorts = lib.genAttrs (map (p: "${toString p}/tcp") ports) (_: { });
      };
      passthru = {
        program = "fdnix-${name}";
        inherit uid extraArgs ports;
      };
    };
in
{
  metadata = mkImage {
    name = "metadata";
    description = "nixpkgs metadata into the fdnix package table";
    extraContents = [ nix ];
    # nix-env runs unprivileged: it evaluates with a store of its own under
    # /var/lib/fdnix (writable by the user), fetching nixpkgs from NIX_PATH
    extraDirs = "var/lib/fdnix/nix";
    extraEnv = [
      "NIX_REMOTE=local?root=/var/lib/fdnix/nix"
      "NIX_PATH=nixpkgs=https://nixos.org/channels/nixos-unstable/nixexprs.tar.xz"
      "NIX_SSL_CERT_FILE=${cacert}/etc/ssl/certs/ca-bundle.crt"
      "PATH=${lib.makeBinPath [ nix ]}"
    ];
  };

  embed = mkImage {
    name = "embed";
    description = "package embeddings into the fdnix vector files";
  };

  # The server on every address of the container (its network is its own);
  # the data come from a volume on /var/lib/fdnix (read-only is enough) or
  # from S3 (S3_BUCKET and the AWS variables).
  search = mkImage {
    name = "search";
    description = "fdnix package search over HTTP (API and page)";
    extraArgs = [
      "--serve"
      "--listen"
      "0.0.0.0:8080"
    ];
    ports = [ 8080 ];
  };
}
