/* fdnix-dynamodb-io.c: parallel segmented Scan and the BatchWriteItem
 * writer, both keeping several calls in flight on one client. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-progress.h"
#include "core/fdnix-summary.h"

/* ------------------------------------------------------------------ scan */

typedef struct _ScanState ScanState;

typedef struct {
  ScanState *state;
  guint      index;
  gchar     *start_key;   /* LastEvaluatedKey of the previous page, as JSON */
  gboolean   finished;
  gboolean   in_flight;
  JsonNode  *page;        /* a response waiting to be handed out */
} Segment;

struct _ScanState {
  FdnixAwsClient                 *client;
  const FdnixDynamodbScanOptions *options;
  Segment                        *segments;
  guint                           n_segments;
  guint                           in_flight;
  guint                           ready;
  gboolean                        wake;
  GError                         *error;
};

static void
on_page (FdnixAwsClient *client, FdnixAwsResponse *response, const GError *error, gpointer user_data)
{
  Segment *seg = user_data;
  ScanState *state = seg->state;
  g_autoptr(FdnixAwsResponse) owned = response;

  seg->in_flight = FALSE;
  state->in_flight--;
  state->wake = TRUE;
  if (error != NULL)
    {
      if (state->error == NULL)
        state->error = g_error_copy (error);
      return;
    }
  seg->page = fdnix_dynamodb_parse_response (response, "Scan", state->error == NULL ? &state->error : NULL);
  if (seg->page != NULL)
    state->ready++;
}

static void
submit_page (ScanState *state, Segment *seg)
{
  const FdnixDynamodbScanOptions *o = state->options;
  g_autoptr(GString) body = g_string_new ("{");
  g_autoptr(GBytes) bytes = NULL;

  fdnix_json_member_string (body, "TableName", o->table);
  if (state->n_segments > 1)
    {
      fdnix_json_member_int (body, "Segment", seg->index);
      fdnix_json_member_int (body, "TotalSegments", state->n_segments);
    }
  if (o->count_only)
    fdnix_json_member_string (body, "Select", "COUNT");
  else if (o->projection != NULL)
    fdnix_json_member_string (body, "ProjectionExpression", o->projection);
  if (o->filter != NULL)
    fdnix_json_member_string (body, "FilterExpression", o->filter);
  if (o->names_json != NULL)
    {
      fdnix_json_member (body, "ExpressionAttributeNames");
      g_string_append (body, o->names_json);
    }
  if (o->values_json != NULL)
    {
      fdnix_json_member (body, "ExpressionAttributeValues");
      g_string_append (body, o->values_json);
    }
  if (o->limit > 0)
    fdnix_json_member_int (body, "Limit", o->limit);
  if (seg->start_key != NULL)
    {
      fdnix_json_member (body, "ExclusiveStartKey");
      g_string_append (body, seg->start_key);
    }
  g_string_append_c (body, '}');
  bytes = g_bytes_new (body->str, body->len);
  seg->in_flight = TRUE;
  state->in_flight++;
  fdnix_dynamodb_submit (state->client, "Scan", bytes, NULL, on_page, seg);
}

static void
hand_out (ScanState *state, Segment *seg, FdnixDynamodbPageFunc func, gpointer user_data)
{
  g_autoptr(JsonNode) page = g_steal_pointer (&seg->page);
  JsonObject *root = json_node_get_object (page);
  JsonNode *last = json_object_get_member (root, "LastEvaluatedKey");
  JsonNode *items = json_object_get_member (root, "Items");
  g_autoptr(JsonArray) empty = json_array_new ();
  guint64 count = (guint64) json_object_get_int_member_with_default (root, "Count", 0);

  state->ready--;
  if (last != NULL && JSON_NODE_HOLDS_OBJECT (last))
    {
      g_autofree gchar *next = json_to_string (last, FALSE);
      /* a server that hands back the key it was given would page forever */
      if (g_strcmp0 (next, seg->start_key) == 0 && state->error == NULL)
        g_set_error (&state->error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                     "DynamoDB Scan: segment %u returned its start key as LastEvaluatedKey", seg->index);
      g_free (seg->start_key);
      seg->start_key = g_steal_pointer (&next);
      if (state->error != NULL)
        seg->finished = TRUE;
    }
  else
    {
      g_clear_pointer (&seg->start_key, g_free);
      seg->finished = TRUE;
    }
  if (state->error != NULL)
    return;
  if (!func (items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : empty,
             count, user_data, &state->error) && state->error == NULL)
    g_set_error_literal (&state->error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "scan stopped");
}

/**
 * fdnix_dynamodb_scan:
 * @client: a DynamoDB client
 * @options: table, segments, expressions
 * @func: called with each page, outside the HTTP callbacks (it may itself
 *   make calls on @client)
 * @user_data: passed to @func
 * @error: return location for an error
 *
 * Scans the table in options->segments parallel segments, each paged, with
 * at most one page per segment in flight or waiting.
 *
 * Returns: FALSE when a call failed or @func stopped the scan.
 */
gboolean
fdnix_dynamodb_scan (FdnixAwsClient *client, const FdnixDynamodbScanOptions *options,
                     FdnixDynamodbPageFunc func, gpointer user_data, GError **error)
{
  ScanState state = { 0 };

  state.client = client;
  state.options = options;
  state.n_segments = MAX (options->segments, 1);
  state.segments = g_new0 (Segment, state.n_segments);
  for (guint i = 0; i < state.n_segments; i++)
    {
      state.segments[i].state = &state;
      state.segments[i].index = i;
    }
  for (;;)
    {
      g_autoptr(GError) run_error = NULL;

      for (guint i = 0; state.error == NULL && i < state.n_segments; i++)
        {
          Segment *seg = &state.segments[i];
          if (!seg->finished && !seg->in_flight && seg->page == NULL)
            submit_page (&state, seg);
        }
      if (state.ready == 0 && state.in_flight == 0)
        break;
      if (state.ready == 0)
        {
          state.wake = FALSE;
          if (!fdnix_aws_client_run (client, &state.wake, &run_error) && state.error == NULL)
            state.error = g_steal_pointer (&run_error);
        }
      for (guint i = 0; i < state.n_segments; i++)
        if (state.segments[i].page != NULL)
          hand_out (&state, &state.segments[i], func, user_data);
    }
  for (guint i = 0; i < state.n_segments; i++)
    g_free (state.segments[i].start_key);
  g_free (state.segments);
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- writer */

typedef struct _Writer Writer;

typedef struct {
  Writer    *writer;
  GPtrArray *requests;   /* WriteRequest JSON texts */
  guint      round;      /* 0 fresh; n: n-th resubmission of leftovers */
  gint64     sent_us;    /* monotonic time the call was submitted */
  gboolean   alone;      /* nothing else was in flight: its round trip is
                          * the service time */
} Batch;

/* The adaptive window follows TCP Vegas: from the round trip of a call
 * sent alone (the service time) and the average one, estimate how many
 * calls wait in the server's queue; keep between four and eight waiting.
 * A server that serves calls in parallel (DynamoDB) keeps its round trips
 * flat and the window grows to the maximum; one that serves them in turn
 * (a local emulator, a hot partition) sees round trips grow with the
 * window, which then stays small instead of queueing more work than the
 * server gets through.  After two rounds, then every PROBE_EVERY rounds,
 * the window drops to one call for two calls, to measure the service time
 * afresh (as BBR does).  Two rounds in a row in which most calls were
 * throttled or left items unprocessed shrink the window by a quarter. */
#define VEGAS_ALPHA 4.0
#define VEGAS_BETA  8.0
#define PROBE_EVERY 30
#define PROBE_SAMPLES 2

struct _Writer {
  FdnixAwsClient          *client;
  const gchar             *table;
  guint                    max_in_flight;
  gboolean                 adaptive;
  gdouble                  window;     /* calls allowed in flight now */
  gdouble                  base_rtt;   /* service time; 0: not measured yet */
  gboolean                 probing;
  gdouble                  saved_window;
  gdouble                  probe_min;
  guint                    probe_samples;
  guint                    rounds_since_probe;
  guint                    probes;
  gdouble                  round_rtt_sum;
  guint                    round_rtt_n;
  guint                    round_done;
  guint                    round_congested;
  guint                    congested_rounds;  /* in a row */
  guint                    max_rounds;
  FdnixDynamodbNextFunc    next;
  gpointer                 user_data;
  gboolean                 source_done;
  GQueue                   ready;      /* Batch* due for (re)submission */
  guint                    in_flight;
  guint                    waiting;    /* batches on back-off timers */
  gboolean                 wake;
  GError                  *error;
  FdnixDynamodbWriteStats  stats;
  FdnixProgress           *progress;
  gchar                   *prefix;     /* {"RequestItems":{"<table>":[ */
};

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->requests);
  g_free (batch);
}

static Batch *
batch_new (Writer *w, guint round)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->writer = w;
  batch->requests = g_ptr_array_new_with_free_func (g_free);
  batch->round = round;
  return batch;
}

static void pump (Writer *w);

static void
adapt (Writer *w, gdouble rtt, gboolean congested, gboolean alone)
{
  if (!w->adaptive)
    return;
  if (alone && !congested)
    {
      if (w->probing)
        {
          w->probe_min = MIN (w->probe_min, rtt);
          if (++w->probe_samples >= PROBE_SAMPLES)
            {
              w->base_rtt = w->probe_min;
              w->window = w->saved_window;
              w->probing = FALSE;
              w->rounds_since_probe = 0;
              w->probes++;
            }
          return;
        }
      w->base_rtt = w->base_rtt > 0 ? MIN (w->base_rtt, rtt) : rtt;
    }
  if (w->probing)
    return;
  if (congested)
    w->round_congested++;
  else
    {
      w->round_rtt_sum += rtt;
      w->round_rtt_n++;
    }
  if (++w->round_done < (guint) w->window)
    return;
  /* One decision per window's worth of completions.  A few throttled or
   * partly processed calls are the retries' business; when most calls of
   * two rounds in a row are, the table is at capacity and the window
   * shrinks. */
  if (w->round_congested * 2 > w->round_done)
    {
      if (++w->congested_rounds >= 2)
        {
          w->window = MAX (1.0, w->window * 0.75);
          w->congested_rounds = 0;
        }
    }
  else
    {
      w->congested_rounds = 0;
      if (w->round_rtt_n > 0 && w->base_rtt > 0)
        {
          gdouble average = w->round_rtt_sum / w->round_rtt_n;
          gdouble queued = w->window * (1.0 - w->base_rtt / average);
          if (queued < VEGAS_ALPHA)
            w->window += 1;
          else if (queued > VEGAS_BETA)
            w->window -= 1;
          w->window = CLAMP (w->window, 1.0, (gdouble) w->max_in_flight);
          g_debug ("DynamoDB writer: round trip %.1f ms (alone %.1f ms), %.1f calls queued: %.0f in flight",
                   average * 1000, w->base_rtt * 1000, queued, w->window);
        }
    }
  w->round_done = 0;
  w->round_rtt_sum = 0;
  w->round_rtt_n = 0;
  w->round_congested = 0;
  /* the first probe comes early: the very first call also paid for
   * opening its connection, which is not service time */
  if (++w->rounds_since_probe >= (w->probes == 0 ? 2 : PROBE_EVERY) && w->window > 1)
    {
      w->probing = TRUE;
      w->saved_window = w->window;
      w->window = 1;
      w->probe_min = G_MAXDOUBLE;
      w->probe_samples = 0;
    }
}

static void
fail (Writer *w, GError *error)
{
  if (w->error == NULL)
    w->error = error;
  else
    g_error_free (error);
}

static void
on_resubmit (FdnixHttpClient *http, gpointer user_data)
{
  Batch *batch = user_data;
  Writer *w = batch->writer;

  w->waiting--;
  w->wake = TRUE;
  g_queue_push_head (&w->ready, batch);
  pump (w);
}

static void
on_batch_done (FdnixAwsClient *client, FdnixAwsResponse *response, const GError *error,
               gpointer user_data)
{
  Batch *batch = user_data;
  Writer *w = batch->writer;
  g_autoptr(FdnixAwsResponse) owned = response;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *leftover = NULL;
  guint n_left = 0;

  w->in_flight--;
  w->wake = TRUE;
  if (error != NULL)
    {
      fail (w, g_error_copy (error));
      batch_free (batch);
      return;
    }
  root = fdnix_dynamodb_parse_response (response, "BatchWriteItem", &parse_error);
  if (root == NULL)
    {
      fail (w, g_steal_pointer (&parse_error));
      batch_free (batch);
      return;
    }
  {
    JsonObject *o = json_node_get_object (root);
    JsonNode *unprocessed = json_object_get_member (o, "UnprocessedItems");
    if (unprocessed != NULL && JSON_NODE_HOLDS_OBJECT (unprocessed))
      leftover = json_object_get_member (json_node_get_object (unprocessed), w->table);
    if (leftover != NULL && JSON_NODE_HOLDS_ARRAY (leftover))
      n_left = json_array_get_length (json_node_get_array (leftover));
  }
  w->stats.calls++;
  w->stats.items += batch->requests->len - MIN (n_left, batch->requests->len);
  adapt (w, (g_get_monotonic_time () - batch->sent_us) / (gdouble) G_USEC_PER_SEC,
         response->attempts > 1 || n_left > 0, batch->alone);
  if (w->progress != NULL)
    fdnix_progress_update (w->progress, w->stats.items, w->stats.items);
  if (n_left > 0)
    {
      JsonArray *array = json_node_get_array (leftover);
      Batch *again = batch_new (w, batch->round + 1);
      guint delay_ms;

      if (again->round >= w->max_rounds)
        {
          fail (w, g_error_new (FDNIX_ERROR, FDNIX_ERROR_THROTTLED,
                                "DynamoDB BatchWriteItem: %u write requests still unprocessed after "
                                "%u resubmissions (the table keeps throttling)", n_left, batch->round));
          batch_free (again);
          batch_free (batch);
          return;
        }
      for (guint i = 0; i < n_left; i++)
        g_ptr_array_add (again->requests, json_to_string (json_array_get_element (array, i), FALSE));
      w->stats.unprocessed += n_left;
      fdnix_count ("dynamodb.unprocessed_items", n_left);
      /* leftovers mean the table is at capacity: back off like throttling */
      delay_ms = fdnix_retry_policy_compute_delay (fdnix_aws_client_get_retry (w->client), again->round,
                                                   TRUE, -1);
      g_info ("DynamoDB BatchWriteItem: %u of %u write requests unprocessed; resubmitting in %u ms",
              n_left, batch->requests->len, delay_ms);
      w->waiting++;
      fdnix_http_client_add_timer (fdnix_aws_client_get_http (w->client), delay_ms, on_resubmit, again);
    }
  batch_free (batch);
  pump (w);
}

static void
submit_batch (Writer *w, Batch *batch)
{
  g_autoptr(GString) body = g_string_new (w->prefix);
  g_autoptr(GBytes) bytes = NULL;

  for (guint i = 0; i < batch->requests->len; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, batch->requests->pdata[i]);
    }
  g_string_append (body, "]}}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  batch->sent_us = g_get_monotonic_time ();
  batch->alone = w->in_flight == 0;
  w->in_flight++;
  fdnix_dynamodb_submit (w->client, "BatchWriteItem", bytes, NULL, on_batch_done, batch);
}

static Batch *
fresh_batch (Writer *w)
{
  Batch *batch;

  if (w->source_done)
    return NULL;
  batch = batch_new (w, 0);
  while (batch->requests->len < FDNIX_DYNAMODB_BATCH_MAX)
    {
      gchar *request = NULL;
      GError *error = NULL;

      if (!w->next (w->user_data, &request, &error))
        {
          fail (w, error);
          w->source_done = TRUE;
          break;
        }
      if (request == NULL)
        {
          w->source_done = TRUE;
          break;
        }
      g_ptr_array_add (batch->requests, request);
    }
  if (batch->requests->len == 0 || w->error != NULL)
    {
      batch_free (batch);
      return NULL;
    }
  return batch;
}

static void
pump (Writer *w)
{
  while (w->error == NULL && w->in_flight < (guint) w->window)
    {
      Batch *batch = g_queue_pop_head (&w->ready);

      if (batch == NULL)
        batch = fresh_batch (w);
      if (batch == NULL)
        break;
      submit_batch (w, batch);
    }
}

/**
 * fdnix_dynamodb_write:
 * @client: a DynamoDB client
 * @table: the table
 * @options: calls in flight, progress
 * @next: produces the write requests, in order
 * @user_data: passed to @next
 * @out_stats: (out caller-allocates) (optional): what was done
 * @error: return location for an error
 *
 * Streams every write request @next produces into BatchWriteItem calls of
 * up to 25, keeping calls in flight (options->max_in_flight, or with
 * options->adaptive as many as the server takes, up to that; see adapt()).
 * Requests left in
 * UnprocessedItems are resubmitted after a throttling back-off, at most
 * retry.max-attempts times.  On the first failure no new call starts; the
 * ones in flight finish, then the error is returned.  The caller must not
 * produce the same key twice (DynamoDB refuses duplicates in one call).
 *
 * Returns: FALSE when a call failed, leftovers stayed unprocessed, or
 *   @next failed.
 */
gboolean
fdnix_dynamodb_write (FdnixAwsClient *client, const gchar *table, const FdnixDynamodbWriteOptions *options,
                      FdnixDynamodbNextFunc next, gpointer user_data, FdnixDynamodbWriteStats *out_stats,
                      GError **error)
{
  Writer w = { 0 };
  g_autoptr(GString) prefix = g_string_new ("{\"RequestItems\":{");
  Batch *batch;

  fdnix_json_append_string (prefix, table);
  g_string_append (prefix, ":[");
  w.client = client;
  w.table = table;
  w.max_in_flight = MAX (options->max_in_flight, 1);
  w.adaptive = options->adaptive;
  /* start at half the default maximum and adjust: a cold table or a
   * local emulator is better served by a few calls than by a burst */
  w.window = w.adaptive ? MIN (8.0, (gdouble) w.max_in_flight) : (gdouble) w.max_in_flight;
  w.max_rounds = fdnix_retry_policy_get_options (fdnix_aws_client_get_retry (client))->max_attempts;
  w.next = next;
  w.user_data = user_data;
  w.prefix = prefix->str;
  g_queue_init (&w.ready);
  if (options->label != NULL)
    w.progress = fdnix_progress_new (options->label, "items", options->total);

  pump (&w);
  while (w.in_flight > 0 || w.waiting > 0 || (w.error == NULL && w.ready.length > 0))
    {
      g_autoptr(GError) run_error = NULL;

      w.wake = FALSE;
      if (!fdnix_aws_client_run (client, &w.wake, &run_error))
        fail (&w, g_steal_pointer (&run_error));
      pump (&w);
    }
  while ((batch = g_queue_pop_head (&w.ready)) != NULL)
    batch_free (batch);
  if (w.progress != NULL)
    {
      if (w.error == NULL)
        fdnix_progress_finish (w.progress);
      fdnix_progress_free (w.progress);
    }
  w.stats.in_flight = w.probing ? w.saved_window : w.window;
  if (out_stats != NULL)
    *out_stats = w.stats;
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }
  return TRUE;
}
