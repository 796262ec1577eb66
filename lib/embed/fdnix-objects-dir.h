/* fdnix-objects-dir.h: objects as files under a local directory.
 *
 * A put writes "<dir>/.<name>.tmp-XXXXXX", fsyncs it, renames it over
 * "<dir>/<name>" and fsyncs the directory: after a crash the key holds the
 * old or the new object, and only a hidden temporary may be left over
 * (listing ignores those; fdnix_objects_clean_partial() removes them).
 */
#pragma once

#include "embed/fdnix-objects.h"

G_BEGIN_DECLS

#define FDNIX_TYPE_OBJECTS_DIR (fdnix_objects_dir_get_type ())
G_DECLARE_FINAL_TYPE (FdnixObjectsDir, fdnix_objects_dir, FDNIX, OBJECTS_DIR, GObject)

FdnixObjects *fdnix_objects_dir_new (const gchar *root);

G_END_DECLS
