/* fdnix-search-load.h: the snapshot (search bundle and vector files, or
 * for an older snapshot the package table), into a FdnixSearchIndex,
 * checked.
 *
 *   1. vector-index/index.json.gz is read; its model must be the configured
 *      embedder's and its dimension the embedder's (else queries and
 *      packages would be compared in different spaces);
 *   2. the packages (texts shown and keyword index) come from the search
 *      bundle the index lists, checked like a batch file (size, sha256,
 *      then every section: fdnix-search-bundle.h); an index without one
 *      (an older fdnix-embed's) makes the store be scanned instead;
 *   3. each batch file the index lists is fetched and checked against the
 *      index before its vectors are used: size and sha256 of the stored
 *      bytes, then vector count and dimension of its contents.  Any
 *      mismatch fails the load with the file's key in the message.
 *
 * Files are fetched one after the other (an object store is used by one
 * thread at a time) and checked and parsed by up to 4 threads, applied in
 * index order; at most two files per thread are in memory at a time
 * besides the index being filled.
 */
#pragma once

#include "embed/fdnix-embedder.h"
#include "vectors/fdnix-objects.h"
#include "vectors/fdnix-vector-file.h"
#include "vectors/fdnix-vector-index.h"
#include "search/fdnix-search-index.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  guint64 packages;                /* packages in the bundle (or records in the table) */
  guint64 vectors;                 /* vectors used */
  guint64 files;                   /* batch files read and checked */
  guint64 bytes;                   /* stored bytes read */
  guint64 vectors_without_record;  /* vectors of packages no longer in the table */
  guint64 vectors_other_version;   /* vectors embedded for another version */
  guint64 repeated;                /* repeated packages or vectors (ignored) */
  gdouble index_seconds;           /* reading the index */
  gdouble store_seconds;           /* reading the bundle (or scanning the table) */
  gboolean from_bundle;            /* the packages came from the search bundle */
  gdouble vectors_seconds;         /* reading and checking batch files */
} FdnixSearchLoadStats;

FdnixVectorIndex *fdnix_search_fetch_index  (FdnixObjects              *objects,
                                             GError                   **error);
gboolean          fdnix_search_check_model  (const FdnixVectorIndex    *index,
                                             FdnixEmbedder             *embedder,
                                             GError                   **error);
gboolean          fdnix_search_check_stored (const FdnixBatchFileInfo  *expected,
                                             GBytes                    *stored,
                                             GError                   **error);
gboolean          fdnix_search_check_batch  (const FdnixBatchFileInfo  *expected,
                                             const FdnixVectorBatch    *batch,
                                             GError                   **error);
/* Opens the table, for a snapshot without a search bundle. */
typedef FdnixStore *(*FdnixSearchStoreOpener) (gpointer   user_data,
                                               GError   **error);

FdnixSearchIndex *fdnix_search_load_snapshot (FdnixSearchStoreOpener    open_store,
                                             gpointer                  user_data,
                                             FdnixObjects             *objects,
                                             FdnixEmbedder            *embedder,
                                             FdnixSearchLoadStats     *out_stats,
                                             GError                  **error);
FdnixSearchIndex *fdnix_search_load         (FdnixStore                *store,
                                             FdnixObjects              *objects,
                                             FdnixEmbedder             *embedder,
                                             FdnixSearchLoadStats      *out_stats,
                                             GError                   **error);

G_END_DECLS
