/* fdnix-objects-dir.c: atomic, durable files under a directory. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "vectors/fdnix-objects-dir.h"

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

/* Opens the folder @folder ("", "vectors/", "a/b/") under the root one
 * component at a time without following symbolic links, so that no key
 * reaches outside the root whatever links someone put there.  With
 * @create, missing folders are made.  Returns a descriptor or -1. */
static int
open_folder (FdnixObjectsDir *self, const gchar *folder, gboolean create, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (folder, "/", -1);
  int fd;

  if (create && g_mkdir_with_parents (self->root, 0755) != 0)
    {
      io_error (error, errno, "cannot create directory", self->root);
      return -1;
    }
  /* the root itself is configuration, trusted: it may be a link */
  fd = open (self->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      io_error (error, errno, "cannot open directory", self->root);
      return -1;
    }
  for (gchar **part = parts; *part != NULL; part++)
    {
      int next;

      if (**part == '\0')
        continue;
      next = openat (fd, *part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create)
        {
          if (mkdirat (fd, *part, 0755) != 0 && errno != EEXIST)
            {
              int errsv = errno;
              close (fd);
              io_error (error, errsv, "cannot create directory", *part);
              return -1;
            }
          next = openat (fd, *part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      if (next < 0)
        {
          int errsv = errno;
          g_autofree gchar *path = g_build_filename (self->root, folder, NULL);

          close (fd);
          if (errsv == ELOOP || errsv == ENOTDIR)
            g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO,
                         "%s: '%s' is a symbolic link or not a directory (objects are only read "
                         "inside %s)", path, *part, self->root);
          else
            io_error (error, errsv, "cannot open directory", path);
          return -1;
        }
      close (fd);
      fd = next;
    }
  return fd;
}

/* "vectors/batch_x.json.gz" → folder "vectors/", name "batch_x.json.gz" */
static void
split_key (const gchar *key, gchar **out_folder, const gchar **out_name)
{
  const gchar *slash = strrchr (key, '/');

  *out_folder = slash != NULL ? g_strndup (key, slash - key + 1) : g_strdup ("");
  *out_name = slash != NULL ? slash + 1 : key;
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

/* A new hidden temporary beside @name, created exclusively (never through
 * a link someone placed). */
static int
create_temporary (int dir_fd, const gchar *name, gchar **out_tmp)
{
  static const gchar letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      gchar suffix[7];
      g_autofree gchar *tmp = NULL;
      int fd;

      for (guint i = 0; i < 6; i++)
        suffix[i] = letters[g_random_int_range (0, sizeof letters - 1)];
      suffix[6] = '\0';
      tmp = g_strdup_printf (".%s.tmp-%s", name, suffix);
      fd = openat (dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0 || errno != EEXIST)
        {
          *out_tmp = g_steal_pointer (&tmp);
          return fd;
        }
    }
  errno = EEXIST;
  return -1;
}

static gboolean
dir_put (FdnixObjects *objects, const gchar *key, GBytes *data, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);
  g_autofree gchar *folder = NULL;
  g_autofree gchar *tmp = NULL;
  const gchar *name;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  int dir_fd, fd;
  gboolean ok;

  split_key (key, &folder, &name);
  dir_fd = open_folder (self, folder, TRUE, error);
  if (dir_fd < 0)
    return FALSE;
  fd = create_temporary (dir_fd, name, &tmp);
  if (fd < 0)
    {
      int errsv = errno;
      close (dir_fd);
      return io_error (error, errsv, "cannot create a temporary for", path);
    }
  ok = write_all (fd, bytes, length, path, error);
  if (ok && fsync (fd) != 0)
    ok = io_error (error, errno, "cannot sync", path);
  if (close (fd) != 0 && ok)
    ok = io_error (error, errno, "cannot close", path);
  if (ok && renameat (dir_fd, tmp, dir_fd, name) != 0)
    ok = io_error (error, errno, "cannot rename into", path);
  if (!ok)
    unlinkat (dir_fd, tmp, 0);
  /* the rename itself must survive a power cut */
  else if (fsync (dir_fd) != 0 && errno != EINVAL)
    ok = io_error (error, errno, "cannot sync the directory of", path);
  close (dir_fd);
  return ok;
}

/* Reads a regular file of at most @max_size bytes: a link, a FIFO, a
 * device (/dev/zero) or an oversized file is refused before a byte is
 * read, and a file that grows while read is cut at the cap. */
static GBytes *
dir_get (FdnixObjects *objects, const gchar *key, guint64 max_size, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);
  g_autofree gchar *folder = NULL;
  g_autofree guint8 *contents = NULL;
  const gchar *name;
  struct stat st;
  gsize length = 0, capacity;
  int dir_fd, fd;

  split_key (key, &folder, &name);
  dir_fd = open_folder (self, folder, FALSE, error);
  if (dir_fd < 0)
    return NULL;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;
      close (dir_fd);
      if (errsv == ELOOP)
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO,
                     "%s is a symbolic link: objects are only read as regular files", path);
      else
        io_error (error, errsv, "cannot open", path);
      return NULL;
    }
  close (dir_fd);
  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;
      close (fd);
      io_error (error, errsv, "cannot stat", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s is not a regular file", path);
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      close (fd);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s holds %" G_GUINT64_FORMAT " bytes, more than the %" G_GUINT64_FORMAT " allowed",
                   path, (guint64) st.st_size, max_size);
      return NULL;
    }
  /* one byte more than the size, to notice a file that grew */
  capacity = (gsize) st.st_size + 1;
  contents = g_malloc (capacity);
  while (TRUE)
    {
      gssize n = read (fd, contents + length, capacity - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          close (fd);
          io_error (error, errsv, "cannot read", path);
          return NULL;
        }
      if (n == 0)
        break;
      length += (gsize) n;
      if (length == capacity)
        {
          if (capacity > max_size)
            {
              close (fd);
              g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                           "%s grew beyond %" G_GUINT64_FORMAT " bytes while read", path, max_size);
              return NULL;
            }
          capacity = MIN (capacity * 2, (gsize) max_size + 1);
          contents = g_realloc (contents, capacity);
        }
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static gint
compare_infos (gconstpointer a, gconstpointer b)
{
  const FdnixObjectInfo *ia = *(FdnixObjectInfo * const *) a;
  const FdnixObjectInfo *ib = *(FdnixObjectInfo * const *) b;

  return strcmp (ia->key, ib->key);
}

/* Opens @prefix's folder for reading its entries; NULL with no error when
 * the folder does not exist. */
static DIR *
open_listing (FdnixObjectsDir *self, const gchar *prefix, gchar **out_folder,
              const gchar **out_name_prefix, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  DIR *dir;
  int fd;

  split_key (prefix, out_folder, out_name_prefix);
  fd = open_folder (self, *out_folder, FALSE, &local_error);
  if (fd < 0)
    {
      if (!g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int errsv = errno;
      close (fd);
      io_error (error, errsv, "cannot read directory", *out_folder);
    }
  return dir;
}

static GPtrArray *
dir_list (FdnixObjects *objects, const gchar *prefix, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autofree gchar *folder = NULL;
  g_autoptr(GError) local_error = NULL;
  const gchar *name_prefix;
  struct dirent *entry;
  DIR *dir;

  dir = open_listing (self, prefix, &folder, &name_prefix, &local_error);
  if (dir == NULL)
    {
      if (local_error == NULL)
        return g_steal_pointer (&list);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      const gchar *name = entry->d_name;
      struct stat st;
      FdnixObjectInfo *info;

      if (name[0] == '.' || !g_str_has_prefix (name, name_prefix))
        continue;
      /* only regular files are objects: links are not followed */
      if (fstatat (dirfd (dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (list->len >= FDNIX_OBJECTS_MAX_KEYS)
        {
          closedir (dir);
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "more than %u objects under %s", FDNIX_OBJECTS_MAX_KEYS, prefix);
          return NULL;
        }
      info = g_new0 (FdnixObjectInfo, 1);
      info->key = g_strconcat (folder, name, NULL);
      info->size = (guint64) st.st_size;
      g_ptr_array_add (list, info);
    }
  closedir (dir);
  g_ptr_array_sort (list, compare_infos);
  return g_steal_pointer (&list);
}

static gboolean
dir_delete (FdnixObjects *objects, const gchar *key, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *path = g_build_filename (self->root, key, NULL);
  g_autofree gchar *folder = NULL;
  g_autoptr(GError) local_error = NULL;
  const gchar *name;
  int dir_fd;
  gboolean ok = TRUE;

  split_key (key, &folder, &name);
  dir_fd = open_folder (self, folder, FALSE, &local_error);
  if (dir_fd < 0)
    {
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (unlinkat (dir_fd, name, 0) != 0 && errno != ENOENT)
    ok = io_error (error, errno, "cannot delete", path);
  close (dir_fd);
  return ok;
}

static gboolean
dir_clean_partial (FdnixObjects *objects, const gchar *prefix, GError **error)
{
  FdnixObjectsDir *self = FDNIX_OBJECTS_DIR (objects);
  g_autofree gchar *folder = NULL;
  const gchar *name_prefix;
  struct dirent *entry;
  DIR *dir;

  dir = open_listing (self, prefix, &folder, &name_prefix, NULL);
  if (dir == NULL)
    return TRUE;
  while ((entry = readdir (dir)) != NULL)
    {
      const gchar *name = entry->d_name;

      if (name[0] != '.' || strstr (name, ".tmp-") == NULL)
        continue;
      if (unlinkat (dirfd (dir), name, 0) != 0 && errno != ENOENT)
        {
          int errsv = errno;
          g_autofree gchar *path = g_build_filename (self->root, folder, name, NULL);

          closedir (dir);
          return io_error (error, errsv, "cannot delete", path);
        }
      g_debug ("removed the leftover %s%s", folder, name);
    }
  closedir (dir);
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
