/* fdnix-objects.c: FdnixObjects dispatch and key rules. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "vectors/fdnix-objects.h"

G_DEFINE_INTERFACE (FdnixObjects, fdnix_objects, G_TYPE_OBJECT)

static void
fdnix_objects_default_init (FdnixObjectsInterface *iface)
{
}

#define IFACE(self) FDNIX_OBJECTS_GET_IFACE (self)

/**
 * fdnix_object_info_free:
 * @info: (transfer full) (nullable): a listing entry
 */
void
fdnix_object_info_free (FdnixObjectInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info);
}

/**
 * fdnix_objects_check_key:
 * @key: an object key
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Keys are relative, '/'-separated, without empty, "." or ".." segments,
 * so a key can never leave a directory back end's root.
 *
 * Returns: TRUE when @key is acceptable.
 */
gboolean
fdnix_objects_check_key (const gchar *key, GError **error)
{
  gboolean ok = key != NULL && *key != '\0' && key[0] != '/' && !g_str_has_suffix (key, "/") &&
                strchr (key, '\\') == NULL && g_utf8_validate (key, -1, NULL);

  if (ok)
    {
      g_auto(GStrv) parts = g_strsplit (key, "/", -1);

      for (gchar **p = parts; *p != NULL && ok; p++)
        ok = **p != '\0' && g_strcmp0 (*p, ".") != 0 && g_strcmp0 (*p, "..") != 0;
    }
  if (!ok)
    g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "invalid object key '%s'",
                 key != NULL ? key : "(null)");
  return ok;
}

/**
 * fdnix_objects_describe:
 * @self: an object store
 *
 * Returns: (transfer none): a short description ("directory /srv/fdnix",
 *   "s3://bucket/prefix") for logs.
 */
const gchar *
fdnix_objects_describe (FdnixObjects *self)
{
  return IFACE (self)->describe (self);
}

/**
 * fdnix_objects_put:
 * @self: an object store
 * @key: object key
 * @data: the whole object
 * @error: return location for an error
 *
 * Stores @data under @key atomically and durably, replacing any object.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_objects_put (FdnixObjects *self, const gchar *key, GBytes *data, GError **error)
{
  if (!fdnix_objects_check_key (key, error))
    return FALSE;
  if (!IFACE (self)->put (self, key, data, error))
    {
      g_prefix_error (error, "storing %s: ", key);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_objects_get:
 * @self: an object store
 * @key: object key
 * @error: return location for an error (FDNIX_ERROR_NOT_FOUND when there
 *   is no such object)
 *
 * Like fdnix_objects_get_capped() with FDNIX_OBJECTS_MAX_SIZE.
 *
 * Returns: (transfer full): the object, or NULL.
 */
GBytes *
fdnix_objects_get (FdnixObjects *self, const gchar *key, GError **error)
{
  return fdnix_objects_get_capped (self, key, FDNIX_OBJECTS_MAX_SIZE, error);
}

/**
 * fdnix_objects_get_capped:
 * @self: an object store
 * @key: object key
 * @max_size: the most bytes the object may have (at most
 *   FDNIX_OBJECTS_MAX_SIZE); a larger one is an error, not truncated
 * @error: return location for an error (FDNIX_ERROR_NOT_FOUND when there
 *   is no such object, FDNIX_ERROR_INVALID_DATA when it is too large)
 *
 * Returns: (transfer full): the object, or NULL.
 */
GBytes *
fdnix_objects_get_capped (FdnixObjects *self, const gchar *key, guint64 max_size, GError **error)
{
  GBytes *bytes;

  if (!fdnix_objects_check_key (key, error))
    return NULL;
  max_size = MIN (max_size, FDNIX_OBJECTS_MAX_SIZE);
  bytes = IFACE (self)->get (self, key, max_size, error);
  if (bytes != NULL && g_bytes_get_size (bytes) > max_size)
    {
      /* a back end that cannot refuse early (S3: the HTTP client's cap) */
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%" G_GSIZE_FORMAT " bytes, more than the %" G_GUINT64_FORMAT " allowed",
                   g_bytes_get_size (bytes), max_size);
      g_clear_pointer (&bytes, g_bytes_unref);
    }
  if (bytes == NULL)
    g_prefix_error (error, "reading %s: ", key);
  return bytes;
}

/**
 * fdnix_objects_get_if_changed:
 * @self: an object store
 * @key: object key
 * @tag: (nullable): the tag an earlier call returned for @key
 * @max_size: as for fdnix_objects_get_capped()
 * @out_data: (out) (transfer full) (nullable): the object, or NULL when
 *   its tag is still @tag
 * @out_tag: (out) (transfer full): its tag now (S3: the ETag; otherwise
 *   the sha256 of its bytes)
 * @error: return location for an error (FDNIX_ERROR_NOT_FOUND when there
 *   is no such object)
 *
 * For a reader that polls one object (fdnix-search --serve polls the
 * vector index): S3 answers an unchanged object with 304 Not Modified
 * (If-None-Match), without its body.
 *
 * Returns: TRUE on success, changed or not.
 */
gboolean
fdnix_objects_get_if_changed (FdnixObjects *self, const gchar *key, const gchar *tag, guint64 max_size,
                              GBytes **out_data, gchar **out_tag, GError **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autofree gchar *now = NULL;

  *out_data = NULL;
  *out_tag = NULL;
  if (!fdnix_objects_check_key (key, error))
    return FALSE;
  max_size = MIN (max_size, FDNIX_OBJECTS_MAX_SIZE);
  if (IFACE (self)->get_if_changed != NULL)
    {
      if (!IFACE (self)->get_if_changed (self, key, tag, max_size, &data, &now, error))
        {
          g_prefix_error (error, "reading %s: ", key);
          return FALSE;
        }
      if (data != NULL && g_bytes_get_size (data) > max_size)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "reading %s: %" G_GSIZE_FORMAT " bytes, more than the %" G_GUINT64_FORMAT " allowed",
                       key, g_bytes_get_size (data), max_size);
          return FALSE;
        }
    }
  else
    {
      data = fdnix_objects_get_capped (self, key, max_size, error);
      if (data == NULL)
        return FALSE;
      now = fdnix_sha256_hex (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      if (g_strcmp0 (now, tag) == 0)
        g_clear_pointer (&data, g_bytes_unref);
    }
  *out_data = g_steal_pointer (&data);
  *out_tag = g_steal_pointer (&now);
  return TRUE;
}

/**
 * fdnix_objects_list:
 * @self: an object store
 * @prefix: a key prefix ending in '/' (a "folder")
 * @error: return location for an error
 *
 * Lists the objects directly under @prefix (not in deeper folders).
 *
 * Returns: (transfer full) (element-type FdnixObjectInfo): the objects,
 *   sorted by key; empty when there are none.
 */
GPtrArray *
fdnix_objects_list (FdnixObjects *self, const gchar *prefix, GError **error)
{
  GPtrArray *list = IFACE (self)->list (self, prefix, error);

  if (list == NULL)
    g_prefix_error (error, "listing %s: ", prefix);
  return list;
}

/**
 * fdnix_objects_delete:
 * @self: an object store
 * @key: object key
 * @error: return location for an error
 *
 * Removes @key; a missing object is not an error.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_objects_delete (FdnixObjects *self, const gchar *key, GError **error)
{
  if (!fdnix_objects_check_key (key, error))
    return FALSE;
  if (!IFACE (self)->delete_object (self, key, error))
    {
      g_prefix_error (error, "deleting %s: ", key);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_objects_clean_partial:
 * @self: an object store
 * @prefix: a folder, as for fdnix_objects_list()
 * @error: return location for an error
 *
 * Removes what interrupted puts left behind under @prefix (a directory
 * back end's temporary files; nothing for S3, whose puts are atomic).
 * Only call it when no other writer is active there.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_objects_clean_partial (FdnixObjects *self, const gchar *prefix, GError **error)
{
  if (IFACE (self)->clean_partial == NULL)
    return TRUE;
  return IFACE (self)->clean_partial (self, prefix, error);
}
