/* check-retry: back-off bounds, attempt caps, the retry budget, and
 * retried plain HTTP against a scripted server. */
#include "config.h"

#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "net/fdnix-retry.h"
#include "fdnix-test-httpd.h"
#include "fdnix-test.h"

static FdnixRetryOptions
quick_options (void)
{
  FdnixRetryOptions o;

  fdnix_retry_options_init (&o);
  o.base_delay_ms = 10;
  o.throttle_base_delay_ms = 40;
  o.max_backoff_ms = 200;
  o.max_retry_after_ms = 1000;
  return o;
}

/* Full jitter stays inside [0, min(cap, base × 2^(n-1))], throttling uses
 * its own base, and a server hint is a floor (capped). */
START_TEST (test_retry_delay_bounds)
{
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = fdnix_retry_policy_new (&o, "test");
  guint max_seen[8] = { 0 };

  fdnix_retry_policy_set_seed (policy, 42);
  for (guint round = 0; round < 500; round++)
    for (guint attempt = 1; attempt <= 6; attempt++)
      {
        guint plain = fdnix_retry_policy_compute_delay (policy, attempt, FALSE, -1);
        guint throttled = fdnix_retry_policy_compute_delay (policy, attempt, TRUE, -1);
        ck_assert_uint_le (plain, MIN (200, 10u << (attempt - 1)));
        ck_assert_uint_le (throttled, MIN (200, 40u << (attempt - 1)));
        max_seen[attempt] = MAX (max_seen[attempt], throttled);
      }
  /* jitter really spreads: the largest of 500 draws is near the ceiling */
  ck_assert_uint_ge (max_seen[1], 35);
  ck_assert_uint_ge (max_seen[6], 180);
  ck_assert_uint_ge (fdnix_retry_policy_compute_delay (policy, 1, FALSE, 700), 700);
  ck_assert_uint_eq (fdnix_retry_policy_compute_delay (policy, 1, FALSE, 50000), 1000);
}
END_TEST

/* Errors that retrying cannot fix are returned at once, unchanged. */
START_TEST (test_retry_not_retryable)
{
  g_autoptr(FdnixRetryPolicy) policy = fdnix_retry_policy_new (NULL, "test");
  FdnixRetryState state;
  g_autoptr(GError) error = g_error_new (FDNIX_ERROR, FDNIX_ERROR_REJECTED, "ValidationException: bad");
  guint delay = 0;

  fdnix_retry_state_init (&state, policy, "Op");
  ck_assert (!fdnix_retry_state_next (&state, &error, -1, &delay));
  ck_assert_str_eq (error->message, "ValidationException: bad");
  ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 500);
  fdnix_retry_state_clear (&state);
}
END_TEST

/* The attempt cap ends a loop with a message naming operation, attempts
 * and the last cause, keeping the cause's code. */
START_TEST (test_retry_attempt_cap)
{
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
  FdnixRetryState state;
  guint delay = 0, retries = 0;

  o.max_attempts = 4;
  policy = fdnix_retry_policy_new (&o, "test");
  fdnix_summary_set_default (summary);
  fdnix_retry_state_init (&state, policy, "DynamoDB BatchWriteItem");
  for (;;)
    {
      g_autoptr(GError) error = g_error_new (FDNIX_ERROR, FDNIX_ERROR_THROTTLED,
                                             "ThrottlingException: slow down %u", retries);
      if (!fdnix_retry_state_next (&state, &error, -1, &delay))
        {
          ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_THROTTLED));
          ck_assert_msg (g_str_has_prefix (error->message, "DynamoDB BatchWriteItem: gave up after 4 attempts"),
                         "%s", error->message);
          ck_assert_msg (strstr (error->message, "slow down 3") != NULL, "%s", error->message);
          break;
        }
      ck_assert_ptr_null (error);
      retries++;
    }
  ck_assert_uint_eq (retries, 3);
  ck_assert_int_eq (fdnix_summary_get (summary, "retries.test"), 3);
  fdnix_retry_state_clear (&state);
  fdnix_summary_set_default (NULL);
}
END_TEST

/* The budget: retries cost tokens (timeouts more), a dry budget fails
 * fast, and successes give tokens back. */
START_TEST (test_retry_budget)
{
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  FdnixRetryState a, b, c;
  guint delay;

  o.quota = 20;
  policy = fdnix_retry_policy_new (&o, "test");
  fdnix_retry_state_init (&a, policy, "A");
  fdnix_retry_state_init (&b, policy, "B");
  fdnix_retry_state_init (&c, policy, "C");
  {
    g_autoptr(GError) e1 = g_error_new (FDNIX_ERROR, FDNIX_ERROR_SERVER, "500");
    g_autoptr(GError) e2 = g_error_new (FDNIX_ERROR, FDNIX_ERROR_TIMEOUT, "timed out");
    g_autoptr(GError) e3 = g_error_new (FDNIX_ERROR, FDNIX_ERROR_SERVER, "503");
    ck_assert (fdnix_retry_state_next (&a, &e1, -1, &delay));
    ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 15);
    ck_assert (fdnix_retry_state_next (&b, &e2, -1, &delay));
    ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 5);
    ck_assert (fdnix_retry_state_next (&c, &e3, -1, &delay));
    ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 0);
  }
  {
    g_autoptr(GError) e = g_error_new (FDNIX_ERROR, FDNIX_ERROR_NETWORK, "connection reset");
    ck_assert (!fdnix_retry_state_next (&a, &e, -1, &delay));
    ck_assert_msg (strstr (e->message, "A: retry budget exhausted after 2 attempts") != NULL,
                   "%s", e->message);
  }
  /* B succeeds after its retry: its 10 tokens come back */
  fdnix_retry_state_succeeded (&b);
  ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 10);
  /* a first-try success earns one token, never above the quota */
  {
    FdnixRetryState d;
    fdnix_retry_state_init (&d, policy, "D");
    fdnix_retry_state_succeeded (&d);
    ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), 11);
    fdnix_retry_state_clear (&d);
  }
  fdnix_retry_state_clear (&a);
  fdnix_retry_state_clear (&b);
  fdnix_retry_state_clear (&c);
}
END_TEST

/* Plain HTTP with retries: 503 and a drop are retried, Retry-After is
 * honoured, and a 400 is not retried. */
START_TEST (test_retry_http_send)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = fdnix_retry_policy_new (&o, "test");
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), "/file", NULL);
  FdnixTestReply busy = { 503, "Retry-After: 1\r\n", "busy", 0, FALSE, 0 };
  FdnixTestReply drop = { 0, NULL, NULL, 0, TRUE, 0 };
  FdnixTestReply ok = { 200, NULL, "content", 0, FALSE, 0 };
  FdnixTestReply bad = { 400, NULL, "bad request", 0, FALSE, 0 };
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_push (server, &busy);
  fdnix_test_httpd_push (server, &drop);
  fdnix_test_httpd_push (server, &ok);
  fdnix_test_httpd_push (server, &bad);
  {
    g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", url);
    g_autoptr(FdnixHttpResponse) response = NULL;
    gint64 start = g_get_monotonic_time ();
    ck_assert_msg (fdnix_retry_http_send (policy, client, request, "download file", &response, &error),
                   "%s", error ? error->message : "");
    ck_assert_str_eq (fdnix_http_response_get_text (response, NULL), "content");
    ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 3);
    ck_assert_int_ge (g_get_monotonic_time () - start, G_USEC_PER_SEC);
  }
  {
    g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", url);
    g_autoptr(FdnixHttpResponse) response = NULL;
    ck_assert (!fdnix_retry_http_send (policy, client, request, "download file", &response, &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_REJECTED));
    ck_assert_msg (g_str_has_prefix (error->message, "download file: HTTP 400: bad request"), "%s",
                   error->message);
    ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 4);
  }
}
END_TEST

static gboolean
count_bytes (const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  *(gsize *) user_data += length;
  return TRUE;
}

static void
half_then_drop (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  /* claims more than it sends by answering with a body, then dropping
   * the next request entirely */
  guint *calls = user_data;

  (*calls)++;
  reply->status = *calls == 1 ? 500 : 200;
  reply->body = "x";
}

/* A stream is retried before any byte was delivered, not after. */
START_TEST (test_retry_streamed)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = fdnix_retry_policy_new (&o, "test");
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), "/stream", NULL);
  g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", url);
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gsize received = 0;
  guint calls = 0;

  fdnix_test_httpd_set_handler (server, half_then_drop, &calls);
  fdnix_http_request_set_write_func (request, count_bytes, &received);
  ck_assert (fdnix_retry_http_send (policy, client, request, "stream", &response, &error));
  /* the 500's body went to the message, not to the consumer */
  ck_assert_uint_eq (received, 1);
  ck_assert_uint_eq (calls, 2);
}
END_TEST

/* A request that keeps timing out is given up after max-timeouts
 * attempts, however many attempts are allowed. */
START_TEST (test_retry_max_timeouts)
{
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  FdnixRetryState state;
  guint delay, attempts = 0;

  o.max_attempts = 15;
  o.max_timeouts = 3;
  policy = fdnix_retry_policy_new (&o, "test");
  fdnix_retry_state_init (&state, policy, "GET slow");
  for (;;)
    {
      g_autoptr(GError) error = g_error_new_literal (FDNIX_ERROR, FDNIX_ERROR_TIMEOUT, "Operation timed out");

      attempts++;
      if (!fdnix_retry_state_next (&state, &error, -1, &delay))
        {
          ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT));
          ck_assert_msg (g_str_has_prefix (error->message, "GET slow: gave up after 3 timed-out attempts"),
                         "%s", error->message);
          break;
        }
    }
  ck_assert_uint_eq (attempts, 3);
  fdnix_retry_state_clear (&state);
}
END_TEST

/* Nothing listens: given up after FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS,
 * not after max-attempts. */
START_TEST (test_retry_first_contact)
{
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree gchar *url = NULL;
  g_autoptr(FdnixHttpRequest) request = NULL;
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  /* a port bound but never listened on refuses connections */
  ck_assert (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/x", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  o.max_attempts = 15;
  policy = fdnix_retry_policy_new (&o, "test");
  request = fdnix_http_request_new ("GET", url);
  ck_assert (!fdnix_retry_http_send (policy, client, request, "download x", &response, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK));
  ck_assert_msg (strstr (error->message, "cannot reach the server (3 attempts") != NULL, "%s", error->message);
  ck_assert_uint_eq (fdnix_retry_policy_get_tokens (policy), o.quota - 2 * o.retry_cost);
}
END_TEST

/* Retry-After: 3600 waits max-retry-after, not an hour. */
START_TEST (test_retry_after_capped)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (NULL);
  FdnixRetryOptions o = quick_options ();
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), "/x", NULL);
  g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", url);
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  FdnixTestReply later = { 429, "Retry-After: 3600\r\n", "later", 0, FALSE, 0 };
  FdnixTestReply ok = { 200, NULL, "ok", 0, FALSE, 0 };
  gint64 start = g_get_monotonic_time ();

  o.max_retry_after_ms = 300;
  policy = fdnix_retry_policy_new (&o, "test");
  fdnix_test_httpd_push (server, &later);
  fdnix_test_httpd_push (server, &ok);
  ck_assert_msg (fdnix_retry_http_send (policy, client, request, "get x", &response, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert_int_ge (g_get_monotonic_time () - start, 300 * 1000);
  ck_assert_int_lt (g_get_monotonic_time () - start, 5 * G_USEC_PER_SEC);
}
END_TEST

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (200 * 1000);
  fdnix_cancel_request ();
  return NULL;
}

/* fdnix_cancel_sleep() sleeps its time, and a stop request ends it at once
 * (in every thread waiting). */
START_TEST (test_cancel_sleep)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GThread *thread;

  ck_assert (fdnix_cancel_sleep (100, &error));
  ck_assert_int_ge (g_get_monotonic_time () - start, 100 * 1000);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_soon, NULL);
  ck_assert (!fdnix_cancel_sleep (3600 * 1000, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED));
  ck_assert_int_lt (g_get_monotonic_time () - start, 2 * G_USEC_PER_SEC);
  g_thread_join (thread);
  g_clear_error (&error);
  ck_assert (!fdnix_cancel_sleep (3600 * 1000, &error));
}
END_TEST

static Suite *
retry_suite (void)
{
  Suite *s = suite_create ("retry");
  TCase *tc = tcase_create ("retry");

  tcase_add_test (tc, test_retry_delay_bounds);
  tcase_add_test (tc, test_retry_not_retryable);
  tcase_add_test (tc, test_retry_attempt_cap);
  tcase_add_test (tc, test_retry_budget);
  tcase_add_test (tc, test_retry_http_send);
  tcase_add_test (tc, test_retry_streamed);
  tcase_add_test (tc, test_retry_max_timeouts);
  tcase_add_test (tc, test_retry_first_contact);
  tcase_add_test (tc, test_retry_after_capped);
  /* last: a stop request cannot be taken back (each test runs in its own
   * process under check's fork mode, but not when CK_FORK=no) */
  tcase_add_test (tc, test_cancel_sleep);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (retry_suite ());
}
