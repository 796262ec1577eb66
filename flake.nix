{
  description = "fdnix: the nixpkgs package set as a package table and text embeddings";

  # Locked (flake.lock) to a nixos-unstable revision; see the README's
  # packaging section for how the flake is evaluated and checked.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];

      # the version is configure.ac's, so the two cannot disagree
      version =
        let
          line = lib.findFirst (l: lib.hasPrefix "AC_INIT(" l) null (
            lib.splitString "\n" (builtins.readFile ./configure.ac)
          );
        in
        lib.elemAt (builtins.match "AC_INIT[(][[]fdnix[]], [[]([0-9A-Za-z.~+-]+)[]].*" line) 0;

      # images get the source's commit time, so they are reproducible and dated
      created =
        let
          d = self.lastModifiedDate or "19700101000001";
          p = from: len: builtins.substring from len d;
        in
        "${p 0 4}-${p 4 2}-${p 6 2}T${p 8 2}:${p 10 2}:${p 12 2}Z";
      revision = self.rev or "dirty";

      forAllSystems =
        f:
        lib.genAttrs systems (
          system:
          f (
            import nixpkgs {
              inherit system;
              overlays = [ self.overlays.default ];
            }
          )
        );

      imagesFor =
        pkgs:
        pkgs.callPackage ./nix/images.nix {
          inherit created revision;
          fdnix = pkgs.fdnix;
        };
    in
    {
      overlays.default = final: prev: {
        fdnix = final.callPackage ./nix/package.nix {
          inherit version;
          src = lib.cleanSource self;
        };
      };

      packages = forAllSystems (
        pkgs:
        let
          images = imagesFor pkgs;
        in
        {
          default = pkgs.fdnix;
          fdnix = pkgs.fdnix;
          metadata-image = images.metadata;
          embed-image = images.embed;
          search-image = images.search;
        }
      );

      apps = forAllSystems (
        pkgs:
        let
          app = name: {
            type = "app";
            program = lib.getExe' pkgs.fdnix name;
          };
        in
        {
          default = app "fdnix-metadata";
          fdnix-metadata = app "fdnix-metadata";
          fdnix-embed = app "fdnix-embed";
          fdnix-search = app "fdnix-search";
        }
      );

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ pkgs.fdnix ];
          packages = with pkgs; [
            # build and debug
            autoconf
            automake
            libtool
            gnumake
            gdb
            valgrind
            clang-tools
            # integration tests and their servers
            check
            python3
            nodejs
            jq
            nix
            systemd
            awscli2
            # packaging
            skopeo
            debootstrap
          ];
        };
      });

      checks = forAllSystems (
        pkgs:
        let
          images = imagesFor pkgs;
          imageCheck =
            image: extra:
            pkgs.callPackage ./nix/image-check.nix {
              inherit image created;
              fdnix = pkgs.fdnix;
              extraCommands = extra;
            };
        in
        {
          fdnix = pkgs.fdnix;
          version-metadata = pkgs.fdnix.tests.version-metadata;
          version-embed = pkgs.fdnix.tests.version-embed;
          version-search = pkgs.fdnix.tests.version-search;
          metadata-image = imageCheck images.metadata ''
            "root${lib.getExe' pkgs.nix "nix-env"}" --version
          '';
          embed-image = imageCheck images.embed "";
          search-image = imageCheck images.search "";
          nixos-module = import ./nix/module-check.nix {
            inherit lib pkgs;
            inherit (nixpkgs.lib) nixosSystem;
            module = self.nixosModules.default;
            package = pkgs.fdnix;
          };
        }
      );

      nixosModules.default = import ./nix/module.nix { inherit self; };
      nixosModules.fdnix = self.nixosModules.default;
    };
}
