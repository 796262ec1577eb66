# Reads one of systemd/*.in (or fdnix.timer) into { Unit = { Key = [ values ]; }; Service = ...; },
# after replacing @bindir@ and friends, so the NixOS module declares exactly
# the hardening that `make install` installs: the unit files are the one source.
{ lib }:

path: substitutions:
let
  text = lib.replaceStrings (map (k: "@${k}@") (lib.attrNames substitutions)) (lib.attrValues substitutions) (
    builtins.readFile path
  );
  step =
    acc: line:
    let
      header = builtins.match "[[]([A-Za-z]+)[]]" line;
      pair = builtins.match "([A-Za-z]+)=(.*)" line;
    in
    if header != null then
      acc // { section = lib.head header; }
    else if pair != null && acc.section != null then
      let
        key = lib.elemAt pair 0;
        value = lib.elemAt pair 1;
        current = acc.sections.${acc.section} or { };
      in
      acc
      // {
        sections = acc.sections // {
          ${acc.section} = current // {
            ${key} = (current.${key} or [ ]) ++ [ value ];
          };
        };
      }
    else
      acc;
in
(lib.foldl' step {
  section = null;
  sections = { };
} (lib.splitString "\n" text)).sections
