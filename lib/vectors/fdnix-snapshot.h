/* fdnix-snapshot.h: make the index describe exactly the live vectors.
 *
 * After embedding (by this process or by N shard tasks), the index step
 *   1. reads every embedded record (of the current model) and sums, per
 *      batch file a record points to, the ids "<name>#<version>" of the
 *      records pointing there (a digest, not a list);
 *   2. compares each sum with the ids the file holds (from the previous
 *      index, from this process's own writes, or by reading the file);
 *   3. compacts every file that differs (a deleted package, a package
 *      re-embedded elsewhere, a version that changed while the text did
 *      not — its vector is reused under the new id) and merges underfull
 *      files: live entries go to new files, records are repointed;
 *   4. unmarks records whose vector is lost, so they are embedded again;
 *   5. when nothing is left to fix, builds the search bundle of the table
 *      (when a builder is given: fdnix-bundle-file.h), writes it if it is
 *      new, then writes the index listing it (if either changed), then
 *      deletes every batch file and bundle it neither lists nor keeps as
 *      superseded.
 *
 * Self-healing: a file's entry in the previous index is carried forward
 * only after the file is proven to match it (size and a sha256 of its
 * bytes, and the entry's count agrees with its ids digest); a file that
 * does not match is treated as lost, so its packages are embedded again
 * and it is never published again.  The log says which file and why.
 *
 * What a reader may rely on: the index is replaced atomically and lists
 * only files that exist.  A file an index stops listing stays
 * ("superseded_files" in the new index) for keep_superseded seconds and
 * at least until the next run, so a reader that loaded the previous index
 * can read every file that index lists during that time.
 * Memory: one digest per file, and for files being compacted the keys of
 * the records pointing to them; never the vectors of more than one file.
 *
 * The step assumes no other fdnix-embed writes to the same objects while
 * it runs (the Step Functions Map runs the shards first, then this).
 */
#pragma once

#include "core/fdnix-floor.h"
#include "vectors/fdnix-batch-sink.h"
#include "core/fdnix-embedder-info.h"
#include "vectors/fdnix-bundle-file.h"
#include "vectors/fdnix-objects.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  gboolean converged;        /* the index was written (or already right) */
  gboolean index_written;
  guint64  records_unmarked; /* need embedding again before the index */
  guint64  files_listed;
  guint64  total_vectors;
  guint64  files_compacted;
  guint64  vectors_moved;
  guint64  files_deleted;
  guint64  files_superseded;  /* kept for readers of the previous index */
  guint64  files_repaired;    /* did not match their previous entry */
  gboolean bundle_written;    /* a new search bundle was written */
  guint64  bundle_size;       /* bytes of the bundle the index lists (0: none) */
} FdnixSnapshotResult;

gboolean fdnix_snapshot_update (FdnixStore          *store,
                                FdnixObjects        *objects,
                                const FdnixEmbedderInfo *embedder,
                                FdnixBatchSink      *sink,
                                const gchar         *run_id,
                                guint                vectors_per_file,
                                guint64              keep_superseded,
                                const FdnixFloor    *floor,
                                const FdnixBundleBuilder *bundle,
                                FdnixSnapshotResult *out_result,
                                GError             **error);

G_END_DECLS
