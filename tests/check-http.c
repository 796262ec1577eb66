/* check-http: the curl multi client against a scripted local server. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "net/fdnix-curl.h"
#include "net/fdnix-http.h"
#include "fdnix-test-httpd.h"
#include "fdnix-test.h"

static FdnixHttpRequest *
request_for (FdnixTestHttpd *server, const gchar *method, const gchar *path)
{
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), path, NULL);

  return fdnix_http_request_new (method, url);
}

/* A GET returns status, headers and body; the server saw our headers. */
START_TEST (test_http_get)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/thing?x=1");
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  FdnixTestReply reply = { 200, "X-Answer: forty two\r\n", "hello", 0, FALSE, 0 };
  FdnixTestRequest *seen;
  gsize length;

  fdnix_test_httpd_push (server, &reply);
  fdnix_http_request_add_header (request, "X-Test", "yes");
  ck_assert_msg (fdnix_http_client_send (client, request, &response, &error), "%s",
                 error ? error->message : "");
  ck_assert_uint_eq (response->status, 200);
  ck_assert_str_eq (fdnix_http_response_get_header (response, "X-ANSWER"), "forty two");
  ck_assert_str_eq (fdnix_http_response_get_text (response, &length), "hello");
  ck_assert_uint_eq (length, 5);
  seen = fdnix_test_httpd_get_request (server, 0);
  ck_assert_str_eq (seen->method, "GET");
  ck_assert_str_eq (seen->path, "/thing?x=1");
  ck_assert_str_eq (g_hash_table_lookup (seen->headers, "x-test"), "yes");
}
END_TEST

/* Bodies go out as given; curl adds no Expect or form content type. */
START_TEST (test_http_put_body)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(FdnixHttpRequest) put = request_for (server, "PUT", "/obj");
  g_autoptr(FdnixHttpRequest) empty = request_for (server, "PUT", "/token");
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(FdnixHttpResponse) response2 = NULL;
  g_autoptr(GError) error = NULL;
  FdnixTestRequest *seen;

  fdnix_http_request_set_body_text (put, NULL, "payload bytes", -1);
  ck_assert (fdnix_http_client_send (client, put, &response, &error));
  seen = fdnix_test_httpd_get_request (server, 0);
  ck_assert_str_eq (seen->method, "PUT");
  ck_assert_str_eq (g_bytes_get_data (seen->body, NULL), "payload bytes");
  ck_assert_ptr_null (g_hash_table_lookup (seen->headers, "content-type"));
  ck_assert_ptr_null (g_hash_table_lookup (seen->headers, "expect"));

  ck_assert (fdnix_http_client_send (client, empty, &response2, &error));
  seen = fdnix_test_httpd_get_request (server, 1);
  ck_assert_str_eq (seen->method, "PUT");
  ck_assert_str_eq (g_hash_table_lookup (seen->headers, "content-length"), "0");
}
END_TEST

/* Sequential requests share one kept-alive connection. */
START_TEST (test_http_connection_reuse)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(FdnixHttpRequest) request = request_for (server, "POST", "/");
      g_autoptr(FdnixHttpResponse) response = NULL;
      fdnix_http_request_set_body_text (request, "application/json", "{}", -1);
      ck_assert (fdnix_http_client_send (client, request, &response, NULL));
      ck_assert_uint_eq (response->status, 200);
    }
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 20);
  ck_assert_uint_eq (fdnix_test_httpd_get_n_connections (server), 1);
  ck_assert_uint_eq (fdnix_http_client_get_connections (client), 1);
}
END_TEST

typedef struct {
  guint done;
  guint ok;
  guint submitted;
  guint total;
} Flight;

static void
on_flight_done (FdnixHttpClient *client, FdnixHttpRequest *request, FdnixHttpResponse *response,
                const GError *error, gpointer user_data)
{
  Flight *f = user_data;

  f->done++;
  if (response != NULL && response->status == 200)
    f->ok++;
  fdnix_http_response_free (response);
  /* keep the pipeline full from the callback, as the batch writer does */
  if (f->submitted < f->total)
    {
      g_autoptr(FdnixHttpRequest) next = fdnix_http_request_new ("GET", request->url);
      f->submitted++;
      fdnix_http_client_submit (client, next, on_flight_done, f);
    }
}

/* Requests really are in flight together, and callbacks can add more. */
START_TEST (test_http_in_flight)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  FdnixHttpOptions options;
  g_autoptr(FdnixHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  FdnixTestReply slow = { 200, NULL, "ok", 150, FALSE, 0 };
  Flight f = { 0, 0, 0, 24 };

  fdnix_http_options_init (&options);
  options.max_connections = 6;
  client = fdnix_http_client_new (&options);
  fdnix_http_options_clear (&options);
  for (guint i = 0; i < f.total; i++)
    fdnix_test_httpd_push (server, &slow);
  for (; f.submitted < 6; f.submitted++)
    {
      g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/slow");
      fdnix_http_client_submit (client, request, on_flight_done, &f);
    }
  ck_assert (fdnix_http_client_run (client, NULL, &error));
  ck_assert_uint_eq (f.done, 24);
  ck_assert_uint_eq (f.ok, 24);
  ck_assert_uint_ge (fdnix_test_httpd_get_max_concurrent (server), 4);
  ck_assert_uint_le (fdnix_test_httpd_get_n_connections (server), 6);
  ck_assert_uint_eq (fdnix_http_client_get_pending (client), 0);
}
END_TEST

typedef struct {
  GString *data;
  gsize    abort_after;
} Sink;

static gboolean
sink_write (const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  Sink *sink = user_data;

  g_string_append_len (sink->data, (const gchar *) data, length);
  if (sink->abort_after > 0 && sink->data->len >= sink->abort_after)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "decoder says no");
      return FALSE;
    }
  return TRUE;
}

/* A streamed 2xx body reaches the write function, not the response;
 * the function can abort with its own error; error bodies are collected. */
START_TEST (test_http_streaming)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixTestReply big = { 200, NULL, "0123456789abcdef", 0, FALSE, 65536 };
  FdnixTestReply missing = { 404, NULL, "no such object", 0, FALSE, 0 };
  Sink sink = { g_string_new (NULL), 0 };
  Sink aborting = { g_string_new (NULL), 100000 };
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_push (server, &big);
  fdnix_test_httpd_push (server, &big);
  fdnix_test_httpd_push (server, &missing);
  {
    g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/big");
    g_autoptr(FdnixHttpResponse) response = NULL;
    fdnix_http_request_set_write_func (request, sink_write, &sink);
    ck_assert (fdnix_http_client_send (client, request, &response, &error));
    ck_assert_uint_eq (sink.data->len, 16 * 65536);
    ck_assert_uint_eq (request->delivered, 16 * 65536);
    ck_assert_uint_eq (response->body_length, 16 * 65536);
    ck_assert_uint_eq (g_bytes_get_size (response->body), 0);
  }
  {
    g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/big");
    g_autoptr(FdnixHttpResponse) response = NULL;
    fdnix_http_request_set_write_func (request, sink_write, &aborting);
    ck_assert (!fdnix_http_client_send (client, request, &response, &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
    ck_assert_msg (strstr (error->message, "decoder says no") != NULL, "%s", error->message);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/gone");
    g_autoptr(FdnixHttpResponse) response = NULL;
    g_string_truncate (sink.data, 0);
    fdnix_http_request_set_write_func (request, sink_write, &sink);
    ck_assert (fdnix_http_client_send (client, request, &response, &error));
    ck_assert_uint_eq (response->status, 404);
    ck_assert_uint_eq (sink.data->len, 0);
    ck_assert (!fdnix_http_response_check (response, "GET /gone", &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND));
    ck_assert_msg (strstr (error->message, "no such object") != NULL, "%s", error->message);
  }
  g_string_free (sink.data, TRUE);
  g_string_free (aborting.data, TRUE);
}
END_TEST

static const struct {
  guint          status;
  FdnixErrorCode code;
  gboolean       retryable;
} status_cases[] = {
  { 400, FDNIX_ERROR_REJECTED, FALSE },
  { 401, FDNIX_ERROR_AUTH, FALSE },
  { 403, FDNIX_ERROR_AUTH, FALSE },
  { 404, FDNIX_ERROR_NOT_FOUND, FALSE },
  { 408, FDNIX_ERROR_TIMEOUT, TRUE },
  { 413, FDNIX_ERROR_REJECTED, FALSE },
  { 429, FDNIX_ERROR_THROTTLED, TRUE },
  { 500, FDNIX_ERROR_SERVER, TRUE },
  { 502, FDNIX_ERROR_SERVER, TRUE },
  { 503, FDNIX_ERROR_SERVER, TRUE },
  { 504, FDNIX_ERROR_SERVER, TRUE },
  { 302, FDNIX_ERROR_FAILED, FALSE },
};

START_TEST (test_http_status_errors)
{
  g_autoptr(GError) error = NULL;
  gboolean retryable = fdnix_http_status_set_error (&error, status_cases[_i].status, "op", NULL);

  ck_assert_int_eq (error->code, status_cases[_i].code);
  ck_assert_int_eq (retryable, status_cases[_i].retryable);
  ck_assert_int_eq (fdnix_error_is_retryable (error), status_cases[_i].retryable);
}
END_TEST

static const struct {
  CURLcode       code;
  FdnixErrorCode expected;
  gboolean       retryable;
} curl_cases[] = {
  { CURLE_COULDNT_CONNECT, FDNIX_ERROR_NETWORK, TRUE },
  { CURLE_COULDNT_RESOLVE_HOST, FDNIX_ERROR_NETWORK, TRUE },
  { CURLE_RECV_ERROR, FDNIX_ERROR_NETWORK, TRUE },
  { CURLE_GOT_NOTHING, FDNIX_ERROR_NETWORK, TRUE },
  { CURLE_PARTIAL_FILE, FDNIX_ERROR_NETWORK, TRUE },
  { CURLE_OPERATION_TIMEDOUT, FDNIX_ERROR_TIMEOUT, TRUE },
  { CURLE_PEER_FAILED_VERIFICATION, FDNIX_ERROR_FAILED, FALSE },
  { CURLE_URL_MALFORMAT, FDNIX_ERROR_USAGE, FALSE },
  { CURLE_OUT_OF_MEMORY, FDNIX_ERROR_FAILED, FALSE },
};

/* The one CURLcode conversion agrees with fdnix_error_is_retryable(). */
START_TEST (test_curl_errors)
{
  g_autoptr(GError) error = NULL;
  gboolean retryable = fdnix_curl_set_error (&error, curl_cases[_i].code, NULL, "GET x");

  ck_assert_int_eq (error->code, curl_cases[_i].expected);
  ck_assert_int_eq (retryable, curl_cases[_i].retryable);
  ck_assert_int_eq (fdnix_error_is_retryable (error), retryable);
  ck_assert (g_str_has_prefix (error->message, "GET x: "));
}
END_TEST

/* Transport failures are retryable network errors; a slow server times out. */
START_TEST (test_http_transport_errors)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixTestReply drop = { 0, NULL, NULL, 0, TRUE, 0 };
  FdnixTestReply slow = { 200, NULL, "late", 1500, FALSE, 0 };
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_push (server, &drop);
  fdnix_test_httpd_push (server, &slow);
  {
    g_autoptr(FdnixHttpRequest) request = request_for (server, "POST", "/?secret=1");
    g_autoptr(FdnixHttpResponse) response = NULL;
    ck_assert (!fdnix_http_client_send (client, request, &response, &error));
    ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK), "%s", error->message);
    /* the query (where presigned URLs keep signatures) is not quoted */
    ck_assert_msg (strstr (error->message, "secret") == NULL, "%s", error->message);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/slow");
    g_autoptr(FdnixHttpResponse) response = NULL;
    request->timeout = 0.3;
    ck_assert (!fdnix_http_client_send (client, request, &response, &error));
    ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT), "%s", error->message);
    ck_assert (fdnix_error_is_retryable (error));
    g_clear_error (&error);
  }
  {
    /* nothing listens on port 1 */
    g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", "http://127.0.0.1:1/");
    g_autoptr(FdnixHttpResponse) response = NULL;
    ck_assert (!fdnix_http_client_send (client, request, &response, &error));
    ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK), "%s", error->message);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", "ftp://127.0.0.1/");
    g_autoptr(FdnixHttpResponse) response = NULL;
    ck_assert (!fdnix_http_client_send (client, request, &response, &error));
    ck_assert (!fdnix_error_is_retryable (error));
  }
}
END_TEST

/* A body over the limit ends the transfer with a clear error. */
START_TEST (test_http_max_body)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/");
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  FdnixTestReply big = { 200, NULL, "0123456789", 0, FALSE, 1000 };

  fdnix_test_httpd_push (server, &big);
  request->max_body = 5000;
  ck_assert (!fdnix_http_client_send (client, request, &response, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, "larger than 5000") != NULL, "%s", error->message);
}
END_TEST

/* An error body is cut at 64 KiB while it arrives, and the answer still
 * counts as one (status and the start of the message are what matter);
 * a 2xx body over the request's cap is an error. */
START_TEST (test_http_error_body_cut)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/");
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  /* 10 MB of error body */
  FdnixTestReply huge = { 500, NULL, "0123456789", 0, FALSE, 1000000 };
  gsize length = 0;

  fdnix_test_httpd_push (server, &huge);
  ck_assert_msg (fdnix_http_client_send (client, request, &response, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert_uint_eq (response->status, 500);
  fdnix_http_response_get_text (response, &length);
  ck_assert_uint_eq (length, 64 * 1024);
  ck_assert (!fdnix_http_response_check (response, "op", &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_SERVER));
  ck_assert_msg (g_str_has_prefix (error->message, "op: HTTP 500: 0123456789"), "%s", error->message);
}
END_TEST

static const struct {
  const gchar *url;
  const gchar *shown;
} url_cases[] = {
  { "https://h.example/a/b", "https://h.example/a/b" },
  { "https://user:pa55@h.example:8443/v1/embeddings?key=k", "https://h.example:8443/v1/embeddings" },
  { "http://token@127.0.0.1:9/x#frag", "http://127.0.0.1:9/x" },
  { "https://h.example?X-Amz-Signature=abc", "https://h.example" },
  { "https://h.example/p@q/r", "https://h.example/p@q/r" },
};

/* URLs in messages: no user information, no query, no fragment. */
START_TEST (test_http_url_describe)
{
  g_autofree gchar *shown = fdnix_http_url_describe (url_cases[_i].url);

  ck_assert_str_eq (shown, url_cases[_i].shown);
}
END_TEST

static const struct {
  const gchar *text;
  const gchar *message;
} message_cases[] = {
  { "  plain  ", "plain" },
  { "line\r\nbreaks\tand\x01" "controls", "line  breaks and controls" },
  { "bad \xff utf-8", "bad \xef\xbf\xbd utf-8" },
  { "", NULL },
  { " \n ", NULL },
};

/* A server's words, made fit for one error line. */
START_TEST (test_http_server_message)
{
  g_autofree gchar *message = fdnix_http_server_message (message_cases[_i].text, -1);
  g_autofree gchar *long_text = g_strnfill (100000, 'z');
  g_autofree gchar *cut = fdnix_http_server_message (long_text, -1);

  ck_assert_pstr_eq (message, message_cases[_i].message);
  ck_assert_uint_eq (g_utf8_strlen (cut, -1), FDNIX_HTTP_MAX_MESSAGE + 3);
  ck_assert (g_str_has_suffix (cut, "..."));
}
END_TEST

typedef struct {
  GString *order;
  gchar    tag;
} Tag;

static void
on_tag (FdnixHttpClient *client, gpointer user_data)
{
  Tag *tag = user_data;

  g_string_append_c (tag->order, tag->tag);
}

/* Timers fire in deadline order, then run() returns; removed ones never. */
START_TEST (test_http_timers)
{
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(GString) order = g_string_new (NULL);
  Tag a = { order, 'a' }, b = { order, 'b' }, c = { order, 'c' }, d = { order, 'd' };
  gint64 start = g_get_monotonic_time ();
  guint64 id;

  fdnix_http_client_add_timer (client, 60, on_tag, &c);
  fdnix_http_client_add_timer (client, 10, on_tag, &a);
  id = fdnix_http_client_add_timer (client, 20, on_tag, &d);
  fdnix_http_client_add_timer (client, 30, on_tag, &b);
  fdnix_http_client_remove_timer (client, id);
  ck_assert (fdnix_http_client_run (client, NULL, NULL));
  ck_assert_str_eq (order->str, "abc");
  ck_assert_int_ge (g_get_monotonic_time () - start, 60000);
}
END_TEST

/* Retry-After in both of its forms, as the server sends it. */
START_TEST (test_http_retry_after)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
  g_autofree gchar *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree gchar *date_header = g_strdup_printf ("Retry-After: %s\r\n", date);
  const struct {
    const gchar *header;
    gint64       min_ms, max_ms;
  } cases[] = {
    { NULL, -1, -1 },
    { "Retry-After: 2\r\n", 2000, 2000 },
    { date_header, 27000, 31000 },
    { "Retry-After: soon\r\n", -1, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FdnixTestReply reply = { 503, cases[i].header, "busy", 0, FALSE, 0 };
      g_autoptr(FdnixHttpRequest) request = request_for (server, "GET", "/busy");
      g_autoptr(FdnixHttpResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      gint64 ms;

      fdnix_test_httpd_push (server, &reply);
      ck_assert_msg (fdnix_http_client_send (client, request, &response, &error), "%s",
                     error != NULL ? error->message : "");
      ck_assert_uint_eq (response->status, 503);
      ms = fdnix_http_response_get_retry_after_ms (response);
      ck_assert_msg (ms >= cases[i].min_ms && ms <= cases[i].max_ms, "case %u: %" G_GINT64_FORMAT " ms",
                     i, ms);
    }
}
END_TEST

/* HTTP dates in the three forms HTTP allows; anything else is refused. */
START_TEST (test_http_parse_date)
{
  static const gchar *const dates[] = { "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                                        "Sun Nov  6 08:49:37 1994" };
  gint64 when = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      when = 0;
      ck_assert_msg (fdnix_http_parse_date (dates[i], &when), "%s", dates[i]);
      ck_assert_int_eq (when, 784111777);
    }
  ck_assert (!fdnix_http_parse_date ("soon", &when));
  ck_assert (!fdnix_http_parse_date ("", &when));
  ck_assert (!fdnix_http_parse_date (NULL, &when));
}
END_TEST

static Suite *
http_suite (void)
{
  Suite *s = suite_create ("http");
  TCase *tc = tcase_create ("http");

  tcase_add_test (tc, test_http_get);
  tcase_add_test (tc, test_http_put_body);
  tcase_add_test (tc, test_http_connection_reuse);
  tcase_add_test (tc, test_http_in_flight);
  tcase_add_test (tc, test_http_streaming);
  tcase_add_loop_test (tc, test_http_status_errors, 0, G_N_ELEMENTS (status_cases));
  tcase_add_loop_test (tc, test_curl_errors, 0, G_N_ELEMENTS (curl_cases));
  tcase_add_test (tc, test_http_transport_errors);
  tcase_add_test (tc, test_http_max_body);
  tcase_add_test (tc, test_http_error_body_cut);
  tcase_add_loop_test (tc, test_http_url_describe, 0, G_N_ELEMENTS (url_cases));
  tcase_add_loop_test (tc, test_http_server_message, 0, G_N_ELEMENTS (message_cases));
  tcase_add_test (tc, test_http_timers);
  tcase_add_test (tc, test_http_retry_after);
  tcase_add_test (tc, test_http_parse_date);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (http_suite ());
}
