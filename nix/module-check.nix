# VM-less check of the NixOS module: evaluates a NixOS system that enables
# services.fdnix and asserts the generated units and fdnix.conf.  Evaluation
# fails on a wrong unit (the asserts); the build also validates fdnix.conf
# against the programs' settings and verifies the units' text.
{
  lib,
  nixosSystem,
  module,
  pkgs,
  package,
}:

let
  system = nixosSystem {
    inherit (pkgs.stdenv.hostPlatform) system;
    modules = [
      module
      {
        boot.isContainer = true;
        networking.hostName = "fdnix-check";
        system.stateVersion = lib.trivial.release;
        services.fdnix = {
          enable = true;
          inherit package;
          environmentFile = "/run/secrets/fdnix.env";
          schedule = "*-*-* 03:30:00 UTC";
          settings = {
            log.verbosity = 1;
            general.summary-json = "/var/lib/fdnix/last-run.json";
          };
        };
      }
    ];
  };
  cfg = system.config;
  unit = name: cfg.systemd.units.${name}.text;
  metadata = unit "fdnix-metadata.service";
  embed = unit "fdnix-embed.service";
  timer = unit "fdnix.timer";
  has = text: line: lib.any (l: l == line) (lib.splitString "\n" text);
  expect =
    text: lines:
    lib.all (
      line: if has text line then true else throw "fdnix NixOS module: generated unit lacks `${line}`"
    ) lines;
  hardening = [
    "DynamicUser=yes"
    "StateDirectory=fdnix"
    "ProtectSystem=strict"
    "ProtectHome=yes"
    "PrivateTmp=yes"
    "NoNewPrivileges=yes"
    "CapabilityBoundingSet="
    "SystemCallFilter=@system-service"
    "SystemCallFilter=~@privileged @resources"
    "EnvironmentFile=/run/secrets/fdnix.env"
    "Type=oneshot"
  ];
  # evaluated with the check's drvPath (it is part of the derivation)
  verified =
    assert expect metadata (hardening ++ [ "ExecStart=${package}/bin/fdnix-metadata" ]);
    assert expect embed (
      hardening
      ++ [
        "ExecStart=${package}/bin/fdnix-embed"
        "Requires=fdnix-metadata.service"
      ]
    );
    assert expect timer [
      "OnCalendar=*-*-* 03:30:00 UTC"
      "Persistent=true"
      "Unit=fdnix-embed.service"
    ];
    assert lib.hasInfix "Environment=\"FDNIX_CONFIG=/etc/fdnix/fdnix.conf\"" metadata;
    assert cfg.environment.etc."fdnix/fdnix.conf".enable;
    "verified";
in
pkgs.runCommand "fdnix-nixos-module-check"
  {
    inherit metadata embed timer verified;
    passthru.units = {
      "fdnix-metadata.service" = metadata;
      "fdnix-embed.service" = embed;
      "fdnix.timer" = timer;
    };
    conf = cfg.environment.etc."fdnix/fdnix.conf".source;
    passAsFile = [
      "metadata"
      "embed"
      "timer"
    ];
  }
  ''
    mkdir $out
    cp $metadataPath $out/fdnix-metadata.service
    cp $embedPath $out/fdnix-embed.service
    cp $timerPath $out/fdnix.timer
    cp $conf $out/fdnix.conf
    grep -qx 'verbosity=1' $out/fdnix.conf
    grep -qx 'summary-json=/var/lib/fdnix/last-run.json' $out/fdnix.conf
  ''
