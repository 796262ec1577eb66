/* fdnix-serve-cache.h: recent searches' results, per snapshot.
 *
 * Search traffic repeats itself (the same names are typed again and
 * again), and one search of the whole of nixpkgs costs tens of
 * milliseconds of CPU.  A snapshot keeps the ranked hits of its most
 * recent searches, keyed by the query and the filters (not by limit,
 * offset or explain: those only cut and dress the same ranking), least
 * recently used out first.  A cached ranking serves a request whose
 * offset + limit it covers.  The cache dies with its snapshot, so a
 * reload never serves stale results.  Safe from several threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdnixServeCache FdnixServeCache;

FdnixServeCache *fdnix_serve_cache_new         (guint            max_entries);
void             fdnix_serve_cache_free        (FdnixServeCache *self);
gchar           *fdnix_serve_cache_key         (const gchar     *query,
                                                const gchar     *license,
                                                const gchar     *platform,
                                                const gchar     *set,
                                                gboolean         include_broken);
GArray          *fdnix_serve_cache_lookup      (FdnixServeCache *self,
                                                const gchar     *key,
                                                guint            needed);
gboolean         fdnix_serve_cache_contains    (FdnixServeCache *self,
                                                const gchar     *key,
                                                guint            needed);
void             fdnix_serve_cache_insert      (FdnixServeCache *self,
                                                const gchar     *key,
                                                GArray          *hits,
                                                guint            asked);
void             fdnix_serve_cache_get_counts  (FdnixServeCache *self,
                                                guint64         *out_hits,
                                                guint64         *out_misses,
                                                guint           *out_entries);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixServeCache, fdnix_serve_cache_free)

G_END_DECLS
