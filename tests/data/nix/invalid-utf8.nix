# The description holds a byte that is not UTF-8 (0xff): nix passes it
# through, and fdnix-metadata must repair it and name the package.
pkg: pkg "invalid-utf8-1" "1" { description = "café au lait ÿ end"; }
