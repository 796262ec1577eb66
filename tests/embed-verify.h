/* embed-verify.h: an independent check of a vector snapshot against a store.
 *
 * Loads the whole table and every file the index lists (test code: memory
 * is no concern here) and checks what DESIGN.md promises: the index
 * matches its files (sha256, size, count, dimension); every live package
 * is in exactly one listed file, under its current id, in the file its
 * record names; its vector is the one the embedder makes from its current
 * text (when asked); no entry is stale, deleted or extra; no batch file is
 * stored that the index neither lists nor keeps as superseded; the search
 * bundle it lists is there, intact and holds the table's packages.  Two
 * digests summarise the outcome without file names, so
 * a killed-and-rerun state can be compared with a clean run's.
 */
#pragma once

#include "embed/fdnix-embedder.h"
#include "vectors/fdnix-objects.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  guint64  records;
  guint64  vectors;
  guint64  files;
  guint64  superseded;       /* stored, unlisted, kept for older readers */
  guint64  problems;
  gchar   *snapshot_digest;  /* sorted "id<TAB>sha256(vector)" lines and the bundle's sha256 */
  gchar   *store_digest;     /* sorted "name version hasEmbedding model textHash" lines */
  GString *messages;         /* the first problems, one per line */
} EmbedVerifyReport;

gboolean embed_verify        (FdnixStore        *store,
                              FdnixObjects      *objects,
                              FdnixEmbedder     *embedder,
                              gboolean           check_vectors,
                              EmbedVerifyReport *out_report,
                              GError           **error);
void     embed_verify_clear  (EmbedVerifyReport *report);

G_END_DECLS
