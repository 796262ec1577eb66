# Like nixpkgs' own packages-config.nix: fdnix-metadata passes it as
# `config` when it evaluates a tree that has one.
{ allowUnfree = true; }
