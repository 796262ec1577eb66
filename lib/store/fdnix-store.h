/* fdnix-store.h: the package table, whatever holds it.
 *
 * Two sides use a store.  fdnix-metadata runs one *sync*: it looks up each
 * incoming package, stages a put for new or changed records, marks
 * unchanged ones as seen, and finally commits.  Nothing staged is visible
 * before commit, and commit applies the puts and (only when asked, after a
 * complete run above the package floor) deletes every key not seen.  An
 * aborted sync leaves the store exactly as it was.
 *
 * fdnix-embed *scans* records in pages and records where their vectors went.
 *
 * Back ends: SQLite (embedded default) and DynamoDB.  fdnix_store_new_from_config()
 * in fdnix-store-factory.c is the one place that picks one.
 */
#pragma once

#include <glib-object.h>

#include "core/fdnix-record.h"

G_BEGIN_DECLS

/* What a program may do with the table it opens.  Only fdnix-metadata
 * creates a table; the readers fail on a missing one instead of creating
 * an empty table at a mistyped path and publishing it. */
typedef enum {
  FDNIX_STORE_CREATE,     /* read and write; create the table when missing */
  FDNIX_STORE_EXISTING,   /* read and write an existing table (fdnix-embed) */
  FDNIX_STORE_READ_ONLY,  /* only read an existing table (fdnix-search) */
} FdnixStoreAccess;

/* What the store knows of a package before this run. */
typedef struct {
  gchar    *package_name;
  gchar    *version;
  gchar    *content_hash;
  gchar    *embed_text_hash;
  gboolean  has_embedding;
  gchar    *embedding_model;
  gchar    *vector_file;
  gchar    *last_updated;
} FdnixStoredState;

void fdnix_stored_state_free (FdnixStoredState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixStoredState, fdnix_stored_state_free)

/* What a commit did. */
typedef struct {
  guint64 puts;
  guint64 deletes;
} FdnixCommitCounts;

typedef enum {
  FDNIX_SCAN_ALL,              /* every record */
  FDNIX_SCAN_NEEDS_EMBEDDING,  /* !hasEmbedding, or embedded with another model */
  FDNIX_SCAN_EMBEDDED,         /* hasEmbedding with the given model */
} FdnixScanFilter;

typedef struct {
  FdnixScanFilter  filter;
  const gchar     *model;        /* for NEEDS_EMBEDDING and EMBEDDED */
  guint            shard_index;  /* with shard_count > 1: only keys whose */
  guint            shard_count;  /*   fdnix_shard_of() is shard_index */
} FdnixScanOptions;

/* Called per scanned record; return FALSE with @error set to stop. */
typedef gboolean (*FdnixRecordFunc) (FdnixRecord *record,
                                     gpointer     user_data,
                                     GError     **error);

/* fdnix-embed's note that a record's vector is durable in @vector_file. */
typedef struct {
  gchar    *package_name;
  gchar    *version;
  gchar    *embed_text_hash;  /* only applied if the record still has this text */
  gboolean  has_embedding;
  gchar    *embedding_model;
  gchar    *vector_file;
} FdnixEmbeddingUpdate;

void fdnix_embedding_update_free (FdnixEmbeddingUpdate *update);

#define FDNIX_TYPE_STORE (fdnix_store_get_type ())
G_DECLARE_INTERFACE (FdnixStore, fdnix_store, FDNIX, STORE, GObject)

struct _FdnixStoreInterface {
  GTypeInterface parent_iface;

  const gchar *(*describe)       (FdnixStore             *self);
  gboolean     (*count)          (FdnixStore             *self,
                                  guint64                *out_count,
                                  GError                **error);
  gboolean     (*begin_sync)     (FdnixStore             *self,
                                  GError                **error);
  gboolean     (*lookup)         (FdnixStore             *self,
                                  const gchar            *package_name,
                                  FdnixStoredState      **out_state,
                                  GError                **error);
  gboolean     (*stage_put)      (FdnixStore             *self,
                                  const FdnixRecord      *record,
                                  const FdnixStoredState *previous,
                                  GError                **error);
  gboolean     (*mark_seen)      (FdnixStore             *self,
                                  const gchar            *package_name,
                                  const gchar            *version,
                                  GError                **error);
  gboolean     (*commit_sync)    (FdnixStore             *self,
                                  gboolean                delete_unseen,
                                  FdnixCommitCounts      *out_counts,
                                  GError                **error);
  void         (*abort_sync)     (FdnixStore             *self);
  gboolean     (*scan)           (FdnixStore             *self,
                                  const FdnixScanOptions *options,
                                  FdnixRecordFunc         func,
                                  gpointer                user_data,
                                  GError                **error);
  gboolean     (*set_embeddings) (FdnixStore             *self,
                                  GPtrArray              *updates,
                                  guint64                *out_applied,
                                  GError                **error);
};

const gchar *fdnix_store_describe       (FdnixStore             *self);
gboolean     fdnix_store_count          (FdnixStore             *self,
                                         guint64                *out_count,
                                         GError                **error);
gboolean     fdnix_store_begin_sync     (FdnixStore             *self,
                                         GError                **error);
gboolean     fdnix_store_lookup         (FdnixStore             *self,
                                         const gchar            *package_name,
                                         FdnixStoredState      **out_state,
                                         GError                **error);
gboolean     fdnix_store_stage_put      (FdnixStore             *self,
                                         const FdnixRecord      *record,
                                         const FdnixStoredState *previous,
                                         GError                **error);
gboolean     fdnix_store_mark_seen      (FdnixStore             *self,
                                         const gchar            *package_name,
                                         const gchar            *version,
                                         GError                **error);
gboolean     fdnix_store_commit_sync    (FdnixStore             *self,
                                         gboolean                delete_unseen,
                                         FdnixCommitCounts      *out_counts,
                                         GError                **error);
void         fdnix_store_abort_sync     (FdnixStore             *self);
gboolean     fdnix_store_scan           (FdnixStore             *self,
                                         const FdnixScanOptions *options,
                                         FdnixRecordFunc         func,
                                         gpointer                user_data,
                                         GError                **error);
gboolean     fdnix_store_set_embeddings (FdnixStore             *self,
                                         GPtrArray              *updates,
                                         guint64                *out_applied,
                                         GError                **error);
gboolean     fdnix_scan_options_match   (const FdnixScanOptions *options,
                                         const FdnixRecord      *record);

G_END_DECLS
