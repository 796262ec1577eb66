/* fdnix-nix-env.h: run `nix-env -qaP --json --meta` and stream its output. */
#pragma once

#include "ingest/fdnix-decoder.h"

G_BEGIN_DECLS

typedef struct {
  const gchar        *program;          /* "nix-env" or a path */
  const gchar        *nixpkgs;          /* -f argument: a path or <nixpkgs> */
  const gchar *const *args;             /* NAME=EXPR, passed as --arg NAME EXPR */
  const gchar *const *argstrs;          /* NAME=VALUE, passed as --argstr NAME VALUE */
  guint               timeout_s;        /* 0: none */
  gboolean            packages_config;  /* use nixpkgs' packages-config.nix as config */
} FdnixNixEnvOptions;

GStrv    fdnix_nix_env_build_argv (const FdnixNixEnvOptions *options,
                                   GError                  **error);
gboolean fdnix_nix_env_run        (const FdnixNixEnvOptions *options,
                                   FdnixChunkFunc            func,
                                   gpointer                  user_data,
                                   guint64                  *out_bytes,
                                   GError                  **error);
gchar   *fdnix_nix_env_error_line (const gchar              *text,
                                   GPtrArray                *out_rest);

G_END_DECLS
