/* fdnix-objects-dir.c: atomic, durable files under a directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "embed/fdnix-objects-dir.h"

struct _FdnixObjectsDir {
  GObject  parent_instance;
  gchar   *root;
  gchar   *description;
};

static void fdnix_objects_dir_iface_init (FdnixObjectsInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixObjectsDir, fdnix_objects_dir, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_OBJECTS, fdnix_objects_dir_iface_init))

static gboolean
io_error (GError **error, gint errsv, const gchar *what, const gchar *path)
{
  g_set_error (error, FDNIX_ERROR, errsv == ENOENT ? FDNIX_ERROR_NOT_FOUND : FDNIX_ERROR_IO,
               "%s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

static gboolean
fsync_dir (const gchar *dir, GError **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return io_error (error, errno, "cannot open directory", dir);
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      int errsv = errno;
      close (fd);
      return io_error (error, errsv, "cannot sync directory", dir);
    }
  close (fd);
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize length, const gchar *path, GError **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return io_error (error, errno, "cannot write", path);
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

static gboolean
dir_put (FdnixObjects *objects, const gchar *key, GBytes *data, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return io_error (error, errno, "cannot create directory", dir);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return io_error (error, errno, "cannot create", tmp);
  if (!write_all (fd, bytes, length, tmp, error) || fsync (fd) != 0)
    {
      int errsv = errno;
      close (fd);
      g_unlink (tmp);
      if (error != NULL && *error == NULL)
        io_error (error, errsv, "cannot sync", tmp);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      int errsv = errno;
      g_unlink (tmp);
      return io_error (error, errsv, "cannot close", tmp);
    }
  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;
      g_unlink (tmp);
      return io_error (error, errsv, "cannot rename into", path);
    }
  /* the rename itself must survive a power cut */
  return fsync_dir (dir, error);
}

static GBytes *
dir_get (FdnixObjects *objects, const gchar *key, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);
  gchar *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, FDNIX_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? FDNIX_ERROR_NOT_FOUND : FDNIX_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }
  return g_bytes_new_take (contents, length);
}

static gint
compare_infos (gconstpointer a, gconstpointer b)
{
  const FdnixObjectInfo *ia = *(FdnixObjectInfo * const *) a;
  const FdnixObjectInfo *ib = *(FdnixObjectInfo * const *) b;

  return strcmp (ia->key, ib->key);
}

/* Splits "vectors/batch_" into the folder "vectors" and the name prefix
 * "batch_". */
static void
split_prefix (const gchar *root, const gchar *prefix, gchar **out_dir, gchar **out_folder,
              const gchar **out_name_prefix)
{
  const gchar *slash = strrchr (prefix, '/');

  *out_folder = slash != NULL ? g_strndup (prefix, slash - prefix + 1) : g_strdup ("");
  *out_name_prefix = slash != NULL ? slash + 1 : prefix;
  *out_dir = g_build_filename (root, *out_folder, NULL);
}

static GPtrArray *
dir_list (FdnixObjects *objects, const gchar *prefix, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autofree gchar *dir_path = NULL;
  g_autofree gchar *folder = NULL;
  const gchar *name_prefix;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const gchar *name;

  split_prefix (self->root, prefix, &dir_path, &folder, &name_prefix);
  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *path = NULL;
      GStatBuf st;
      FdnixObjectInfo *info;

      if (name[0] == '.' || !g_str_has_prefix (name, name_prefix))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      info = g_new0 (FdnixObjectInfo, 1);
      info->key = g_strconcat (folder, name, NULL);
      info->size = (guint64) st.st_size;
      g_ptr_array_add (list, info);
    }
  g_ptr_array_sort (list, compare_infos);
  return g_steal_pointer (&list);
}

static gboolean
dir_delete (FdnixObjects *objects, const gchar *key, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);

  if (g_unlink (path) != 0 && errno != ENOENT)
    return io_error (error, errno, "cannot delete", path);
  return TRUE;
}

static gboolean
dir_clean_partial (FdnixObjects *objects, const gchar *prefix, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *dir_path = NULL;
  g_autofree gchar *folder = NULL;
  const gchar *name_prefix;
  g_autoptr(GDir) dir = NULL;
  const gchar *name;

  split_prefix (self->root, prefix, &dir_path, &folder, &name_prefix);
  dir = g_dir_open (dir_path, 0, NULL);
  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *path = NULL;

      if (name[0] != '.' || strstr (name, ".tmp-") == NULL)
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (g_unlink (path) != 0 && errno != ENOENT)
        return io_error (error, errno, "cannot delete", path);
      g_debug ("removed the leftover %s", path);
    }
  return TRUE;
}

static const gchar *
dir_describe (FdnixObjects *objects)
{
  return FDNIX_OBJECTS_DIR (objects)->description;
}

static void
fdnix_objects_dir_iface_init (FdnixObjectsInterface *iface)
{
  iface->describe = dir_describe;
  iface->put = dir_put;
  iface->get = dir_get;
  iface->list = dir_list;
  iface->delete_object = dir_delete;
  iface->clean_partial = dir_clean_partial;
}

static void
fdnix_objects_dir_finalize (GObject *object)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (object);

  g_free (self->root);
  g_free (self->description);
  G_OBJECT_CLASS (fdnix_objects_dir_parent_class)->finalize (object);
}

static void
fdnix_objects_dir_class_init (FdnixObjectsDirClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_objects_dir_finalize;
}

static void
fdnix_objects_dir_init (FdnixObjectsDir *self)
{
}

/**
 * fdnix_objects_dir_new:
 * @root: the directory keys are relative to (created on the first put)
 *
 * Returns: (transfer full): an object store on the local file system.
 */
FdnixObjects *
fdnix_objects_dir_new (const gchar *root)
{
  FdnixObjectsDir *self = g_object_new (FDNIX_TYPE_OBJECTS_DIR, NULL);

  self->root = g_strdup (root);
  self->description = g_strdup_printf ("directory %s", root);
  return FDNIX_OBJECTS (self);
}
