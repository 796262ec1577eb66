/* fdnix-sqlite-store.h: the embedded package table (the default store). */
#pragma once

#include "store/fdnix-store.h"

G_BEGIN_DECLS

#define FDNIX_TYPE_SQLITE_STORE (fdnix_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (FdnixSqliteStore, fdnix_sqlite_store, FDNIX, SQLITE_STORE, GObject)

/* Bumped with every incompatible schema change; older files are migrated. */
#define FDNIX_SQLITE_SCHEMA_VERSION 1

/* PRAGMA application_id of fdnix's files: "fdnx" in ASCII, so file(1) and
 * other programs can tell whose database it is. */
#define FDNIX_SQLITE_APPLICATION_ID 0x66646e78

FdnixSqliteStore *fdnix_sqlite_store_open             (const gchar      *path,
                                                       GError          **error);
FdnixSqliteStore *fdnix_sqlite_store_open_with_access (const gchar      *path,
                                                       FdnixStoreAccess  access,
                                                       GError          **error);

G_END_DECLS
