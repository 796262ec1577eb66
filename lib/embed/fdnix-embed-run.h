/* fdnix-embed-run.h: one fdnix-embed run, start to end.
 *
 *   fdnix-embed                 embed what needs it, then the index step
 *   fdnix-embed --shard K/N     embed shard K only; no index (N tasks run
 *                               side by side, each on its own keys)
 *   fdnix-embed --index-only    the index step (after the shards), which
 *                               also embeds whatever it found lost
 */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-floor.h"
#include "embed/fdnix-embedder.h"
#include "vectors/fdnix-bundle-file.h"
#include "vectors/fdnix-objects.h"
#include "net/fdnix-retry.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  guint    shard_index;
  guint    shard_count;       /* 0: no sharding */
  gboolean index_only;
  guint    vectors_per_file;
  guint64  keep_superseded;   /* seconds; 0: delete superseded files at once */
  guint    batch_size;        /* 0: the embedder's maximum */
  guint    concurrency;       /* 0: automatic */
  guint64  max_requests;      /* 0: no cap */
  guint64  max_tokens;        /* 0: no cap */
  guint    max_attempts;
  FdnixFloor floor;           /* all zero: no floor */
  gboolean retry_set;         /* retry holds [retry]; FALSE: its defaults */
  FdnixRetryOptions retry;    /* back-off, Retry-After cap, budget */
  FdnixBundleBuilder bundle;  /* the search bundle's builder (set by the
                                 program; all zero: no bundle published) */
} FdnixEmbedRunOptions;

extern const FdnixSetting fdnix_embed_run_settings[];

gboolean fdnix_embed_run_options_from_config (FdnixConfig          *config,
                                              FdnixEmbedRunOptions *out_options,
                                              GError              **error);
gboolean fdnix_embed_parse_shard             (const gchar          *text,
                                              guint                *out_index,
                                              guint                *out_count,
                                              GError              **error);
gboolean fdnix_embed_run                     (FdnixStore                 *store,
                                              FdnixObjects               *objects,
                                              FdnixEmbedder              *embedder,
                                              const FdnixEmbedRunOptions *options,
                                              GError                    **error);

G_END_DECLS
