# NixOS module: services.fdnix runs fdnix-metadata then fdnix-embed from a
# timer, and services.fdnix.search runs the search server (fdnix-search
# --serve) on what they publish, with the hardened units of systemd/ (parsed
# from the same files that `make install` installs) and a validated
# fdnix.conf rendered from `settings`.
{ self }:
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.fdnix;
  inherit (lib)
    mkOption
    mkEnableOption
    mkIf
    types
    ;

  readUnit = import ./unit-file.nix { inherit lib; };
  substitutions = {
    bindir = "${cfg.package}/bin";
    sysconfdir = "/etc";
  };

  # one value or a list (a key given several times, e.g. SystemCallFilter)
  collapse = values: if lib.length values == 1 then lib.head values else values;

  # [Service] keys the module sets itself, from its options
  ownKeys = [
    "EnvironmentFile"
    "Environment"
  ];

  serviceFrom =
    file:
    let
      unit = readUnit file substitutions;
      service = unit.Service;
      envPairs = map (
        e:
        let
          m = builtins.match "([^=]+)=(.*)" e;
        in
        lib.nameValuePair (lib.elemAt m 0) (lib.elemAt m 1)
      ) (service.Environment or [ ]);
    in
    {
      description = lib.head unit.Unit.Description;
      documentation = lib.concatMap (lib.splitString " ") (unit.Unit.Documentation or [ ]);
      after = lib.concatMap (lib.splitString " ") (unit.Unit.After or [ ]);
      wants = lib.concatMap (lib.splitString " ") (unit.Unit.Wants or [ ]);
      requires = lib.concatMap (lib.splitString " ") (unit.Unit.Requires or [ ]);
      wantedBy = lib.concatMap (lib.splitString " ") ((unit.Install or { }).WantedBy or [ ]);
      environment = lib.listToAttrs envPairs // {
        FDNIX_CONFIG = "/etc/fdnix/fdnix.conf";
      };
      serviceConfig =
        lib.mapAttrs (_: collapse) (removeAttrs service ownKeys)
        // lib.optionalAttrs (cfg.environmentFile != null) {
          EnvironmentFile = cfg.environmentFile;
        };
    };

  timer = readUnit ../systemd/fdnix.timer { };

  # services.fdnix.search.listen: ADDRESS:PORT, the address an IPv4 one or
  # an IPv6 one in brackets; the port is what openFirewall opens
  listenParts = builtins.match "(.+):([0-9]+)" cfg.search.listen;
  searchPort = lib.toInt (lib.elemAt listenParts 1);
  searchService =
    let
      base = serviceFrom ../systemd/fdnix-search.service.in;
      # a port below 1024 needs CAP_NET_BIND_SERVICE in the host's user
      # namespace: granted, and PrivateUsers= (a namespace of its own) off
      privileged = lib.optionalAttrs (searchPort < 1024) {
        CapabilityBoundingSet = "CAP_NET_BIND_SERVICE";
        AmbientCapabilities = "CAP_NET_BIND_SERVICE";
        PrivateUsers = "no";
      };
    in
    base
    // {
      serviceConfig =
        base.serviceConfig
        // privileged
        // {
          ExecStart = "${cfg.package}/bin/fdnix-search --serve --listen ${lib.escapeShellArg cfg.search.listen}";
        };
      # a long-running server: a new fdnix.conf takes a restart
      restartTriggers = [ configFile ];
    };

  settingValue =
    types.oneOf [
      types.str
      types.int
      types.float
      types.bool
      (types.listOf types.str)
    ];

  # GLib key-file syntax: lists are ;-separated, with ; escaped inside items
  renderValue =
    v:
    if lib.isList v then
      lib.concatMapStrings (s: lib.replaceStrings [ ";" ] [ "\\;" ] s + ";") v
    else if lib.isBool v then
      lib.boolToString v
    else
      toString v;

  configText = lib.generators.toINI {
    mkKeyValue = k: v: "${k}=${renderValue v}";
  } cfg.settings;

  # The rendered file is checked against the programs themselves: every
  # [group] key must be a setting that fdnix-metadata, fdnix-embed or
  # fdnix-search registers.
  configFile =
    pkgs.runCommand "fdnix.conf"
      {
        nativeBuildInputs = [ cfg.package ];
        text = configText;
        passAsFile = [ "text" ];
      }
      ''
        { fdnix-metadata --list-settings; fdnix-embed --list-settings; fdnix-search --list-settings; } |
          cut -f1 | sort -u > known
        group=
        while IFS= read -r line; do
          case $line in
            \[*\]) group=''${line#[}; group=''${group%]} ;;
            *=*)
              key="$group.''${line%%=*}"
              grep -qxF "$key" known || { echo "fdnix.conf: [$group] ''${line%%=*} is not an fdnix setting" >&2; exit 1; } ;;
          esac
        done < "$textPath"
        cp "$textPath" "$out"
      '';
in
{
  options.services.fdnix = {
    enable = mkEnableOption "the fdnix nixpkgs metadata and embedding pipeline, run daily";

    package = mkOption {
      type = types.package;
      default = self.packages.${pkgs.stdenv.hostPlatform.system}.fdnix;
      defaultText = lib.literalExpression "fdnix.packages.\${system}.fdnix";
      description = "The fdnix package whose programs the units run.";
    };

    settings = mkOption {
      default = { };
      description = ''
        fdnix.conf as Nix: `settings.<group>.<key>` is `key=` under `[group]`
        (see fdnix.conf(5)). Rendered in GLib key-file syntax and checked
        against the settings the programs register. Secrets do not belong
        here (the file is world-readable in the Nix store): use
        `environmentFile`.
      '';
      example = lib.literalExpression ''
        {
          log.verbosity = 1;
          general.summary-json = "/var/lib/fdnix/last-run.json";
        }
      '';
      type = types.submodule {
        freeformType = types.attrsOf (types.attrsOf settingValue);
        options.log = {
          format = mkOption {
            type = types.enum [
              "auto"
              "text"
              "json"
            ];
            default = "auto";
            description = "Log format; `auto` writes JSON lines to the journal.";
          };
          verbosity = mkOption {
            type = types.ints.between 0 2;
            default = 0;
            description = "0 notices, 1 info, 2 debug.";
          };
        };
      };
    };

    environmentFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      example = "/run/secrets/fdnix.env";
      description = ''
        A file of VAR=value lines read by systemd as root before the services
        start (EnvironmentFile=), kept out of the Nix store: AWS credentials and
        the seed's variables (AWS_REGION, DYNAMODB_TABLE, S3_BUCKET,
        BEDROCK_MODEL_ID). Without it the embedded defaults apply.
      '';
    };

    schedule = mkOption {
      type = types.str;
      default = lib.head timer.Timer.OnCalendar;
      example = "weekly";
      description = "When to run, as a systemd calendar expression (OnCalendar=).";
    };

    randomizedDelay = mkOption {
      type = types.str;
      default = lib.head timer.Timer.RandomizedDelaySec;
      description = "RandomizedDelaySec= of the timer.";
    };

    search = {
      enable = mkEnableOption ''
        the fdnix search server (`fdnix-search --serve`, see fdnix-search(1)):
        the HTTP API and search page over what fdnix-embed publishes, reloaded
        when it publishes a new index. It runs as the pipeline's dynamic user
        with /var/lib/fdnix read-only, with the same `settings` and
        `environmentFile`; it does not need `services.fdnix.enable` when the
        data come from elsewhere (an S3 bucket, say)'';

      listen = mkOption {
        type = types.strMatching "(([0-9]{1,3}[.]){3}[0-9]{1,3}|[[][0-9a-fA-F:.]+[]]):[0-9]{1,5}";
        default = "127.0.0.1:8080";
        example = "[::]:8080";
        description = ''
          The address and TCP port to listen on (`--listen`): an IPv4
          address or an IPv6 one in brackets, then `:PORT` (`0.0.0.0` and
          `[::]` are every address). The default answers this machine only;
          put a TLS reverse proxy in front rather than opening the server to
          a network. A port below 1024 gets CAP_NET_BIND_SERVICE.
        '';
      };

      openFirewall = mkOption {
        type = types.bool;
        default = false;
        description = "Open the TCP port of `listen` in the firewall.";
      };
    };
  };

  config = lib.mkMerge [
    (mkIf (cfg.enable || cfg.search.enable) {
      environment.etc."fdnix/fdnix.conf".source = configFile;
    })

    (mkIf cfg.enable {
      systemd.services.fdnix-metadata = serviceFrom ../systemd/fdnix-metadata.service.in;
      systemd.services.fdnix-embed = serviceFrom ../systemd/fdnix-embed.service.in;

      systemd.timers.fdnix = {
        description = lib.head timer.Unit.Description;
        documentation = lib.concatMap (lib.splitString " ") (timer.Unit.Documentation or [ ]);
        wantedBy = [ "timers.target" ];
        timerConfig = lib.mapAttrs (_: collapse) timer.Timer // {
          OnCalendar = cfg.schedule;
          RandomizedDelaySec = cfg.randomizedDelay;
        };
      };
    })

    (mkIf cfg.search.enable {
      assertions = [
        {
          assertion = searchPort >= 1 && searchPort <= 65535;
          message = "services.fdnix.search.listen: port ${toString searchPort} is not between 1 and 65535";
        }
      ];
      systemd.services.fdnix-search = searchService;
      networking.firewall.allowedTCPPorts = lib.optional cfg.search.openFirewall searchPort;
    })
  ];
}
