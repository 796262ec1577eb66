# A tiny package set that reproduces every shape fdnix-metadata meets in
# real nixpkgs output (see tests/test-metadata-nix.sh).  Nothing is built:
# nix-env -qaP --json --meta only evaluates.
{ config ? { } }:
let
  pkg = name: version: meta:
    (derivation {
      inherit name;
      system = "x86_64-linux";
      builder = "/bin/sh";
    }) // {
      pname = builtins.head (builtins.split "-[0-9]" name);
      inherit version;
      # where the meta set was written, like stdenv's meta.position
      meta = (let p = builtins.unsafeGetAttrPos "description" meta; in
        if p == null then { } else { position = "${p.file}:${toString p.line}"; }) // meta;
    };
  mit = { shortName = "mit"; fullName = "MIT License"; spdxId = "MIT"; url = "https://spdx.org/licenses/MIT.html"; free = true; redistributable = true; deprecated = false; licenseType = "simple"; };
  gpl3 = { shortName = "gpl3Plus"; fullName = "GNU General Public License v3.0 or later"; spdxId = "GPL-3.0-or-later"; free = true; };
  alice = { name = "Alice Example"; email = "alice@example.org"; github = "alice"; githubId = 1001; };
  nogithub = { name = "Bob Example"; email = "bob@example.org"; };
  noemail = { name = "Carol"; github = "carol"; githubId = 1003; keys = [ { fingerprint = "AAAA BBBB"; } ]; matrix = "@carol:example.org"; };
  long = builtins.concatStringsSep "" (builtins.genList (i: "Paragraph ${toString i} of a very long description. ") 600);
in
{
  hello = pkg "hello-2.12.1" "2.12.1" {
    description = "Program that produces a familiar, friendly greeting";
    longDescription = ''
      GNU Hello is a program that prints "Hello, world!" when you run it.
      It is fully customizable.
    '';
    homepage = "https://www.gnu.org/software/hello/manual/";
    license = gpl3;
    maintainers = [ alice ];
    platforms = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" ];
    mainProgram = "hello";
    available = true; broken = false; insecure = false; unfree = false; unsupported = false;
  };
  license-string = pkg "license-string-1.0" "1.0" { description = "License given as a plain string"; license = "lgpl-3.0-or-later"; };
  license-list = pkg "license-list-1.0" "1.0" { description = "Two licenses"; license = [ mit gpl3 ]; };
  license-empty-list = pkg "license-empty-list-1.0" "1.0" { description = "An empty license list"; license = [ ]; };
  license-no-spdx = pkg "license-no-spdx-0.9" "0.9" { description = "License object without spdxId"; license = { fullName = "MIT/X11"; }; };
  license-compound = pkg "license-compound-1.3" "1.3" {
    description = "A compound license";
    license = { licenseType = "compound"; operator = "AND"; licenses = [ mit gpl3 ]; };
  };
  unfree-tool = pkg "unfree-tool-2.0" "2.0" {
    description = "Unfree software";
    license = { shortName = "unfree"; fullName = "Unfree"; free = false; redistributable = false; };
    unfree = true; available = false;
  };
  maintainers-mixed = pkg "maintainers-mixed-1" "1" { description = "Maintainers with and without github and email"; maintainers = [ alice nogithub noemail ]; };
  maintainers-none = pkg "maintainers-none-1" "1" { description = "No maintainers"; maintainers = [ ]; };
  homepage-list = pkg "homepage-list-0.9" "0.9" { description = "Several homepages"; homepage = [ "https://example.org/one" "https://example.org/two" ]; };
  platforms-objects = pkg "platforms-objects-5.2" "5.2" { description = "Platform patterns"; platforms = [ { kernel = { execFormat = { name = "elf"; }; }; } ]; };
  platforms-mixed = pkg "platforms-mixed-0.8" "0.8" { description = "Strings and patterns"; platforms = [ "x86_64-darwin" { cpu = { bits = 64; family = "x86"; }; kernel = { name = "linux"; }; } ]; };
  no-description = pkg "no-description-1" "1" { };
  long-description = pkg "long-description-1" "1" { description = "A huge longDescription"; longDescription = long; };
  unicode = pkg "unicode-1" "1" { description = "Ünïcödé descriptions – with emoji 🐧 and 中文"; mainProgram = "ünï"; };
  empty-version = pkg "empty-version" "" { description = "No version at all"; };
  broken-pkg = pkg "broken-pkg-0.1" "0.1" { description = "Marked broken and insecure"; broken = true; insecure = true; };
  invalid-utf8 = import ./invalid-utf8.nix pkg;
  throws-meta = pkg "throws-meta-1" "1" { description = throw "description throws"; available = throw "meta throws"; };
  python3Packages = {
    recurseForDerivations = true;
    requests = pkg "python3.12-requests-2.32.3" "2.32.3" { description = "HTTP library for Python"; license = { shortName = "asl20"; spdxId = "Apache-2.0"; }; };
    "term+key" = pkg "term-key-0.1" "0.1" { description = "Attribute name with a plus"; };
    nested = {
      recurseForDerivations = true;
      deep = pkg "deep-1.0" "1.0" { description = "Three segments deep"; };
    };
  };
}
# An alias, as nixpkgs has thousands: pkgs/top-level/packages-config.nix
# (allowAliases = false) hides it, as it hides nixpkgs' own.
// (if config.allowAliases or true then { hello-alias = pkg "hello-2.12.1" "2.12.1" { description = "An alias"; }; } else { })
