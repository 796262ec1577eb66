/* fdnix-dynamodb-store-embed.c: the DynamoDB store's side for fdnix-embed:
 * scans with server-side filters, and conditional embedding marks. */
#include "config.h"

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "store/fdnix-dynamodb-item.h"
#include "store/fdnix-dynamodb-store-private.h"

/* --------------------------------------------------------------- scan */

typedef struct {
  const FdnixScanOptions *options;
  FdnixRecordFunc         func;
  gpointer                user_data;
} ScanState;

static gboolean
scan_page (JsonArray *items, guint64 count, gpointer user_data, GError **error)
{
  ScanState *scan = user_data;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autoptr(FdnixRecord) record =
        fdnix_dynamodb_item_to_record (json_array_get_object_element (items, i), error);

      if (record == NULL)
        return FALSE;
      if (fdnix_scan_options_match (scan->options, record) &&
          !scan->func (record, scan->user_data, error))
        return FALSE;
    }
  return TRUE;
}

/* The filter runs server-side to save bandwidth; fdnix_scan_options_match()
 * still decides, and alone handles shards (a hash DynamoDB cannot
 * compute). */
/**
 * fdnix_dynamodb_store_scan:
 * @store: a DynamoDB store
 * @options: filter and shard
 * @func: called per matching record, outside the HTTP callbacks (it may
 *   call fdnix_store_set_embeddings() on the same store)
 * @user_data: passed to @func
 * @error: return location for an error
 *
 * The store's scan: parallel segments, paged, one page per segment at a
 * time.
 *
 * Returns: FALSE when a call failed or @func stopped the scan.
 */
gboolean
fdnix_dynamodb_store_scan (FdnixStore *store, const FdnixScanOptions *options, FdnixRecordFunc func,
                           gpointer user_data, GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);
  FdnixDynamodbScanOptions scan = { 0 };
  ScanState state = { options, func, user_data };
  g_autoptr(GString) values = g_string_new ("{");

  scan.table = self->table;
  scan.segments = self->segments;
  scan.limit = self->scan_limit;
  if (options->model != NULL && options->filter != FDNIX_SCAN_ALL)
    {
      g_string_append (values, "\":m\":{\"S\":");
      fdnix_json_append_string (values, options->model);
      g_string_append (values, "},\":t\":{\"BOOL\":true}}");
      scan.names_json = "{\"#he\":\"hasEmbedding\",\"#em\":\"embeddingModel\"}";
      scan.values_json = values->str;
      scan.filter = options->filter == FDNIX_SCAN_NEEDS_EMBEDDING
                      ? "attribute_not_exists(#he) OR #he <> :t OR attribute_not_exists(#em) OR #em <> :m"
                      : "#he = :t AND #em = :m";
    }
  if (!fdnix_dynamodb_scan (self->client, &scan, scan_page, &state, error))
    {
      g_prefix_error (error, "scanning DynamoDB table %s: ", self->table);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------- set_embeddings */

typedef struct {
  FdnixDynamodbStore *self;
  GPtrArray          *updates;
  guint               next;
  guint               in_flight;
  guint64             applied;
  gboolean            wake;
  GError             *error;
} Marks;

static void submit_marks (Marks *marks);

static void
on_mark_done (FdnixAwsClient *client, FdnixAwsResponse *response, const GError *error,
              gpointer user_data)
{
  Marks *marks = user_data;

  marks->in_flight--;
  marks->wake = TRUE;
  if (error != NULL && marks->error == NULL)
    marks->error = g_error_copy (error);
  if (response != NULL && response->error_code == NULL)
    marks->applied++;
  fdnix_aws_response_free (response);
  submit_marks (marks);
}

static void
submit_marks (Marks *marks)
{
  static const gchar *const accept[] = { "ConditionalCheckFailedException", NULL };

  while (marks->error == NULL && marks->in_flight < marks->self->concurrency &&
         marks->next < marks->updates->len)
    {
      g_autoptr(GBytes) body = fdnix_dynamodb_item_embedding_update (marks->self->table,
                                                                   marks->updates->pdata[marks->next++]);
      marks->in_flight++;
      fdnix_dynamodb_submit (marks->self->client, "UpdateItem", body, accept, on_mark_done, marks);
    }
}

/**
 * fdnix_dynamodb_store_set_embeddings:
 * @store: a DynamoDB store
 * @updates: (element-type FdnixEmbeddingUpdate): the notes to record
 * @out_applied: (out): how many items were marked
 * @error: return location for an error
 *
 * One conditional UpdateItem per note, several in flight; a note whose
 * record changed its text since is not applied (not an error).
 *
 * Returns: FALSE when a call failed.
 */
gboolean
fdnix_dynamodb_store_set_embeddings (FdnixStore *store, GPtrArray *updates, guint64 *out_applied,
                                     GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);
  Marks marks = { self, updates, 0, 0, 0, FALSE, NULL };

  submit_marks (&marks);
  while (marks.in_flight > 0)
    {
      g_autoptr(GError) run_error = NULL;

      marks.wake = FALSE;
      if (!fdnix_aws_client_run (self->client, &marks.wake, &run_error) && marks.error == NULL)
        marks.error = g_steal_pointer (&run_error);
    }
  if (marks.error != NULL)
    {
      g_propagate_prefixed_error (error, marks.error, "DynamoDB table %s: ", self->table);
      return FALSE;
    }
  *out_applied = marks.applied;
  return TRUE;
}

