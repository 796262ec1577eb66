/* store-contract.h: the cases every FdnixStore back end must pass, written
 * once and run by each back end's suite (check-store for SQLite,
 * check-dynamodb-store for DynamoDB): commit visibility, abort, deletes of
 * unseen keys, version replacement, scans with filters and shards, and
 * embedding marks. */
#pragma once

#include <check.h>

#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  /* A new, empty store for one test (asserts on failure). */
  FdnixStore *(*open_empty) (void);
  /* How many packages another reader sees committed: a second handle, so
   * that nothing the open store caches or has staged can count. */
  guint64     (*count_committed) (void);
  /* Removes what open_empty made, once the store is closed; may be NULL. */
  void        (*clean_up) (void);
  /* Packages for the scan test: more than one page of the back end. */
  guint        bulk;
} FdnixStoreContract;

TCase       *fdnix_store_contract_tcase  (const gchar              *name,
                                          const FdnixStoreContract *contract);
FdnixStore  *fdnix_store_contract_store  (void);
FdnixRecord *fdnix_store_contract_record (const gchar *name,
                                          const gchar *version,
                                          const gchar *description);

G_END_DECLS
