/* fdnix-sqlite.h: SQLite helpers shared by the back ends that use it
 * (the embedded store, and the DynamoDB back end's local key index). */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "store/fdnix-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean fdnix_sqlite_check   (sqlite3      *db,
                               int           rc,
                               const gchar  *what,
                               GError      **error);
gboolean fdnix_sqlite_exec    (sqlite3      *db,
                               const gchar  *sql,
                               GError      **error);
gboolean fdnix_sqlite_prepare (sqlite3      *db,
                               const gchar  *sql,
                               sqlite3_stmt **out_stmt,
                               GError      **error);
sqlite3 *fdnix_sqlite_open    (const gchar  *path,
                               FdnixStoreAccess access,
                               GError      **error);
gboolean fdnix_sqlite_use_wal (sqlite3      *db,
                               GError      **error);
const gchar *fdnix_sqlite_column_text (sqlite3_stmt *stmt,
                                       int           column);
gchar   *fdnix_sqlite_column_dup  (sqlite3_stmt *stmt,
                                   int           column);
void     fdnix_sqlite_bind_text (sqlite3_stmt *stmt,
                                 int           index,
                                 const gchar  *text);
gboolean fdnix_sqlite_step_done (sqlite3      *db,
                                 sqlite3_stmt *stmt,
                                 const gchar  *what,
                                 GError      **error);
gboolean fdnix_sqlite_lookup_state (sqlite3           *db,
                                    sqlite3_stmt      *stmt,
                                    const gchar       *package_name,
                                    FdnixStoredState **out_state,
                                    GError           **error);

G_END_DECLS
