# Like nixpkgs' own packages-config.nix: fdnix-metadata passes it as
# `config` when it evaluates a tree that has one (a directory or <nixpkgs>).
{ allowUnfree = true; allowAliases = false; }
