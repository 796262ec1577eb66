/* fdnix-hash.c: SHA-256 through GnuTLS (uses the CPU's SHA extensions). */
#include "config.h"

#include <string.h>
#include <gnutls/crypto.h>

#include "core/fdnix-hash.h"

struct _FdnixSha256 {
  gnutls_hash_hd_t handle;
};

/**
 * fdnix_hex_encode:
 * @data: bytes
 * @length: number of bytes
 * @out: room for 2 × @length + 1 characters; NUL-terminated on return
 */
void
fdnix_hex_encode (const guint8 *data, gsize length, gchar *out)
{
  static const gchar digits[] = "0123456789abcdef";

  for (gsize i = 0; i < length; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[2 * length] = '\0';
}

/**
 * fdnix_sha256:
 * @data: bytes to hash
 * @length: number of bytes
 * @out: (out caller-allocates): the digest
 */
void
fdnix_sha256 (const void *data, gsize length, guint8 out[FDNIX_SHA256_LEN])
{
  /* Cannot fail for a built-in algorithm; a failure here means a broken
   * GnuTLS, where going on would store wrong hashes. */
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, length, out) < 0)
    g_error ("GnuTLS cannot compute SHA-256");
}

/**
 * fdnix_sha256_hex:
 * @data: bytes to hash
 * @length: number of bytes
 *
 * Returns: (transfer full): the lower-case hex digest (64 characters).
 */
gchar *
fdnix_sha256_hex (const void *data, gsize length)
{
  guint8 digest[FDNIX_SHA256_LEN];
  gchar *hex = g_malloc (FDNIX_SHA256_HEX_LEN + 1);

  fdnix_sha256 (data, length, digest);
  fdnix_hex_encode (digest, sizeof digest, hex);
  return hex;
}

/**
 * fdnix_sha256_new:
 *
 * Returns: (transfer full): an incremental SHA-256 context.
 */
FdnixSha256 *
fdnix_sha256_new (void)
{
  FdnixSha256 *self = g_new0 (FdnixSha256, 1);

  if (gnutls_hash_init (&self->handle, GNUTLS_DIG_SHA256) < 0)
    g_error ("GnuTLS cannot compute SHA-256");
  return self;
}

/**
 * fdnix_sha256_update:
 * @self: a context
 * @data: more bytes
 * @length: number of bytes
 */
void
fdnix_sha256_update (FdnixSha256 *self, const void *data, gsize length)
{
  gnutls_hash (self->handle, data, length);
}

/**
 * fdnix_sha256_free_to_hex:
 * @self: (transfer full): a context, freed by this call
 *
 * Returns: (transfer full): the hex digest of everything fed in.
 */
gchar *
fdnix_sha256_free_to_hex (FdnixSha256 *self)
{
  guint8 digest[FDNIX_SHA256_LEN];
  gchar *hex = g_malloc (FDNIX_SHA256_HEX_LEN + 1);

  gnutls_hash_deinit (self->handle, digest);
  self->handle = NULL;
  g_free (self);
  fdnix_hex_encode (digest, sizeof digest, hex);
  return hex;
}

/**
 * fdnix_sha256_free:
 * @self: (transfer full) (nullable): a context, discarded
 */
void
fdnix_sha256_free (FdnixSha256 *self)
{
  if (self == NULL)
    return;
  if (self->handle != NULL)
    gnutls_hash_deinit (self->handle, NULL);
  g_free (self);
}

/**
 * fdnix_hash64:
 * @text: a string
 *
 * A 64-bit hash that is the same on every machine and version (the first
 * eight bytes of SHA-256, big-endian), so shards agree across tasks.
 *
 * Returns: the hash.
 */
guint64
fdnix_hash64 (const gchar *text)
{
  guint8 digest[FDNIX_SHA256_LEN];
  guint64 value = 0;

  fdnix_sha256 (text, strlen (text), digest);
  for (gint i = 0; i < 8; i++)
    value = (value << 8) | digest[i];
  return value;
}

/**
 * fdnix_shard_of:
 * @key: a package key (attribute path)
 * @n_shards: number of shards, at least 1
 *
 * Returns: the shard in [0, @n_shards) that owns @key.
 */
guint
fdnix_shard_of (const gchar *key, guint n_shards)
{
  return n_shards <= 1 ? 0 : (guint) (fdnix_hash64 (key) % n_shards);
}
