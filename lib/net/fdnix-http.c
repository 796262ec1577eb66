/* fdnix-http.c: the client: transfers, timers and the event loop. */
#include "config.h"

#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "net/fdnix-curl.h"
#include "net/fdnix-http.h"

/* Longest sleep in the loop: a stop signal is noticed within this time
 * even when every transfer is idle. */
#define POLL_CAP_MS 200

/* Error bodies are kept for messages only: what a server says beyond
 * this is cut off, whatever its size (and the transfer ends there). */
#define MAX_ERROR_BODY (64 * 1024)

typedef struct {
  FdnixHttpClient    *client;
  CURL               *easy;
  FdnixHttpRequest   *request;
  FdnixHttpResponse  *response;
  GByteArray         *body;
  FdnixCurlSlist     *headers;
  FdnixHttpDoneFunc   done;
  gpointer            user_data;
  GError             *error;          /* set before curl runs, or by a callback */
  gsize               max_body;
  gboolean            truncated;      /* an error body was cut at MAX_ERROR_BODY */
  gchar               errbuf[CURL_ERROR_SIZE];
} Transfer;

typedef struct {
  gint64             deadline;        /* monotonic µs */
  guint64            seq;             /* FIFO among equal deadlines */
  FdnixHttpTimerFunc func;
  gpointer           user_data;
} Timer;

struct _FdnixHttpClient {
  FdnixHttpOptions options;
  CURLM           *multi;
  GPtrArray       *transfers;         /* running in curl */
  GQueue           finished;          /* Transfer*: completed outside curl */
  GSequence       *timers;            /* Timer*, by deadline */
  guint64          timer_seq;
  guint64          connections;       /* new connections opened */
  gboolean         answered;          /* some server sent an HTTP response */
  gboolean         cancelled;
};

static void
transfer_free (Transfer *t)
{
  if (t->easy != NULL)
    curl_easy_cleanup (t->easy);
  fdnix_http_request_unref (t->request);
  fdnix_http_response_free (t->response);
  if (t->body != NULL)
    g_byte_array_unref (t->body);
  if (t->headers != NULL)
    curl_slist_free_all (t->headers);
  g_clear_error (&t->error);
  g_free (t);
}

static gint
timer_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Timer *ta = a, *tb = b;

  if (ta->deadline != tb->deadline)
    return ta->deadline < tb->deadline ? -1 : 1;
  return ta->seq < tb->seq ? -1 : ta->seq > tb->seq;
}

/**
 * fdnix_http_client_new:
 * @options: (nullable): settings, copied; NULL for the defaults
 *
 * Returns: (transfer full): a client with an empty connection pool.
 */
FdnixHttpClient *
fdnix_http_client_new (const FdnixHttpOptions *options)
{
  FdnixHttpClient *self = g_new0 (FdnixHttpClient, 1);

  fdnix_curl_global_init ();
  fdnix_http_options_init (&self->options);
  if (options != NULL)
    {
      fdnix_http_options_clear (&self->options);
      self->options = *options;
      self->options.ca_file = g_strdup (options->ca_file);
      self->options.user_agent = g_strdup (options->user_agent);
    }
  if (self->options.max_connections == 0)
    self->options.max_connections = 1;
  if (self->options.max_body == 0)
    self->options.max_body = 256 * 1024 * 1024;
  self->multi = curl_multi_init ();
  if (self->multi == NULL)
    g_error ("libcurl cannot create a multi handle");
  curl_multi_setopt (self->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) self->options.max_connections);
  curl_multi_setopt (self->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long) self->options.max_connections);
  curl_multi_setopt (self->multi, CURLMOPT_MAXCONNECTS, (long) self->options.max_connections);
  self->transfers = g_ptr_array_new ();
  g_queue_init (&self->finished);
  self->timers = g_sequence_new (g_free);
  return self;
}

/**
 * fdnix_http_client_free:
 * @self: (transfer full) (nullable): a client
 *
 * Aborts transfers still running (their callbacks are not called) and
 * closes the connections.
 */
void
fdnix_http_client_free (FdnixHttpClient *self)
{
  Transfer *t;

  if (self == NULL)
    return;
  for (guint i = 0; i < self->transfers->len; i++)
    {
      t = self->transfers->pdata[i];
      curl_multi_remove_handle (self->multi, t->easy);
      transfer_free (t);
    }
  while ((t = g_queue_pop_head (&self->finished)) != NULL)
    transfer_free (t);
  g_ptr_array_unref (self->transfers);
  g_sequence_free (self->timers);
  curl_multi_cleanup (self->multi);
  fdnix_http_options_clear (&self->options);
  g_free (self);
}

/**
 * fdnix_http_client_get_options:
 * @self: a client
 *
 * Returns: (transfer none): the settings it was made with, to make
 *   another like it
 */
const FdnixHttpOptions *
fdnix_http_client_get_options (FdnixHttpClient *self)
{
  return &self->options;
}

static size_t
on_header (char *data, size_t size, size_t nitems, void *user_data)
{
  Transfer *t = user_data;
  gsize length = size * nitems;
  g_autofree gchar *line = g_strndup (data, length);
  gchar *colon;

  g_strchomp (line);
  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* A new response (after 100 Continue or a redirect): start afresh. */
      g_ptr_array_set_size (t->response->headers, 0);
      return length;
    }
  colon = strchr (line, ':');
  if (colon != NULL && colon != line)
    {
      g_autofree gchar *name = NULL;
      *colon = '\0';
      name = g_ascii_strdown (line, -1);
      g_ptr_array_add (t->response->headers, fdnix_http_header_new (name, g_strstrip (colon + 1)));
    }
  return length;
}

static gboolean
status_is_success (Transfer *t)
{
  long status = 0;

  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status <= 299;
}

/* Bodies are bounded while they arrive, never after: a 2xx body by the
 * request's max-body (an error), an error body by MAX_ERROR_BODY (kept,
 * truncated: the status and the start of the message are what matter). */
static size_t
on_write (char *data, size_t size, size_t nmemb, void *user_data)
{
  Transfer *t = user_data;
  gsize length = size * nmemb;

  t->response->body_length += length;
  if (!status_is_success (t))
    {
      gsize room = t->body->len < MAX_ERROR_BODY ? MAX_ERROR_BODY - t->body->len : 0;

      g_byte_array_append (t->body, (const guint8 *) data, MIN (room, length));
      if (length > room)
        {
          /* Enough of it: stop reading, and finish with what we have. */
          t->truncated = TRUE;
          return 0;
        }
      return length;
    }
  if (t->request->write_func != NULL)
    {
      if (!t->request->write_func ((const guint8 *) data, length, t->request->write_data, &t->error))
        {
          if (t->error == NULL)
            g_set_error_literal (&t->error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                                 "response consumer failed");
          return 0;
        }
      t->request->delivered += length;
      return length;
    }
  if (t->body->len + length > t->max_body)
    {
      g_set_error (&t->error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "response body larger than %" G_GSIZE_FORMAT " bytes, more than a valid "
                   "answer can hold", t->max_body);
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *) data, length);
  return length;
}

static gboolean
setup_easy (FdnixHttpClient *self, Transfer *t, GError **error)
{
  FdnixHttpRequest *r = t->request;
  const FdnixHttpOptions *o = &self->options;
  gdouble timeout = r->timeout > 0 ? r->timeout : o->timeout;
  gdouble connect_timeout = r->connect_timeout > 0 ? r->connect_timeout : o->connect_timeout;
  const gchar *ca_file = o->ca_file != NULL ? o->ca_file : fdnix_curl_default_ca_file ();
  gboolean has_content_type = FALSE;
  CURLcode rc = CURLE_OK;

  t->easy = curl_easy_init ();
  if (t->easy == NULL)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "libcurl cannot create a handle");
      return FALSE;
    }
  for (guint i = 0; i < r->headers->len; i++)
    {
      FdnixHttpHeader *h = r->headers->pdata[i];
      g_autofree gchar *line = g_strdup_printf ("%s: %s", h->name, h->value);
      if (strchr (line, '\r') != NULL || strchr (line, '\n') != NULL)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "header %s contains a line break", h->name);
          return FALSE;
        }
      if (g_ascii_strcasecmp (h->name, "Content-Type") == 0)
        has_content_type = TRUE;
      t->headers = curl_slist_append (t->headers, line);
    }
  /* No 100-continue round trip; no form content type invented by curl. */
  t->headers = curl_slist_append (t->headers, "Expect:");
  if (!has_content_type)
    t->headers = curl_slist_append (t->headers, "Content-Type:");

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt (t->easy, opt, val); } while (0)
  SET (CURLOPT_URL, r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
  SET (CURLOPT_PROTOCOLS_STR, "http,https");
#else
  SET (CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  SET (CURLOPT_NOSIGNAL, 1L);
  SET (CURLOPT_ERRORBUFFER, t->errbuf);
  SET (CURLOPT_PRIVATE, t);
  SET (CURLOPT_HTTPHEADER, t->headers);
  SET (CURLOPT_HEADERFUNCTION, on_header);
  SET (CURLOPT_HEADERDATA, t);
  SET (CURLOPT_WRITEFUNCTION, on_write);
  SET (CURLOPT_WRITEDATA, t);
  SET (CURLOPT_SSL_VERIFYPEER, 1L);
  SET (CURLOPT_SSL_VERIFYHOST, 2L);
  SET (CURLOPT_CONNECTTIMEOUT_MS, (long) (connect_timeout * 1000));
  SET (CURLOPT_TIMEOUT_MS, (long) (timeout * 1000));
  SET (CURLOPT_LOW_SPEED_LIMIT, (long) o->low_speed_limit);
  SET (CURLOPT_LOW_SPEED_TIME, (long) o->low_speed_time);
  SET (CURLOPT_TCP_KEEPALIVE, 1L);
  SET (CURLOPT_FOLLOWLOCATION, 0L);
  if (o->user_agent != NULL)
    SET (CURLOPT_USERAGENT, o->user_agent);
  if (ca_file != NULL)
    SET (CURLOPT_CAINFO, ca_file);

  if (g_str_equal (r->method, "GET") && r->body == NULL)
    SET (CURLOPT_HTTPGET, 1L);
  else if (g_str_equal (r->method, "HEAD"))
    SET (CURLOPT_NOBODY, 1L);
  else
    {
      gsize length = 0;
      gconstpointer data = r->body != NULL ? g_bytes_get_data (r->body, &length) : NULL;

      /* POSTFIELDS sends the body from our buffer without a copy; a custom
       * method keeps the body and replaces only the verb. */
      SET (CURLOPT_POST, 1L);
      SET (CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
      SET (CURLOPT_POSTFIELDS, data != NULL ? data : "");
      if (!g_str_equal (r->method, "POST"))
        SET (CURLOPT_CUSTOMREQUEST, r->method);
    }
#undef SET
  if (rc != CURLE_OK)
    {
      g_autofree gchar *what = fdnix_http_request_describe (r);
      fdnix_curl_set_error (error, rc, NULL, what);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_http_client_submit:
 * @self: a client
 * @request: the request (referenced until done)
 * @done: called once, from fdnix_http_client_run(), when the transfer ends
 * @user_data: passed to @done
 *
 * Starts @request.  Never calls @done before returning, even when the
 * request cannot be started: that is reported through @done as well.
 */
void
fdnix_http_client_submit (FdnixHttpClient *self, FdnixHttpRequest *request,
                          FdnixHttpDoneFunc done, gpointer user_data)
{
  Transfer *t = g_new0 (Transfer, 1);
  CURLMcode mrc;

  t->client = self;
  t->request = fdnix_http_request_ref (request);
  t->done = done;
  t->user_data = user_data;
  t->max_body = request->max_body > 0 ? request->max_body : self->options.max_body;
  t->body = g_byte_array_new ();
  t->response = g_new0 (FdnixHttpResponse, 1);
  t->response->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  request->delivered = 0;

  if (self->cancelled)
    {
      g_set_error_literal (&t->error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED, "cancelled");
      g_queue_push_tail (&self->finished, t);
      return;
    }
  if (!setup_easy (self, t, &t->error))
    {
      g_queue_push_tail (&self->finished, t);
      return;
    }
  mrc = curl_multi_add_handle (self->multi, t->easy);
  if (mrc != CURLM_OK)
    {
      g_set_error (&t->error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "libcurl: %s", curl_multi_strerror (mrc));
      g_queue_push_tail (&self->finished, t);
      return;
    }
  g_ptr_array_add (self->transfers, t);
}

/**
 * fdnix_http_client_add_timer:
 * @self: a client
 * @delay_ms: milliseconds from now
 * @func: called once from fdnix_http_client_run() when the delay is over
 * @user_data: passed to @func
 *
 * Schedules work (typically a retry) that runs inside the event loop, so
 * waiting for it does not hold up the transfers in flight.  A pending
 * timer keeps fdnix_http_client_run() running.  After a stop signal,
 * timers fire at once.
 *
 * Returns: an id for fdnix_http_client_remove_timer() (never 0).
 */
guint64
fdnix_http_client_add_timer (FdnixHttpClient *self, guint delay_ms,
                             FdnixHttpTimerFunc func, gpointer user_data)
{
  Timer *timer = g_new0 (Timer, 1);

  timer->deadline = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  timer->seq = ++self->timer_seq;
  timer->func = func;
  timer->user_data = user_data;
  g_sequence_insert_sorted (self->timers, timer, timer_compare, NULL);
  return timer->seq;
}

/**
 * fdnix_http_client_remove_timer:
 * @self: a client
 * @id: what fdnix_http_client_add_timer() returned
 *
 * Drops a timer that has not fired yet (nothing happens if it has).
 */
void
fdnix_http_client_remove_timer (FdnixHttpClient *self, guint64 id)
{
  for (GSequenceIter *it = g_sequence_get_begin_iter (self->timers); !g_sequence_iter_is_end (it);
       it = g_sequence_iter_next (it))
    if (((Timer *) g_sequence_get (it))->seq == id)
      {
        g_sequence_remove (it);
        return;
      }
}

/**
 * fdnix_http_client_get_pending:
 * @self: a client
 *
 * Returns: transfers in flight or awaiting their callback, plus timers.
 */
guint
fdnix_http_client_get_pending (FdnixHttpClient *self)
{
  return self->transfers->len + self->finished.length + g_sequence_get_length (self->timers);
}

/**
 * fdnix_http_client_has_answered:
 * @self: a client
 *
 * Returns: whether any server has sent an HTTP response (of any status)
 *   through @self: until then, failures to connect suggest a wrong URL.
 */
gboolean
fdnix_http_client_has_answered (FdnixHttpClient *self)
{
  return self->answered;
}

/**
 * fdnix_http_client_get_connections:
 * @self: a client
 *
 * Returns: connections opened so far (a measure of connection reuse).
 */
guint64
fdnix_http_client_get_connections (FdnixHttpClient *self)
{
  return self->connections;
}

static void
finish (FdnixHttpClient *self, Transfer *t)
{
  if (t->error == NULL)
    {
      /* A NUL after the last byte lets callers parse text in place. */
      gsize length = t->body->len;
      g_byte_array_append (t->body, (const guint8 *) "", 1);
      t->response->body = g_bytes_new_take (g_byte_array_free (g_steal_pointer (&t->body), FALSE),
                                            length);
      t->done (self, t->request, g_steal_pointer (&t->response), NULL, t->user_data);
    }
  else
    t->done (self, t->request, NULL, t->error, t->user_data);
  transfer_free (t);
}

static void
complete_from_curl (FdnixHttpClient *self, CURL *easy, CURLcode result)
{
  Transfer *t = NULL;
  long status = 0, connects = 0;
  double seconds = 0;
  curl_off_t retry_after = 0;

  curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &t);
  curl_multi_remove_handle (self->multi, easy);
  g_ptr_array_remove_fast (self->transfers, t);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (easy, CURLINFO_NUM_CONNECTS, &connects);
  curl_easy_getinfo (easy, CURLINFO_TOTAL_TIME, &seconds);
  /* delay-seconds or an HTTP-date, turned into seconds from now */
  if (curl_easy_getinfo (easy, CURLINFO_RETRY_AFTER, &retry_after) != CURLE_OK)
    retry_after = 0;
  self->connections += connects;
  t->response->status = status;
  t->response->seconds = seconds;
  t->response->retry_after = MAX (0, (gint64) retry_after);
  if (status > 0)
    self->answered = TRUE;
  if (result == CURLE_WRITE_ERROR && t->truncated && t->error == NULL)
    result = CURLE_OK;  /* an error body cut short on purpose: a complete answer */
  if (result != CURLE_OK && t->error == NULL)
    {
      g_autofree gchar *what = fdnix_http_request_describe (t->request);
      fdnix_curl_set_error (&t->error, result, t->errbuf, what);
    }
  else if (result == CURLE_OK && status == 0 && t->error == NULL)
    {
      g_autofree gchar *what = fdnix_http_request_describe (t->request);
      g_set_error (&t->error, FDNIX_ERROR, FDNIX_ERROR_NETWORK, "%s: no HTTP response", what);
    }
  else if (t->error != NULL && t->error->domain == FDNIX_ERROR &&
           t->error->code == FDNIX_ERROR_INVALID_DATA)
    {
      g_autofree gchar *what = fdnix_http_request_describe (t->request);
      g_prefix_error (&t->error, "%s: ", what);
    }
  finish (self, t);
}

static void
cancel_all (FdnixHttpClient *self)
{
  GSequenceIter *it;

  self->cancelled = TRUE;
  while (self->transfers->len > 0)
    {
      Transfer *t = self->transfers->pdata[0];
      g_ptr_array_remove_index_fast (self->transfers, 0);
      curl_multi_remove_handle (self->multi, t->easy);
      if (t->error == NULL)
        fdnix_cancel_check (&t->error);
      if (t->error == NULL)
        g_set_error_literal (&t->error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED, "cancelled");
      g_queue_push_tail (&self->finished, t);
    }
  /* Timers fire now, so whatever waits on them sees the cancellation. */
  for (it = g_sequence_get_begin_iter (self->timers); !g_sequence_iter_is_end (it);
       it = g_sequence_iter_next (it))
    ((Timer *) g_sequence_get (it))->deadline = 0;
}

static gint64
run_due_timers (FdnixHttpClient *self)
{
  gint64 now = g_get_monotonic_time ();

  while (g_sequence_get_length (self->timers) > 0)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->timers);
      Timer *timer = g_sequence_get (first);
      FdnixHttpTimerFunc func;
      gpointer data;

      if (timer->deadline > now)
        return timer->deadline - now;
      func = timer->func;
      data = timer->user_data;
      g_sequence_remove (first);
      func (self, data);
    }
  return -1;
}

/**
 * fdnix_http_client_run:
 * @self: a client
 * @stop: (nullable): return as soon as this becomes TRUE
 * @error: return location for an error
 *
 * Drives transfers and timers, calling completion callbacks as transfers
 * end, until nothing is pending (or *@stop).  Callbacks may submit more
 * requests and add timers, and may call fdnix_http_client_send() (which
 * runs this loop recursively until its own request is done).
 *
 * On SIGINT/SIGTERM every transfer ends with FDNIX_ERROR_CANCELLED through
 * its callback, timers fire, and the loop returns FALSE.
 *
 * Returns: FALSE only when interrupted or when curl itself fails.
 */
gboolean
fdnix_http_client_run (FdnixHttpClient *self, const gboolean *stop, GError **error)
{
  while (stop == NULL || !*stop)
    {
      Transfer *t;
      CURLMsg *msg;
      CURLMcode mrc;
      int running = 0, left = 0, numfds = 0;
      long curl_timeout = -1;
      gint64 timer_wait;
      long wait_ms;

      if (!self->cancelled && fdnix_cancel_requested ())
        cancel_all (self);
      if ((t = g_queue_pop_head (&self->finished)) != NULL)
        {
          finish (self, t);
          continue;
        }
      timer_wait = run_due_timers (self);
      if (stop != NULL && *stop)
        break;
      if (self->finished.length > 0)
        continue;
      if (self->transfers->len == 0 && g_sequence_get_length (self->timers) == 0)
        break;

      mrc = curl_multi_perform (self->multi, &running);
      if (mrc != CURLM_OK)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "libcurl: %s", curl_multi_strerror (mrc));
          return FALSE;
        }
      while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE)
          complete_from_curl (self, msg->easy_handle, msg->data.result);
      if (self->finished.length > 0 || self->transfers->len == 0)
        {
          /* only timers are left (back-off): a stop signal ends the wait,
           * unless it has been seen already (the wait would not wait) */
          if (self->transfers->len == 0 && self->finished.length == 0 && timer_wait > 0)
            {
              if (self->cancelled)
                g_usleep (MIN (timer_wait, POLL_CAP_MS * 1000));
              else
                fdnix_cancel_sleep ((guint) MIN ((timer_wait + 999) / 1000, POLL_CAP_MS), NULL);
            }
          continue;
        }

      curl_multi_timeout (self->multi, &curl_timeout);
      wait_ms = curl_timeout < 0 ? POLL_CAP_MS : MIN (curl_timeout, POLL_CAP_MS);
      if (timer_wait >= 0)
        wait_ms = MIN (wait_ms, (long) ((timer_wait + 999) / 1000));
      if (wait_ms > 0)
        {
          mrc = curl_multi_poll (self->multi, NULL, 0, (int) wait_ms, &numfds);
          if (mrc != CURLM_OK)
            {
              g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "libcurl: %s",
                           curl_multi_strerror (mrc));
              return FALSE;
            }
        }
    }
  if (self->cancelled && fdnix_http_client_get_pending (self) == 0)
    return fdnix_cancel_check (error);
  return TRUE;
}

typedef struct {
  gboolean           done;
  FdnixHttpResponse *response;
  GError            *error;
} SendState;

static void
on_send_done (FdnixHttpClient *client, FdnixHttpRequest *request, FdnixHttpResponse *response,
              const GError *error, gpointer user_data)
{
  SendState *state = user_data;

  state->done = TRUE;
  state->response = response;
  if (error != NULL)
    state->error = g_error_copy (error);
}

/**
 * fdnix_http_client_send:
 * @self: a client
 * @request: the request
 * @out_response: (out) (transfer full): the response, whatever its status
 * @error: return location for a transport error
 *
 * Sends @request and waits for it (other transfers of @self progress
 * meanwhile).  A non-2xx status is not an error here; see
 * fdnix_http_response_check().
 *
 * Returns: FALSE when no response was received.
 */
gboolean
fdnix_http_client_send (FdnixHttpClient *self, FdnixHttpRequest *request,
                        FdnixHttpResponse **out_response, GError **error)
{
  SendState state = { 0 };
  g_autoptr(GError) run_error = NULL;

  fdnix_http_client_submit (self, request, on_send_done, &state);
  if (!fdnix_http_client_run (self, &state.done, &run_error) && !state.done)
    {
      g_propagate_error (error, g_steal_pointer (&run_error));
      return FALSE;
    }
  if (!state.done)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "transfer did not finish");
      return FALSE;
    }
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  *out_response = state.response;
  return TRUE;
}
