/* fdnix-package-reader.h: nix package JSON in, normalized records out.
 *
 * The one entry point of ingest's parsing side: a push reader that takes
 * the document (nix-env's raw object or a channel's packages.json wrapper)
 * in chunks split anywhere, splits it into entries, parses and normalizes
 * each, and hands every valid record to a callback.  It keeps only the
 * current entry in memory.  nix 2.8's half-written entries are skipped and
 * counted; any other damage fails the run with the byte offset.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-config.h"
#include "core/fdnix-record.h"
#include "ingest/fdnix-normalize.h"

G_BEGIN_DECLS

typedef struct {
  guint64 entries;              /* top-level package entries seen */
  guint64 records;              /* records handed to the callback */
  guint64 skipped_invalid;      /* entries that could not be made valid (logged with attr path) */
  guint64 skipped_half_written; /* nix 2.8 half-written entries (logged with attr path) */
  guint64 repaired_utf8;        /* strings whose invalid UTF-8 was repaired */
  guint64 capped_long_descriptions;
} FdnixReaderCounts;

/* record is transfer none, valid only during the call; hashes already
 * computed with fdnix_record_compute_hashes().  Return FALSE + error to stop
 * the run. */
typedef gboolean (*FdnixPackageFunc) (FdnixRecord *record, gpointer user_data, GError **error);

typedef struct _FdnixPackageReader FdnixPackageReader;

/* [ingest] settings read by fdnix_package_reader_new_from_config(). */
extern const FdnixSetting fdnix_package_reader_settings[];

FdnixPackageReader *fdnix_package_reader_new         (const FdnixNormalizeOptions *options,
                                                      FdnixPackageFunc             func,
                                                      gpointer                     user_data);
FdnixPackageReader *fdnix_package_reader_new_from_config (FdnixConfig             *config,
                                                      const gchar                 *nixpkgs_root,
                                                      FdnixPackageFunc             func,
                                                      gpointer                     user_data);
void                fdnix_package_reader_set_max_entry_size (FdnixPackageReader   *self,
                                                      gsize                        max_entry_size);
gboolean            fdnix_package_reader_feed        (FdnixPackageReader          *self,
                                                      const gchar                 *data,
                                                      gsize                        length,
                                                      GError                     **error);
gboolean            fdnix_package_reader_finish      (FdnixPackageReader          *self,
                                                      GError                     **error);
void                fdnix_package_reader_get_counts  (FdnixPackageReader          *self,
                                                      FdnixReaderCounts           *out);
guint64             fdnix_package_reader_get_offset  (FdnixPackageReader          *self);
gboolean            fdnix_package_reader_is_wrapper  (FdnixPackageReader          *self);
void                fdnix_package_reader_free        (FdnixPackageReader          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixPackageReader, fdnix_package_reader_free)

G_END_DECLS
