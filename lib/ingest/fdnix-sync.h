/* fdnix-sync.h: bring a store in step with one complete reading of nixpkgs.
 *
 * Per package: unchanged (same version and content hash) → only marked seen,
 * nothing written; new or changed → staged with a fresh lastUpdated, keeping
 * its embedding when the embedding text did not change.  At the end the
 * store commits, deleting vanished packages, but only when the run read its
 * input completely and saw at least the package floor; otherwise nothing at
 * all is written.
 */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-record.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  gdouble min_ratio;     /* floor: this fraction of the packages stored before */
  guint64 min_packages;  /* floor: at least this many packages */
  gboolean dry_run;      /* diff only: report, then abort instead of commit */
  gboolean allow_shrink; /* no floor (sync.allow-shrink) */
} FdnixSyncOptions;

typedef struct {
  guint64 stored_before;
  guint64 received;
  guint64 unchanged;
  guint64 added;
  guint64 updated;       /* content or version changed */
  guint64 embeddings_kept; /* updated, but the embedding text is the same */
  guint64 deleted;
  guint64 written;       /* rows put at commit (0 on a dry run) */
} FdnixSyncStats;

typedef struct _FdnixSync FdnixSync;

void       fdnix_sync_options_from_config (FdnixConfig           *config,
                                           FdnixSyncOptions      *out_options);
FdnixSync *fdnix_sync_new                 (FdnixStore            *store,
                                           const FdnixSyncOptions *options);
void       fdnix_sync_free                (FdnixSync             *self);
gboolean   fdnix_sync_begin               (FdnixSync             *self,
                                           GError               **error);
gboolean   fdnix_sync_record              (FdnixRecord           *record,
                                           gpointer               self,
                                           GError               **error);
gboolean   fdnix_sync_commit              (FdnixSync             *self,
                                           GError               **error);
void       fdnix_sync_abort               (FdnixSync             *self);
const FdnixSyncStats *fdnix_sync_get_stats (FdnixSync            *self);
guint64    fdnix_sync_floor               (const FdnixSyncOptions *options,
                                           guint64                stored);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSync, fdnix_sync_free)

G_END_DECLS
