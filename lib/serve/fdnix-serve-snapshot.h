/* fdnix-serve-snapshot.h: the snapshot fdnix-search --serve answers from,
 * and its hot reload.
 *
 * A snapshot is a loaded, checked index (fdnix_search_load()) with what
 * /healthz tells of it: the fdnix-embed run that wrote it, when, and
 * when it was loaded.  It is reference-counted: a request takes a
 * reference when it starts and answers from that snapshot to its end,
 * whatever is swapped in meanwhile.
 *
 * The holder keeps the current snapshot.  The reloader polls the vector
 * index (fdnix_objects_get_if_changed(): a directory's file, S3's ETag
 * with If-None-Match) on the main loop's clock and loads a changed one
 * on a worker thread (GTask); a snapshot that loads and passes every
 * check is swapped in, one that fails is refused with one log line and the
 * old one keeps serving.  A refused index is not tried again until it
 * changes.
 */
#pragma once

#include <gio/gio.h>

#include "core/fdnix-config.h"
#include "embed/fdnix-embedder.h"
#include "search/fdnix-search-index.h"
#include "search/fdnix-search-rank.h"
#include "serve/fdnix-serve-metrics.h"
#include "vectors/fdnix-objects.h"

G_BEGIN_DECLS

typedef struct _FdnixServeSnapshot FdnixServeSnapshot;
typedef struct _FdnixServeHolder FdnixServeHolder;
typedef struct _FdnixServeReloader FdnixServeReloader;

FdnixServeSnapshot     *fdnix_serve_snapshot_load      (FdnixConfig              *config,
                                                        FdnixEmbedder            *embedder,
                                                        GBytes                   *index_bytes,
                                                        const gchar              *tag,
                                                        guint                     max_attempts,
                                                        guint                     cache_entries,
                                                        GError                  **error);
FdnixServeSnapshot     *fdnix_serve_snapshot_ref       (FdnixServeSnapshot       *self);
void                    fdnix_serve_snapshot_unref     (FdnixServeSnapshot       *self);
const FdnixSearchIndex *fdnix_serve_snapshot_get_index (FdnixServeSnapshot       *self);
const gchar            *fdnix_serve_snapshot_get_run_id (FdnixServeSnapshot      *self);
gdouble                 fdnix_serve_snapshot_get_age   (FdnixServeSnapshot       *self);
gdouble                 fdnix_serve_snapshot_get_loaded_age (FdnixServeSnapshot  *self);
gboolean                fdnix_serve_snapshot_is_cached (FdnixServeSnapshot       *self,
                                                        const gchar              *query,
                                                        const FdnixSearchOptions *options,
                                                        gboolean                  explain);
GArray                 *fdnix_serve_snapshot_search    (FdnixServeSnapshot       *self,
                                                        const gchar              *query,
                                                        const FdnixSearchOptions *options,
                                                        gboolean                  explain,
                                                        gboolean                 *out_cached,
                                                        GError                  **error);

FdnixServeHolder       *fdnix_serve_holder_new         (void);
void                    fdnix_serve_holder_free        (FdnixServeHolder         *self);
FdnixServeSnapshot     *fdnix_serve_holder_get         (FdnixServeHolder         *self);
void                    fdnix_serve_holder_swap        (FdnixServeHolder         *self,
                                                        FdnixServeSnapshot       *snapshot);

FdnixServeReloader     *fdnix_serve_reloader_new       (FdnixConfig              *config,
                                                        FdnixEmbedder            *embedder,
                                                        FdnixObjects             *objects,
                                                        FdnixServeHolder         *holder,
                                                        FdnixServeMetrics        *metrics,
                                                        guint                     max_attempts,
                                                        guint                     cache_entries);
void                    fdnix_serve_reloader_free      (FdnixServeReloader       *self);
void                    fdnix_serve_reloader_start     (FdnixServeReloader       *self,
                                                        gdouble                   interval_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixServeSnapshot, fdnix_serve_snapshot_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixServeHolder, fdnix_serve_holder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixServeReloader, fdnix_serve_reloader_free)

G_END_DECLS
