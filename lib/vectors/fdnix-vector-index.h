/* fdnix-vector-index.h: vector-index/index.json.gz, the snapshot's table
 * of contents.
 *
 *   {"version":1,"created_at":"...","total_vectors":N,"vector_dimension":D,
 *    "batch_files":[{"key","vector_count","dimension","size","sha256",
 *                    "ids_digest"}, ...],
 *    "metadata":{"model":...,"embedder":...,"run_id":...,"generator":...,
 *                "text_template":...}}
 *
 * "ids_digest" (an addition to the original format; readers ignore it)
 * lets the next run check a listed file against the store.
 *
 * "superseded_files" (another addition, ignored by readers): batch files
 * an earlier index listed and this one does not, each with the time it
 * was dropped ("since").  They stay in the bucket for the grace period
 * (embed.keep-superseded), so a reader that loaded the earlier index can
 * still read every file it lists; a later run deletes them.
 *
 * "search_bundle" (another addition, ignored by older readers): the search
 * bundle of this snapshot (fdnix-bundle-file.h), {"key","format","size",
 * "sha256","packages"}; written before the index, checked by fdnix-search
 * like a batch file.  An index without one makes fdnix-search read the
 * table instead.  A bundle the index stops listing is kept as a
 * superseded file, like a batch file.
 *
 * The index comes from a bucket someone else may write to, so the parser
 * trusts nothing: the text, the number of entries, every count, size and
 * dimension are capped (below) before anything is allocated by them, and
 * a key listed twice is refused.
 */
#pragma once

#include <glib.h>

#include "vectors/fdnix-bundle-file.h"
#include "vectors/fdnix-vector-file.h"

G_BEGIN_DECLS

#define FDNIX_VECTOR_INDEX_KEY "vector-index/index.json.gz"
#define FDNIX_VECTOR_PREFIX "vectors/"
#define FDNIX_VECTOR_INDEX_VERSION 1

/* Caps on what an index may claim, documented in fdnix-embed(1) and
 * fdnix-search(1).  16384 is twice the longest embedding any supported
 * service makes; 20000 files hold 20 million packages at the default 1000
 * vectors per file (nixpkgs has ~120000); 1000000 vectors per file is the
 * largest embed.vectors-per-file. */
#define FDNIX_VECTOR_MAX_DIMENSION     16384
#define FDNIX_VECTOR_INDEX_MAX_FILES   20000
#define FDNIX_VECTOR_FILE_MAX_VECTORS  1000000
/* an index at the file cap is ~6 MB of JSON; the text cap keeps a
 * decompression bomb or a padded index from reaching the parser */
#define FDNIX_VECTOR_INDEX_MAX_TEXT    (16 * 1024 * 1024)

/* A file an earlier index listed, kept for readers of that index. */
typedef struct {
  gchar *key;
  gchar *since;  /* ISO 8601: when the index that dropped it was written */
} FdnixSupersededFile;

void fdnix_superseded_file_free (FdnixSupersededFile *file);

typedef struct {
  gint        version;
  gchar      *created_at;
  guint64     total_vectors;
  guint       dimension;
  GPtrArray  *files;       /* FdnixBatchFileInfo*, sorted by key */
  GPtrArray  *superseded;  /* FdnixSupersededFile*, not in files */
  FdnixBundleInfo *bundle; /* the search bundle, or NULL */
  gchar      *model;
  gchar      *embedder;    /* service: offline, bedrock, openai */
  gchar      *run_id;
  gint        text_template;
} FdnixVectorIndex;

FdnixVectorIndex *fdnix_vector_index_new       (void);
void              fdnix_vector_index_free      (FdnixVectorIndex       *index);
void              fdnix_vector_index_add_file  (FdnixVectorIndex       *index,
                                                FdnixBatchFileInfo     *info);
void              fdnix_vector_index_add_superseded (FdnixVectorIndex *index,
                                                     const gchar      *key,
                                                     const gchar      *since);
void              fdnix_vector_index_finish    (FdnixVectorIndex       *index);
gboolean          fdnix_vector_index_same_files (const FdnixVectorIndex *a,
                                                 const FdnixVectorIndex *b);
const FdnixBatchFileInfo *fdnix_vector_index_lookup (const FdnixVectorIndex *index,
                                                     const gchar            *key);
gchar            *fdnix_vector_index_to_json   (const FdnixVectorIndex *index);
GBytes           *fdnix_vector_index_serialize (const FdnixVectorIndex *index);
FdnixVectorIndex *fdnix_vector_index_parse     (GBytes                 *stored,
                                                GError                **error);
gboolean          fdnix_vector_index_check_limits (const FdnixVectorIndex *index,
                                                   GError                **error);
gboolean          fdnix_vector_key_is_batch    (const gchar            *key);
gboolean          fdnix_vector_key_is_snapshot_file (const gchar       *key);
gchar            *fdnix_vector_batch_key       (const gchar            *run_id,
                                                guint                   sequence);
gchar            *fdnix_vector_new_run_id      (const gchar            *suffix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixVectorIndex, fdnix_vector_index_free)

G_END_DECLS
