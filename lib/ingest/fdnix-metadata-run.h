/* fdnix-metadata-run.h: one fdnix-metadata run, start to end.
 *
 *   source (nix-env, file, channel) → decoder → package reader (stream
 *   parser + normalizer) → sync (diff against the store) → commit, or
 *   abort when anything failed, so that nothing of a bad run is stored;
 *
 *   or, with an output file, the normalized records as JSON lines and no
 *   store at all.
 */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-summary.h"

G_BEGIN_DECLS

typedef struct {
  const gchar *output;     /* (nullable) JSON-lines file, "-" for stdout */
  gboolean     dry_run;    /* compare with the store, write nothing */
} FdnixMetadataRunOptions;

gboolean fdnix_metadata_run (FdnixConfig                   *config,
                             const FdnixMetadataRunOptions *options,
                             FdnixSummary                  *summary,
                             GError                       **error);

G_END_DECLS
