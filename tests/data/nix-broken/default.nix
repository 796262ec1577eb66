# nix-env must fail on this expression (status 1): fdnix-metadata has to
# report nix's message and leave the store alone.
{ config ? { } }:
{
  fine = derivation { name = "fine-1"; system = "x86_64-linux"; builder = "/bin/sh"; };
  oops = builtins.throw "this package set is broken on purpose";
} // (import ./missing-file.nix)
