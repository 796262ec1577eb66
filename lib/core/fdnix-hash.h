/* fdnix-hash.h: SHA-256 (GnuTLS) for content hashes, file digests and shards. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_SHA256_LEN 32
#define FDNIX_SHA256_HEX_LEN 64

typedef struct _FdnixSha256 FdnixSha256;

void         fdnix_sha256          (const void   *data,
                                    gsize         length,
                                    guint8        out[FDNIX_SHA256_LEN]);
gchar       *fdnix_sha256_hex      (const void   *data,
                                    gsize         length);
void         fdnix_hex_encode      (const guint8 *data,
                                    gsize         length,
                                    gchar        *out);
FdnixSha256 *fdnix_sha256_new      (void);
void         fdnix_sha256_update   (FdnixSha256  *self,
                                    const void   *data,
                                    gsize         length);
gchar       *fdnix_sha256_free_to_hex (FdnixSha256 *self);
void         fdnix_sha256_free     (FdnixSha256  *self);
guint64      fdnix_hash64          (const gchar  *text);
guint        fdnix_shard_of        (const gchar  *key,
                                    guint         n_shards);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSha256, fdnix_sha256_free)

G_END_DECLS
