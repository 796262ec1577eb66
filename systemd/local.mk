# systemd units (see issue: packaging)
