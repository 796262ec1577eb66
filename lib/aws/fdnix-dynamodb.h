/* fdnix-dynamodb.h: DynamoDB over its JSON protocol.
 *
 * Generic pieces a table-backed store needs, with no knowledge of what the
 * items mean:
 *
 * - calls (fdnix_dynamodb_call(), fdnix_dynamodb_submit()) with the
 *   protocol's headers and CRC32 checking;
 * - conversion between plain JSON and DynamoDB's typed attribute values
 *   (string → S, number → N, bool → BOOL, array → L, object → M; a null
 *   member of an item is left out);
 * - table creation (on-demand capacity) and waiting for it to be ACTIVE;
 * - a parallel segmented Scan (FdnixDynamodbScan: one page per segment in
 *   flight, pages handed out one at a time, so memory is bounded by the
 *   segment count, not the table size);
 * - a BatchWriteItem writer (fdnix_dynamodb_write(): 25 requests per call,
 *   several calls in flight, UnprocessedItems resubmitted with back-off),
 *   which can find by itself how many calls in flight the table takes.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "aws/fdnix-aws-client.h"

G_BEGIN_DECLS

#define FDNIX_DYNAMODB_BATCH_MAX 25
#define FDNIX_DYNAMODB_ITEM_MAX  (400 * 1024)

/* --- calls */
gboolean fdnix_dynamodb_call          (FdnixAwsClient     *client,
                                       const gchar        *operation,
                                       const gchar        *body,
                                       const gchar *const *accept_errors,
                                       JsonNode          **out_result,
                                       gchar             **out_error_code,
                                       GError            **error);
void     fdnix_dynamodb_submit        (FdnixAwsClient     *client,
                                       const gchar        *operation,
                                       GBytes             *body,
                                       const gchar *const *accept_errors,
                                       FdnixAwsDoneFunc    done,
                                       gpointer            user_data);
JsonNode *fdnix_dynamodb_parse_response (FdnixAwsResponse *response,
                                       const gchar        *operation,
                                       GError            **error);

/* --- attribute values */
void      fdnix_dynamodb_append_item  (GString            *out,
                                       JsonObject         *object);
gboolean  fdnix_dynamodb_append_item_from_json (GString   *out,
                                       const gchar        *json,
                                       gssize              length,
                                       GError            **error);
JsonNode *fdnix_dynamodb_value_to_json (JsonNode          *value);
JsonObject *fdnix_dynamodb_item_to_object (JsonObject     *item);
void      fdnix_dynamodb_append_key   (GString            *out,
                                       const gchar        *hash_name,
                                       const gchar        *hash_value,
                                       const gchar        *range_name,
                                       const gchar        *range_value);

/* --- tables */
gboolean fdnix_dynamodb_describe_table (FdnixAwsClient    *client,
                                       const gchar        *table,
                                       JsonObject        **out_table,
                                       GError            **error);
gboolean fdnix_dynamodb_create_table  (FdnixAwsClient     *client,
                                       const gchar        *table,
                                       const gchar        *hash_key,
                                       const gchar        *range_key,
                                       guint               timeout_s,
                                       GError            **error);

/* --- parallel scan */
typedef struct {
  const gchar *table;
  guint        segments;
  const gchar *projection;        /* (nullable) ProjectionExpression */
  const gchar *filter;            /* (nullable) FilterExpression */
  const gchar *names_json;        /* (nullable) ExpressionAttributeNames object */
  const gchar *values_json;       /* (nullable) ExpressionAttributeValues object */
  gboolean     count_only;        /* Select COUNT */
  guint        limit;             /* items per page, 0: DynamoDB's 1 MB pages */
} FdnixDynamodbScanOptions;

/* Called with each page's Items (array of item objects) and its Count;
 * return FALSE with @error set to stop the scan. */
typedef gboolean (*FdnixDynamodbPageFunc) (JsonArray *items,
                                           guint64    count,
                                           gpointer   user_data,
                                           GError   **error);

gboolean fdnix_dynamodb_scan          (FdnixAwsClient                 *client,
                                       const FdnixDynamodbScanOptions *options,
                                       FdnixDynamodbPageFunc           func,
                                       gpointer                        user_data,
                                       GError                        **error);

/* --- batch writer */

/* Produces the next WriteRequest ({"PutRequest":...} or
 * {"DeleteRequest":...}) as JSON text in *@out_request; *@out_request NULL
 * means no more.  Return FALSE with @error set to stop. */
typedef gboolean (*FdnixDynamodbNextFunc) (gpointer   user_data,
                                           gchar    **out_request,
                                           GError   **error);

typedef struct {
  guint        max_in_flight;  /* BatchWriteItem calls in flight, at most */
  gboolean     adaptive;       /* find the best number up to max_in_flight */
  guint64      total;          /* write requests expected, for progress (0: unknown) */
  const gchar *label;          /* (nullable) progress label; NULL: no progress */
} FdnixDynamodbWriteOptions;

typedef struct {
  guint64 items;          /* write requests applied */
  guint64 calls;          /* BatchWriteItem calls that succeeded */
  guint64 unprocessed;    /* write requests resubmitted as UnprocessedItems */
  gdouble in_flight;      /* calls in flight at the end (adaptive: where it settled) */
} FdnixDynamodbWriteStats;

gboolean fdnix_dynamodb_write         (FdnixAwsClient                  *client,
                                       const gchar                     *table,
                                       const FdnixDynamodbWriteOptions *options,
                                       FdnixDynamodbNextFunc            next,
                                       gpointer                         user_data,
                                       FdnixDynamodbWriteStats         *out_stats,
                                       GError                         **error);

G_END_DECLS
