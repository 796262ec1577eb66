/* fdnix-source.h: where nix-env JSON comes from.
 *
 * A file or standard input (plain, gzip or brotli), nix-env run on a nixpkgs
 * tree, or a channel's packages.json.br over HTTPS.  Every source pushes
 * decompressed bytes to a chunk function as they arrive; none of them
 * writes a temporary copy of the document.
 */
#pragma once

#include "core/fdnix-config.h"
#include "ingest/fdnix-decoder.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_source_settings[];

typedef struct _FdnixSource FdnixSource;

FdnixSource *fdnix_source_new_from_config (FdnixConfig     *config,
                                           GError         **error);
FdnixSource *fdnix_source_new_file        (const gchar     *path);
void         fdnix_source_free            (FdnixSource     *self);
const gchar *fdnix_source_describe        (FdnixSource     *self);
const gchar *fdnix_source_get_nixpkgs_root (FdnixSource    *self);
void         fdnix_source_get_position    (FdnixSource     *self,
                                           guint64         *out_position,
                                           guint64         *out_total);
gboolean     fdnix_source_run             (FdnixSource     *self,
                                           FdnixChunkFunc   func,
                                           gpointer         user_data,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSource, fdnix_source_free)

G_END_DECLS
