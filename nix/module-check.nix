# VM-less check of the NixOS module: evaluates a NixOS system that enables
# services.fdnix and services.fdnix.search and asserts the generated units,
# the firewall and fdnix.conf; then the same system with the server on a
# privileged port.  Evaluation fails on a wrong unit (the asserts); the
# build also validates fdnix.conf against the programs' settings.
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
          search = {
            enable = true;
            listen = "0.0.0.0:8081";
            openFirewall = true;
          };
        };
      }
    ];
  };
  # the server on port 443 of every IPv6 address, firewall left closed
  lowPort = system.extendModules {
    modules = [
      {
        services.fdnix.search = {
          listen = lib.mkForce "[::]:443";
          openFirewall = lib.mkForce false;
        };
      }
    ];
  };
  cfg = system.config;
  unit = name: cfg.systemd.units.${name}.text;
  metadata = unit "fdnix-metadata.service";
  embed = unit "fdnix-embed.service";
  timer = unit "fdnix.timer";
  search = unit "fdnix-search.service";
  searchLow = lowPort.config.systemd.units."fdnix-search.service".text;
  searchOptions = system.options.services.fdnix.search;
  has = text: line: lib.any (l: l == line) (lib.splitString "\n" text);
  expect =
    text: lines:
    lib.all (
      line: if has text line then true else throw "fdnix NixOS module: generated unit lacks `${line}`"
    ) lines;
  sandbox = [
    "DynamicUser=yes"
    "User=fdnix"
    "Group=fdnix"
    "StateDirectory=fdnix"
    "ProtectSystem=strict"
    "ProtectHome=yes"
    "PrivateTmp=yes"
    "NoNewPrivileges=yes"
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"
    "MemoryDenyWriteExecute=yes"
    "SystemCallFilter=@system-service"
    "SystemCallFilter=~@privileged @resources"
    "EnvironmentFile=/run/secrets/fdnix.env"
  ];
  hardening = sandbox ++ [
    "CapabilityBoundingSet="
    "Type=oneshot"
  ];
  lacks =
    text: line:
    if has text line then throw "fdnix NixOS module: generated unit has `${line}`" else true;
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
    # the server: the options' defaults, then the unit as configured above
    assert searchOptions.listen.default == "127.0.0.1:8080";
    assert searchOptions.openFirewall.default == false;
    assert searchOptions.enable.default == false;
    assert expect search (
      sandbox
      ++ [
        "ExecStart=${package}/bin/fdnix-search --serve --listen 0.0.0.0:8081"
        "ReadOnlyPaths=%S/fdnix"
        "Restart=on-failure"
        "Type=exec"
        "CapabilityBoundingSet="
        "PrivateUsers=yes"
      ]
    );
    assert lacks search "Type=oneshot";
    assert lib.hasInfix "Environment=\"FDNIX_CONFIG=/etc/fdnix/fdnix.conf\"" search;
    assert lib.elem "multi-user.target" cfg.systemd.services.fdnix-search.wantedBy;
    assert lib.elem 8081 cfg.networking.firewall.allowedTCPPorts;
    assert expect searchLow [
      "ExecStart=${package}/bin/fdnix-search --serve --listen '[::]:443'"
      "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"
      "AmbientCapabilities=CAP_NET_BIND_SERVICE"
      "PrivateUsers=no"
      "ReadOnlyPaths=%S/fdnix"
    ];
    assert !(lib.elem 443 lowPort.config.networking.firewall.allowedTCPPorts);
    assert !(lib.elem 8081 lowPort.config.networking.firewall.allowedTCPPorts);
    "verified";
in
pkgs.runCommand "fdnix-nixos-module-check"
  {
    inherit
      metadata
      embed
      timer
      search
      verified
      ;
    passthru.units = {
      "fdnix-metadata.service" = metadata;
      "fdnix-embed.service" = embed;
      "fdnix.timer" = timer;
      "fdnix-search.service" = search;
      "fdnix-search.service (listen [::]:443)" = searchLow;
    };
    conf = cfg.environment.etc."fdnix/fdnix.conf".source;
    passAsFile = [
      "metadata"
      "embed"
      "timer"
      "search"
    ];
  }
  ''
    mkdir $out
    cp $metadataPath $out/fdnix-metadata.service
    cp $embedPath $out/fdnix-embed.service
    cp $timerPath $out/fdnix.timer
    cp $searchPath $out/fdnix-search.service
    cp $conf $out/fdnix.conf
    grep -qx 'verbosity=1' $out/fdnix.conf
    grep -qx 'summary-json=/var/lib/fdnix/last-run.json' $out/fdnix.conf
  ''
