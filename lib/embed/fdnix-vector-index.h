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
 * lets the next run check a listed file against the store without
 * downloading it.
 */
#pragma once

#include <glib.h>

#include "embed/fdnix-vector-file.h"

G_BEGIN_DECLS

#define FDNIX_VECTOR_INDEX_KEY "vector-index/index.json.gz"
#define FDNIX_VECTOR_PREFIX "vectors/"
#define FDNIX_VECTOR_INDEX_VERSION 1

typedef struct {
  gint        version;
  gchar      *created_at;
  guint64     total_vectors;
  guint       dimension;
  GPtrArray  *files;       /* FdnixBatchFileInfo*, sorted by key */
  gchar      *model;
  gchar      *embedder;    /* service: offline, bedrock, openai */
  gchar      *run_id;
  gint        text_template;
} FdnixVectorIndex;

FdnixVectorIndex *fdnix_vector_index_new       (void);
void              fdnix_vector_index_free      (FdnixVectorIndex       *index);
void              fdnix_vector_index_add_file  (FdnixVectorIndex       *index,
                                                FdnixBatchFileInfo     *info);
void              fdnix_vector_index_finish    (FdnixVectorIndex       *index);
gboolean          fdnix_vector_index_same_files (const FdnixVectorIndex *a,
                                                 const FdnixVectorIndex *b);
const FdnixBatchFileInfo *fdnix_vector_index_lookup (const FdnixVectorIndex *index,
                                                     const gchar            *key);
gchar            *fdnix_vector_index_to_json   (const FdnixVectorIndex *index);
GBytes           *fdnix_vector_index_serialize (const FdnixVectorIndex *index);
FdnixVectorIndex *fdnix_vector_index_parse     (GBytes                 *stored,
                                                GError                **error);
gboolean          fdnix_vector_key_is_batch    (const gchar            *key);
gchar            *fdnix_vector_batch_key       (const gchar            *run_id,
                                                guint                   sequence);
gchar            *fdnix_vector_new_run_id      (const gchar            *suffix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixVectorIndex, fdnix_vector_index_free)

G_END_DECLS
