/* fdnix-objects-dir.h: objects as files under a local directory.
 *
 * A put writes "<dir>/.<name>.tmp-XXXXXX", fsyncs it, renames it over
 * "<dir>/<name>" and fsyncs the directory: after a crash the key holds the
 * old or the new object, and only a hidden temporary may be left over
 * (listing ignores those; fdnix_objects_clean_partial() removes them).
 *
 * The directory's content is not trusted: keys are resolved one folder at
 * a time without following symbolic links (nothing outside the root is
 * read or written), and a get reads only a regular file of at most the
 * size asked for (a link to /dev/zero, a FIFO or a device is refused
 * without blocking).  Listings skip anything but regular files.
 */
#pragma once

#include "vectors/fdnix-objects.h"

G_BEGIN_DECLS

#define FDNIX_TYPE_OBJECTS_DIR (fdnix_objects_dir_get_type ())
G_DECLARE_FINAL_TYPE (FdnixObjectsDir, fdnix_objects_dir, FDNIX, OBJECTS_DIR, GObject)

FdnixObjects *fdnix_objects_dir_new (const gchar *root);

G_END_DECLS
