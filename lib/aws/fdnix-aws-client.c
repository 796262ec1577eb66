/* fdnix-aws-client.c: sign, send, classify, retry. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "aws/fdnix-aws-actions.h"
#include "aws/fdnix-aws-client.h"
#include "aws/fdnix-aws-error.h"
#include "aws/fdnix-sigv4.h"
#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"

struct _FdnixAwsClient {
  const FdnixAwsService       *service;
  gchar                       *region;
  gchar                       *endpoint;
  gchar                       *host;        /* Host header: name[:port] */
  gchar                       *origin;      /* scheme://host[:port] */
  gchar                       *base_path;   /* path of the endpoint URL, "" usually */
  FdnixAwsCredentialsProvider *credentials;
  FdnixHttpClient             *http;        /* owned */
  FdnixRetryPolicy            *retry;
  gint64                       clock_offset; /* seconds to add to our clock */
  gboolean                     answered;     /* the endpoint has sent a response */
  GPtrArray                   *calls;        /* Call*: submitted, not finished (owned) */
  gchar                       *requests_counter;
};

typedef struct {
  FdnixAwsClient   *client;
  gchar            *operation;
  gchar            *action;
  gchar            *method;
  gchar            *path;
  GPtrArray        *query;
  GPtrArray        *headers;
  GBytes           *body;
  gboolean          check_crc32;
  GStrv             accept_errors;
  guint             flags;
  gsize             max_body;
  gchar            *what;           /* "DynamoDB BatchWriteItem" */
  FdnixRetryState   retry;
  gboolean          skew_retried;
  gboolean          token_retried;
  GError           *start_error;    /* a request that could not be signed */
  FdnixAwsDoneFunc  done;
  gpointer          user_data;
} Call;

static void attempt (Call *call);

static GPtrArray *
copy_pairs (const GPtrArray *pairs)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);

  for (guint i = 0; pairs != NULL && i < pairs->len; i++)
    {
      const FdnixHttpHeader *h = pairs->pdata[i];
      g_ptr_array_add (copy, fdnix_http_header_new (h->name, h->value));
    }
  return copy;
}

static void
call_free (Call *call)
{
  fdnix_retry_state_clear (&call->retry);
  g_free (call->operation);
  g_free (call->action);
  g_free (call->method);
  g_free (call->path);
  g_ptr_array_unref (call->query);
  g_ptr_array_unref (call->headers);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_strfreev (call->accept_errors);
  g_clear_error (&call->start_error);
  g_free (call->what);
  g_free (call);
}

/**
 * fdnix_aws_response_free:
 * @response: (transfer full) (nullable): a response
 */
void
fdnix_aws_response_free (FdnixAwsResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, g_ptr_array_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->error_code);
  g_free (response->error_message);
  g_free (response);
}

/**
 * fdnix_aws_response_get_header:
 * @response: a response
 * @name: header name (case-insensitive)
 *
 * Returns: (nullable) (transfer none): the header's last value.
 */
const gchar *
fdnix_aws_response_get_header (FdnixAwsResponse *response, const gchar *name)
{
  for (guint i = response->headers->len; i > 0; i--)
    {
      FdnixHttpHeader *h = response->headers->pdata[i - 1];
      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h->value;
    }
  return NULL;
}

/**
 * fdnix_aws_credentials_provider_new_for_config:
 * @config: (nullable): configuration with fdnix_aws_settings, for the profile
 *
 * The chain as a program builds it from its configuration: a profile is
 * passed on only when one was named (fdnix_aws_profile_get_chosen()), so
 * that without one a missing "default" falls through to the container
 * endpoint and instance metadata, as in the AWS SDKs.
 *
 * Returns: (transfer full): a new provider chain
 */
FdnixAwsCredentialsProvider *
fdnix_aws_credentials_provider_new_for_config (FdnixConfig *config)
{
  g_autofree gchar *profile = fdnix_aws_profile_get_chosen (config);

  return fdnix_aws_credentials_provider_new_chain (profile);
}

static G_LOCK_DEFINE (default_provider);
static FdnixAwsCredentialsProvider *default_provider;

/**
 * fdnix_aws_credentials_provider_get_default:
 * @config: (nullable): configuration with fdnix_aws_settings, for the profile
 *
 * Returns: (transfer full): the process-wide provider chain, so that the
 *   clients of one program resolve credentials once.
 */
FdnixAwsCredentialsProvider *
fdnix_aws_credentials_provider_get_default (FdnixConfig *config)
{
  FdnixAwsCredentialsProvider *provider;

  G_LOCK (default_provider);
  if (default_provider == NULL)
    default_provider = fdnix_aws_credentials_provider_new_for_config (config);
  provider = fdnix_aws_credentials_provider_ref (default_provider);
  G_UNLOCK (default_provider);
  return provider;
}

/**
 * fdnix_aws_client_new_full:
 * @service: the service
 * @region: the region to sign for
 * @endpoint: base URL ("https://dynamodb.us-east-1.amazonaws.com")
 * @credentials: the provider (referenced)
 * @http_options: (nullable): settings of the client's own HTTP client
 *   (copied); NULL for the defaults
 * @retry: (nullable): a policy to share (referenced); NULL for defaults
 *
 * The one place a client is put together; programs use
 * fdnix_aws_client_new_for_service(), tests this with local endpoints.
 *
 * Returns: (transfer full): a client
 */
FdnixAwsClient *
fdnix_aws_client_new_full (const FdnixAwsService *service, const gchar *region, const gchar *endpoint,
                           FdnixAwsCredentialsProvider *credentials, const FdnixHttpOptions *http_options,
                           FdnixRetryPolicy *retry)
{
  FdnixAwsClient *self = g_new0 (FdnixAwsClient, 1);
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  const gchar *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  gint port = uri != NULL ? g_uri_get_port (uri) : -1;
  const gchar *scheme = uri != NULL ? g_uri_get_scheme (uri) : "https";
  gboolean default_port = port < 0 || (port == 443 && g_strcmp0 (scheme, "https") == 0) ||
                          (port == 80 && g_strcmp0 (scheme, "http") == 0);
  g_autofree gchar *bracketed = host != NULL && strchr (host, ':') != NULL
                                  ? g_strdup_printf ("[%s]", host) : g_strdup (host);

  self->service = service;
  self->region = g_strdup (region);
  self->endpoint = g_strdup (endpoint);
  while (g_str_has_suffix (self->endpoint, "/"))
    self->endpoint[strlen (self->endpoint) - 1] = '\0';
  /* curl leaves a default port out of Host; sign what it sends */
  self->host = default_port ? g_strdup (bracketed) : g_strdup_printf ("%s:%d", bracketed, port);
  self->base_path = g_strdup (uri != NULL ? g_uri_get_path (uri) : "");
  self->origin = g_strndup (self->endpoint, strlen (self->endpoint) - strlen (self->base_path));
  while (g_str_has_suffix (self->base_path, "/"))
    self->base_path[strlen (self->base_path) - 1] = '\0';
  self->credentials = fdnix_aws_credentials_provider_ref (credentials);
  self->http = fdnix_http_client_new (http_options);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  self->retry = retry != NULL ? fdnix_retry_policy_ref (retry)
                              : fdnix_retry_policy_new (NULL, service->counter);
  self->requests_counter = g_strdup_printf ("requests.%s", service->counter);
  return self;
}

/**
 * fdnix_aws_client_new_for_service:
 * @config: configuration with fdnix_aws_settings, fdnix_http_settings and
 *   fdnix_retry_settings registered (unregistered groups keep defaults)
 * @service: the service
 * @endpoint: (nullable): base URL to use instead of the configured one
 *   (S3's virtual-hosted bucket); NULL to resolve it from @config
 * @retry: (nullable): a policy to use instead of [retry]'s (referenced)
 * @error: return location for a usage error (no region, bad endpoint)
 *
 * Resolves region and endpoint, and uses the process-wide credentials
 * chain; credentials are only looked up by the first request.
 *
 * Returns: (transfer full) (nullable): a client
 */
FdnixAwsClient *
fdnix_aws_client_new_for_service (FdnixConfig *config, const FdnixAwsService *service,
                                  const gchar *endpoint, FdnixRetryPolicy *retry, GError **error)
{
  g_autofree gchar *region = NULL;
  g_autofree gchar *resolved = NULL;
  g_autoptr(FdnixAwsCredentialsProvider) credentials = NULL;
  g_autoptr(FdnixRetryPolicy) policy = retry != NULL ? fdnix_retry_policy_ref (retry) : NULL;
  FdnixHttpOptions http_options;
  FdnixAwsClient *self;

  fdnix_http_options_init (&http_options);
  if (!fdnix_aws_resolve_region (config, &region, error) ||
      (endpoint == NULL && !fdnix_aws_resolve_endpoint (config, service, region, &resolved, error)) ||
      !fdnix_http_options_load (&http_options, config, error))
    {
      fdnix_http_options_clear (&http_options);
      return NULL;
    }
  if (policy == NULL)
    {
      FdnixRetryOptions retry_options;

      fdnix_retry_options_init (&retry_options);
      if (!fdnix_retry_options_load (&retry_options, config, error))
        {
          fdnix_http_options_clear (&http_options);
          return NULL;
        }
      policy = fdnix_retry_policy_new (&retry_options, service->counter);
    }
  if (endpoint == NULL)
    endpoint = resolved;
  credentials = fdnix_aws_credentials_provider_get_default (config);
  self = fdnix_aws_client_new_full (service, region, endpoint, credentials, &http_options, policy);
  fdnix_http_options_clear (&http_options);
  g_info ("%s: %s (region %s)", service->display_name, self->endpoint, region);
  return self;
}

/**
 * fdnix_aws_client_new_like:
 * @model: a client
 *
 * A client for the same service, region and endpoint, with the same
 * credentials, retry policy and HTTP settings, and connections of its own:
 * one per thread, as a client is used by one thread at a time.  Safe to
 * call while another thread uses @model.
 *
 * Returns: (transfer full): a new client
 */
FdnixAwsClient *
fdnix_aws_client_new_like (FdnixAwsClient *model)
{
  return fdnix_aws_client_new_full (model->service, model->region, model->endpoint, model->credentials,
                                    fdnix_http_client_get_options (model->http), model->retry);
}

/**
 * fdnix_aws_client_free:
 * @self: (transfer full) (nullable): a client; calls in flight are
 *   dropped: their done callbacks are not called, and what they hold is
 *   freed
 */
void
fdnix_aws_client_free (FdnixAwsClient *self)
{
  if (self == NULL)
    return;
  /* first, so that no transfer or timer still points at a call */
  fdnix_http_client_free (self->http);
  g_ptr_array_unref (self->calls);
  fdnix_aws_credentials_provider_unref (self->credentials);
  fdnix_retry_policy_unref (self->retry);
  g_free (self->region);
  g_free (self->endpoint);
  g_free (self->host);
  g_free (self->base_path);
  g_free (self->origin);
  g_free (self->requests_counter);
  g_free (self);
}

/**
 * fdnix_aws_client_get_http:
 * @self: a client
 *
 * Returns: (transfer none): the HTTP client, to run or share
 */
FdnixHttpClient *
fdnix_aws_client_get_http (FdnixAwsClient *self)
{
  return self->http;
}

/**
 * fdnix_aws_client_get_retry:
 * @self: a client
 *
 * Returns: (transfer none): the retry policy (its back-off also paces
 *   resubmissions such as DynamoDB's UnprocessedItems)
 */
FdnixRetryPolicy *
fdnix_aws_client_get_retry (FdnixAwsClient *self)
{
  return self->retry;
}

/**
 * fdnix_aws_client_get_endpoint:
 * @self: a client
 *
 * Returns: (transfer none): the base URL
 */
const gchar *
fdnix_aws_client_get_endpoint (FdnixAwsClient *self)
{
  return self->endpoint;
}

/**
 * fdnix_aws_client_get_region:
 * @self: a client
 *
 * Returns: (transfer none): the region
 */
const gchar *
fdnix_aws_client_get_region (FdnixAwsClient *self)
{
  return self->region;
}

/**
 * fdnix_aws_client_get_service:
 * @self: a client
 *
 * Returns: (transfer none): the service
 */
const FdnixAwsService *
fdnix_aws_client_get_service (FdnixAwsClient *self)
{
  return self->service;
}

/**
 * fdnix_aws_client_get_in_flight:
 * @self: a client
 *
 * Returns: calls submitted and not yet completed (retries included)
 */
guint
fdnix_aws_client_get_in_flight (FdnixAwsClient *self)
{
  return self->calls->len;
}

/* Ends a call: it leaves the client's list before @done runs, so that
 * @done may submit more calls (or even free the client). */
static void
finish (Call *call, FdnixAwsResponse *response, GError *error)
{
  FdnixAwsClient *client = call->client;
  guint index = 0;

  if (g_ptr_array_find (client->calls, call, &index))
    g_ptr_array_steal_index_fast (client->calls, index);
  if (response != NULL)
    response->attempts = call->retry.attempts + 1;
  call->done (client, response, error, call->user_data);
  g_clear_error (&error);
  call_free (call);
}

static void
on_retry_timer (FdnixHttpClient *http, gpointer user_data)
{
  attempt (user_data);
}

/* DynamoDB sends the CRC32 of every body: a mismatch is damage in
 * transit, retried like a dropped connection. */
static gboolean
crc32_check (FdnixHttpResponse *response, GError **error)
{
  const gchar *expected = fdnix_http_response_get_header (response, "x-amz-crc32");
  gsize length = 0;
  const guint8 *data = response->body != NULL ? g_bytes_get_data (response->body, &length) : NULL;
  uLong crc;

  if (expected == NULL)
    return TRUE;
  crc = crc32 (0L, Z_NULL, 0);
  /* zlib takes uInt lengths; bodies here are far below 4 GiB */
  crc = crc32 (crc, data != NULL ? data : (const guint8 *) "", (uInt) length);
  if ((guint64) crc == g_ascii_strtoull (expected, NULL, 10))
    return TRUE;
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK,
               "x-amz-crc32 %s does not match the body's CRC32 %lu (%" G_GSIZE_FORMAT " bytes): "
               "damaged in transit", expected, crc, length);
  return FALSE;
}

static gboolean
accepts (Call *call, const gchar *code)
{
  return call->accept_errors != NULL && code != NULL && g_strv_contains ((const gchar *const *) call->accept_errors, code);
}

/* Hands @http_response to the caller: a 2xx, or an error it accepts
 * (@code and @message taken). */
static void
deliver (Call *call, FdnixHttpResponse *http_response, gchar *code, gchar *message)
{
  FdnixAwsResponse *response = g_new0 (FdnixAwsResponse, 1);

  fdnix_retry_state_succeeded (&call->retry);
  response->status = http_response->status;
  response->headers = g_steal_pointer (&http_response->headers);
  response->body = g_steal_pointer (&http_response->body);
  response->error_code = code;
  response->error_message = message;
  finish (call, response, NULL);
}

/* A transport error that ends the call at once: a stop signal, or an
 * endpoint that never answered (a wrong URL rather than a glitch). */
static gboolean
transport_error_is_final (Call *call, GError **error)
{
  if (g_error_matches (*error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED))
    {
      g_prefix_error (error, "%s: ", call->what);
      return TRUE;
    }
  if (!call->client->answered && call->retry.attempts + 1 >= FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS)
    {
      g_prefix_error (error, "%s: cannot reach %s (%u attempts; check the endpoint): ",
                      call->what, call->client->endpoint, call->retry.attempts + 1);
      return TRUE;
    }
  return FALSE;
}

/* Refused for clock skew: sign once more with the server's time (its
 * Date header), and keep that offset for the client's later calls. */
static gboolean
resend_with_server_clock (Call *call, FdnixHttpResponse *http_response)
{
  FdnixAwsClient *client = call->client;
  gint64 server_time;

  if (call->skew_retried ||
      !fdnix_http_parse_date (fdnix_http_response_get_header (http_response, "date"), &server_time))
    return FALSE;
  client->clock_offset = server_time - g_get_real_time () / G_USEC_PER_SEC;
  g_warning ("%s: the local clock is %" G_GINT64_FORMAT " s %s the service's; "
             "signing with the service's time", call->what, ABS (client->clock_offset),
             client->clock_offset > 0 ? "behind" : "ahead of");
  call->skew_retried = TRUE;
  attempt (call);
  return TRUE;
}

/* Refused for an expired token: look the credentials up again, once. */
static gboolean
resend_with_fresh_credentials (Call *call)
{
  if (call->token_retried)
    return FALSE;
  fdnix_aws_credentials_provider_invalidate (call->client->credentials);
  call->token_retried = TRUE;
  attempt (call);
  return TRUE;
}

/* The service's hint: x-amz-retry-after (milliseconds), else Retry-After. */
static gint64
retry_hint_ms (FdnixHttpResponse *http_response)
{
  const gchar *amz_retry = fdnix_http_response_get_header (http_response, "x-amz-retry-after");

  if (amz_retry != NULL)
    return g_ascii_strtoll (amz_retry, NULL, 10);
  return fdnix_http_response_get_retry_after_ms (http_response);
}

/* Looks at an HTTP response.  Returns FALSE when the call was delivered or
 * sent again; TRUE with @error (and the service's hint) when the attempt
 * failed and the retry policy decides what follows. */
static gboolean
check_response (Call *call, FdnixHttpResponse *http_response, GError **error, gint64 *out_hint_ms)
{
  g_autofree gchar *code = NULL;
  g_autofree gchar *message = NULL;
  gsize length = 0;
  const gchar *body;

  if (call->check_crc32 && !crc32_check (http_response, error))
    return TRUE;
  if (http_response->status >= 200 && http_response->status <= 299)
    {
      deliver (call, http_response, NULL, NULL);
      return FALSE;
    }
  body = fdnix_http_response_get_text (http_response, &length);
  fdnix_aws_error_parse (http_response->status,
                         fdnix_http_response_get_header (http_response, "x-amzn-errortype"),
                         body, length, &code, &message);
  if (accepts (call, code))
    {
      deliver (call, http_response, g_steal_pointer (&code), g_steal_pointer (&message));
      return FALSE;
    }
  if (fdnix_aws_error_is_clock_skew (code, message) && resend_with_server_clock (call, http_response))
    return FALSE;
  if (fdnix_aws_error_is_expired_token (code) && resend_with_fresh_credentials (call))
    return FALSE;
  g_set_error (error, FDNIX_ERROR, fdnix_aws_error_classify (http_response->status, code),
               "%s%s%s (HTTP %u)", code, *message != '\0' ? ": " : "", message, http_response->status);
  *out_hint_ms = retry_hint_ms (http_response);
  return TRUE;
}

/* A failed attempt: wait and send again if the policy allows, else end
 * the call with its final error. */
static void
retry_or_fail (Call *call, GError **error, gint64 hint_ms)
{
  guint delay_ms = 0;

  if (fdnix_retry_state_next (&call->retry, error, hint_ms, &delay_ms))
    {
      fdnix_http_client_add_timer (call->client->http, delay_ms, on_retry_timer, call);
      return;
    }
  if (call->retry.attempts == 1)
    g_prefix_error (error, "%s: ", call->what);
  finish (call, NULL, g_steal_pointer (error));
}

static void
on_http_done (FdnixHttpClient *http, FdnixHttpRequest *request, FdnixHttpResponse *http_response,
              const GError *http_error, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr(FdnixHttpResponse) owned = http_response;
  g_autoptr(GError) error = NULL;
  gint64 hint_ms = -1;

  if (http_error != NULL)
    {
      error = g_error_copy (http_error);
      if (transport_error_is_final (call, &error))
        {
          finish (call, NULL, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      call->client->answered = TRUE;
      g_debug ("%s: %s %s: HTTP %u in %.0f ms (attempt %u)", call->what, call->method,
               call->client->endpoint, http_response->status, http_response->seconds * 1000,
               call->retry.attempts + 1);
      if (!check_response (call, http_response, &error, &hint_ms))
        return;
    }
  retry_or_fail (call, &error, hint_ms);
}

static void
on_start_failed (FdnixHttpClient *http, gpointer user_data)
{
  Call *call = user_data;

  finish (call, NULL, g_steal_pointer (&call->start_error));
}

static void
attempt (Call *call)
{
  FdnixAwsClient *client = call->client;
  g_autoptr(FdnixAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixHttpRequest) request = NULL;
  g_autoptr(GString) url = NULL;
  g_autofree gchar *path = g_strconcat (client->base_path, call->path, NULL);
  g_auto(FdnixSigv4Result) signature = { 0 };
  FdnixSigv4Request sign = { 0 };
  gsize body_length = 0;
  gconstpointer body_data = call->body != NULL ? g_bytes_get_data (call->body, &body_length) : NULL;

  credentials = fdnix_aws_credentials_provider_get (client->credentials, &error);
  sign.method = call->method;
  sign.host = client->host;
  sign.path = path;
  sign.query = call->query;
  sign.headers = call->headers;
  sign.payload = body_data;
  sign.payload_length = body_length;
  sign.region = client->region;
  sign.service = client->service->signing_name;
  sign.timestamp = g_get_real_time () / G_USEC_PER_SEC + client->clock_offset;
  sign.flags = client->service->sigv4_flags | call->flags;
  if (credentials == NULL || !fdnix_sigv4_sign (&sign, credentials, &signature, &error))
    {
      /* no credentials is not worth retrying; report from the loop, never
       * from inside submit() */
      g_prefix_error (&error, "%s: ", call->what);
      call->start_error = g_steal_pointer (&error);
      fdnix_http_client_add_timer (client->http, 0, on_start_failed, call);
      return;
    }
  /* signature.path includes the endpoint's own path prefix, if any */
  url = g_string_new (client->origin);
  g_string_append (url, signature.path);
  if (signature.query != NULL && *signature.query != '\0')
    g_string_append_printf (url, "?%s", signature.query);
  request = fdnix_http_request_new (call->method, url->str);
  request->max_body = call->max_body;
  fdnix_http_request_add_header (request, "Host", client->host);
  for (guint i = 0; i < call->headers->len; i++)
    {
      FdnixHttpHeader *h = call->headers->pdata[i];
      fdnix_http_request_add_header (request, h->name, h->value);
    }
  for (guint i = 0; i < signature.headers->len; i++)
    {
      FdnixHttpHeader *h = signature.headers->pdata[i];
      fdnix_http_request_add_header (request, h->name, h->value);
    }
  fdnix_http_request_set_body (request, call->body);
  fdnix_count (client->requests_counter, 1);
  fdnix_http_client_submit (client->http, request, on_http_done, call);
}

/**
 * fdnix_aws_client_submit:
 * @self: a client
 * @request: the request (copied)
 * @done: called once, from the event loop, with the final outcome
 * @user_data: passed to @done
 *
 * Starts a call; retries happen inside.  @done is never called before
 * this returns.
 */
void
fdnix_aws_client_submit (FdnixAwsClient *self, const FdnixAwsRequest *request,
                         FdnixAwsDoneFunc done, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);

  call->client = self;
  call->operation = g_strdup (request->operation);
  call->action = request->action != NULL ? g_strdup (request->action)
                                         : g_strdup_printf ("%s:%s", self->service->iam_prefix,
                                                            request->operation);
  call->method = g_strdup (request->method != NULL ? request->method : "POST");
  call->path = g_strdup (request->path != NULL ? request->path : "/");
  call->query = copy_pairs (request->query);
  call->headers = copy_pairs (request->headers);
  call->body = request->body != NULL ? g_bytes_ref (request->body) : NULL;
  call->check_crc32 = request->check_crc32;
  call->accept_errors = g_strdupv ((gchar **) request->accept_errors);
  call->flags = request->flags;
  call->max_body = request->max_body;
  call->what = g_strdup_printf ("%s %s", self->service->display_name, request->operation);
  call->done = done;
  call->user_data = user_data;
  fdnix_retry_state_init (&call->retry, self->retry, call->what);
  if (!fdnix_aws_action_is_listed (call->action))
    g_warning ("%s: IAM action %s is missing from fdnix-aws-actions.h", call->what, call->action);
  g_ptr_array_add (self->calls, call);
  attempt (call);
}

/**
 * fdnix_aws_client_run:
 * @self: a client
 * @stop: (nullable): return as soon as this becomes TRUE
 * @error: return location for an error (interrupted)
 *
 * Runs the HTTP client's event loop: see fdnix_http_client_run().
 *
 * Returns: FALSE when interrupted.
 */
gboolean
fdnix_aws_client_run (FdnixAwsClient *self, const gboolean *stop, GError **error)
{
  return fdnix_http_client_run (self->http, stop, error);
}

typedef struct {
  gboolean          done;
  FdnixAwsResponse *response;
  GError           *error;
} CallState;

static void
on_call_done (FdnixAwsClient *client, FdnixAwsResponse *response, const GError *error,
              gpointer user_data)
{
  CallState *state = user_data;

  state->done = TRUE;
  state->response = response;
  if (error != NULL)
    state->error = g_error_copy (error);
}

/**
 * fdnix_aws_client_call:
 * @self: a client
 * @request: the request
 * @out_response: (out) (transfer full): a 2xx response, or one whose error
 *   code is in request->accept_errors
 * @error: return location for the final error
 *
 * One call, with retries, waiting for the outcome.
 *
 * Returns: FALSE with @error set when the call failed.
 */
gboolean
fdnix_aws_client_call (FdnixAwsClient *self, const FdnixAwsRequest *request,
                       FdnixAwsResponse **out_response, GError **error)
{
  CallState state = { 0 };
  g_autoptr(GError) run_error = NULL;

  fdnix_aws_client_submit (self, request, on_call_done, &state);
  if (!fdnix_aws_client_run (self, &state.done, &run_error) && !state.done)
    {
      g_propagate_error (error, g_steal_pointer (&run_error));
      return FALSE;
    }
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  *out_response = state.response;
  return state.response != NULL;
}
