/* fdnix-objects.h: where vector files live: a key → bytes store.
 *
 * Keys are relative paths ("vectors/batch_....json.gz"). A put is atomic
 * (readers see the old object or the whole new one, never part of one)
 * and durable when it returns.  Back ends: a local directory (default)
 * and S3 or any S3-compatible server.  fdnix_objects_new_from_config() in
 * fdnix-objects-factory.c is the one place that picks one.
 */
#pragma once

#include <glib-object.h>

#include "core/fdnix-config.h"

G_BEGIN_DECLS

/* What a bucket or directory hands us is capped (fdnix-embed(1),
 * fdnix-search(1)): no object is read beyond 256 MiB (S3's bodies have the
 * same cap in the HTTP client), no listing beyond a million keys or
 * 10000 pages (a server answering "truncated" forever). */
#define FDNIX_OBJECTS_MAX_SIZE       (G_GUINT64_CONSTANT (256) * 1024 * 1024)
#define FDNIX_OBJECTS_MAX_KEYS       1000000
#define FDNIX_OBJECTS_MAX_LIST_PAGES 10000

typedef struct {
  gchar   *key;
  guint64  size;
} FdnixObjectInfo;

void fdnix_object_info_free (FdnixObjectInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixObjectInfo, fdnix_object_info_free)

#define FDNIX_TYPE_OBJECTS (fdnix_objects_get_type ())
G_DECLARE_INTERFACE (FdnixObjects, fdnix_objects, FDNIX, OBJECTS, GObject)

struct _FdnixObjectsInterface {
  GTypeInterface parent_iface;

  const gchar *(*describe)      (FdnixObjects  *self);
  gboolean     (*put)           (FdnixObjects  *self,
                                 const gchar   *key,
                                 GBytes        *data,
                                 GError       **error);
  GBytes      *(*get)           (FdnixObjects  *self,
                                 const gchar   *key,
                                 guint64        max_size,
                                 GError       **error);
  GPtrArray   *(*list)          (FdnixObjects  *self,
                                 const gchar   *prefix,
                                 GError       **error);
  gboolean     (*delete_object) (FdnixObjects  *self,
                                 const gchar   *key,
                                 GError       **error);
  gboolean     (*clean_partial) (FdnixObjects  *self,
                                 const gchar   *prefix,
                                 GError       **error);
  /* (nullable): without it, a get and the sha256 of what was read */
  gboolean     (*get_if_changed) (FdnixObjects  *self,
                                  const gchar   *key,
                                  const gchar   *tag,
                                  guint64        max_size,
                                  GBytes       **out_data,
                                  gchar        **out_tag,
                                  GError       **error);
};

extern const FdnixSetting fdnix_objects_settings[];

const gchar  *fdnix_objects_describe      (FdnixObjects  *self);
gboolean      fdnix_objects_put           (FdnixObjects  *self,
                                           const gchar   *key,
                                           GBytes        *data,
                                           GError       **error);
GBytes       *fdnix_objects_get           (FdnixObjects  *self,
                                           const gchar   *key,
                                           GError       **error);
GBytes       *fdnix_objects_get_capped    (FdnixObjects  *self,
                                           const gchar   *key,
                                           guint64        max_size,
                                           GError       **error);
GPtrArray    *fdnix_objects_list          (FdnixObjects  *self,
                                           const gchar   *prefix,
                                           GError       **error);
gboolean      fdnix_objects_delete        (FdnixObjects  *self,
                                           const gchar   *key,
                                           GError       **error);
gboolean      fdnix_objects_clean_partial (FdnixObjects  *self,
                                           const gchar   *prefix,
                                           GError       **error);
gboolean      fdnix_objects_get_if_changed (FdnixObjects *self,
                                            const gchar  *key,
                                            const gchar  *tag,
                                            guint64       max_size,
                                            GBytes      **out_data,
                                            gchar       **out_tag,
                                            GError      **error);
gboolean      fdnix_objects_check_key     (const gchar   *key,
                                           GError       **error);
FdnixObjects *fdnix_objects_new_from_config (FdnixConfig *config,
                                             GError     **error);

G_END_DECLS
