# The fdnix suite built with its Autotools build, as nixpkgs would package it.
{
  lib,
  stdenv,
  autoreconfHook,
  pkg-config,
  glib,
  json-glib,
  curl,
  gnutls,
  sqlite,
  libstemmer,
  brotli,
  zlib,
  libsoup_3,
  check,
  python3,
  testers,
  src,
  version,
}:

let
  # configure insists on the GnuTLS flavour of libcurl (one TLS library per
  # process, and the TLS settings assume GnuTLS); nixpkgs' default is OpenSSL.
  curl-gnutls = curl.override {
    gnutlsSupport = true;
    opensslSupport = false;
  };
in
stdenv.mkDerivation (finalAttrs: {
  pname = "fdnix";
  inherit version src;

  outputs = [
    "out"
    "man"
  ];

  strictDeps = true;
  enableParallelBuilding = true;

  nativeBuildInputs = [
    autoreconfHook
    pkg-config
    glib # glib-compile-resources, for fdnix-search --serve's page
  ];

  buildInputs = [
    glib
    json-glib
    curl-gnutls
    gnutls
    sqlite
    libstemmer
    brotli
    zlib
    libsoup_3
  ];

  configureFlags = [
    "--with-systemdsystemunitdir=${placeholder "out"}/lib/systemd/system"
  ];

  # The unit suites run in the sandbox; integration tests whose servers or
  # tools (node, DynamoDB Local, systemd-analyze, nix-env) are absent skip.
  doCheck = true;
  enableParallelChecking = true;
  checkInputs = [ check ];
  nativeCheckInputs = [ python3 ];
  preCheck = ''
    patchShebangs tests
  '';

  passthru = {
    inherit curl-gnutls;
    tests = {
      version-metadata = testers.testVersion {
        package = finalAttrs.finalPackage;
        command = "fdnix-metadata --version";
        version = "fdnix-metadata (fdnix) ${finalAttrs.version}";
      };
      version-embed = testers.testVersion {
        package = finalAttrs.finalPackage;
        command = "fdnix-embed --version";
        version = "fdnix-embed (fdnix) ${finalAttrs.version}";
      };
    };
  };

  meta = {
    description = "Turns the nixpkgs package set into a package table and text embeddings";
    homepage = "https://github.com/fdnix/fdnix";
    mainProgram = "fdnix-metadata";
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
  };
})
