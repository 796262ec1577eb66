/* fdnix-retry.c: back-off, attempt caps and the retry budget. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "net/fdnix-retry.h"

/* Defaults follow the SDKs' standard mode (500-token quota, 5 per retry,
 * 10 after a timeout, 20 s back-off cap, 100 ms / 500 ms bases), with more
 * attempts (15, where the SDKs have 3, or 11 for DynamoDB): a nightly bulk
 * load of 3,400 BatchWriteItem calls through a table that refuses a third
 * of them must not fail on one unlucky call (0.37^15 × 3,400 ≈ 0.001),
 * and the budget still ends a hopeless run within seconds. */
const FdnixSetting fdnix_retry_settings[] = {
  { "retry.max-attempts", FDNIX_SETTING_INT, "15", NULL, NULL, 0, NULL,
    "Attempts per request, the first included",
    FDNIX_RANGE (1, 100) },
  { "retry.base-delay", FDNIX_SETTING_DOUBLE, "0.1", NULL, NULL, 0, NULL,
    "Back-off base in seconds for server errors and dropped connections",
    FDNIX_RANGE (0, 60) },
  { "retry.throttle-base-delay", FDNIX_SETTING_DOUBLE, "0.5", NULL, NULL, 0, NULL,
    "Back-off base in seconds for throttling errors",
    FDNIX_RANGE (0, 60) },
  { "retry.max-backoff", FDNIX_SETTING_DOUBLE, "20", NULL, NULL, 0, NULL,
    "Longest computed delay between two attempts, in seconds",
    FDNIX_RANGE (0, 3600) },
  { "retry.max-retry-after", FDNIX_SETTING_DOUBLE, "60", NULL, NULL, 0, NULL,
    "Longest server-requested delay (Retry-After) honoured, in seconds",
    FDNIX_RANGE (0, 3600) },
  { "retry.quota", FDNIX_SETTING_INT, "500", NULL, NULL, 0, NULL,
    "Retry budget per client in tokens (a retry costs 5, 10 after a timeout)",
    FDNIX_RANGE (0, 1000000) },
  { "retry.max-timeouts", FDNIX_SETTING_INT, "3", NULL, NULL, 0, NULL,
    "Attempts of one request that may time out before it is given up",
    FDNIX_RANGE (1, 100) },
  FDNIX_SETTING_END
};

/* a g_atomic_rc_box */
struct _FdnixRetryPolicy {
  FdnixRetryOptions options;
  gchar            *counter;     /* "retries.<service>" */
  GMutex            mutex;
  guint             tokens;
  GRand            *rand;        /* NULL: GLib's global generator */
};

/* Tokens a retry costs, and a retry after a timeout: not settings. */
#define RETRY_COST   5
#define TIMEOUT_COST 10

static guint
seconds_to_ms (gdouble seconds)
{
  /* rounded: 0.57 s is 570 ms, not 569 */
  return (guint) (seconds * 1000 + 0.5);
}

/* The one mapping from [retry] to the options, for defaults and loaded
 * values alike; the ranges were checked when each value was set. */
static void
read_options (FdnixRetryOptions *options, FdnixConfig *config)
{
  options->max_attempts = (guint) fdnix_config_get_int (config, "retry.max-attempts");
  options->base_delay_ms = seconds_to_ms (fdnix_config_get_double (config, "retry.base-delay"));
  options->throttle_base_delay_ms =
    seconds_to_ms (fdnix_config_get_double (config, "retry.throttle-base-delay"));
  options->max_backoff_ms = seconds_to_ms (fdnix_config_get_double (config, "retry.max-backoff"));
  options->max_retry_after_ms =
    seconds_to_ms (fdnix_config_get_double (config, "retry.max-retry-after"));
  options->quota = (guint) fdnix_config_get_int (config, "retry.quota");
  options->retry_cost = RETRY_COST;
  options->timeout_cost = TIMEOUT_COST;
  options->max_timeouts = (guint) fdnix_config_get_int (config, "retry.max-timeouts");
}

/**
 * fdnix_retry_options_init:
 * @options: (out caller-allocates): options to fill with the defaults of
 *   fdnix_retry_settings
 */
void
fdnix_retry_options_init (FdnixRetryOptions *options)
{
  g_autoptr(FdnixConfig) defaults = fdnix_config_new_defaults (fdnix_retry_settings);

  read_options (options, defaults);
}

/**
 * fdnix_retry_options_load:
 * @options: (out caller-allocates): the options; every field is set unless
 *   @config is NULL
 * @config: (nullable): a configuration with fdnix_retry_settings
 *   registered; NULL keeps @options as they are
 * @error: return location for an error
 *
 * Returns: FALSE when the program did not register [retry] (a bug that
 *   would drop the user's values in silence).
 */
gboolean
fdnix_retry_options_load (FdnixRetryOptions *options, FdnixConfig *config, GError **error)
{
  if (config == NULL)
    return TRUE;
  if (!fdnix_config_require (config, fdnix_retry_settings, G_STRFUNC, error))
    return FALSE;
  read_options (options, config);
  return TRUE;
}

/**
 * fdnix_retry_policy_new:
 * @options: (nullable): copied; NULL for the defaults
 * @service: short service name; retries count as "retries.@service"
 *
 * Returns: (transfer full): a policy with a full retry budget.
 */
FdnixRetryPolicy *
fdnix_retry_policy_new (const FdnixRetryOptions *options, const gchar *service)
{
  FdnixRetryPolicy *self = g_atomic_rc_box_new0 (FdnixRetryPolicy);

  if (options != NULL)
    self->options = *options;
  else
    fdnix_retry_options_init (&self->options);
  if (self->options.max_attempts == 0)
    self->options.max_attempts = 1;
  if (self->options.max_timeouts == 0)
    self->options.max_timeouts = self->options.max_attempts;
  self->counter = g_strdup_printf ("retries.%s", service);
  self->tokens = self->options.quota;
  g_mutex_init (&self->mutex);
  return self;
}

/**
 * fdnix_retry_policy_ref:
 * @self: a policy
 *
 * Returns: (transfer full): @self
 */
FdnixRetryPolicy *
fdnix_retry_policy_ref (FdnixRetryPolicy *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
policy_clear (FdnixRetryPolicy *self)
{
  g_mutex_clear (&self->mutex);
  if (self->rand != NULL)
    g_rand_free (self->rand);
  g_free (self->counter);
}

/**
 * fdnix_retry_policy_unref:
 * @self: (transfer full) (nullable): a policy
 */
void
fdnix_retry_policy_unref (FdnixRetryPolicy *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) policy_clear);
}

/**
 * fdnix_retry_policy_set_seed:
 * @self: a policy
 * @seed: seed for the jitter, so tests see repeatable delays
 */
void
fdnix_retry_policy_set_seed (FdnixRetryPolicy *self, guint32 seed)
{
  g_mutex_lock (&self->mutex);
  if (self->rand != NULL)
    g_rand_free (self->rand);
  self->rand = g_rand_new_with_seed (seed);
  g_mutex_unlock (&self->mutex);
}

/**
 * fdnix_retry_policy_get_options:
 * @self: a policy
 *
 * Returns: (transfer none): the policy's settings.
 */
const FdnixRetryOptions *
fdnix_retry_policy_get_options (FdnixRetryPolicy *self)
{
  return &self->options;
}

/**
 * fdnix_retry_policy_get_tokens:
 * @self: a policy
 *
 * Returns: retry tokens left in the budget.
 */
guint
fdnix_retry_policy_get_tokens (FdnixRetryPolicy *self)
{
  guint tokens;

  g_mutex_lock (&self->mutex);
  tokens = self->tokens;
  g_mutex_unlock (&self->mutex);
  return tokens;
}

/**
 * fdnix_retry_policy_compute_delay:
 * @self: a policy
 * @attempt: the attempt that just failed, from 1
 * @throttled: whether it failed by throttling
 * @hint_ms: the server's requested delay, or -1
 *
 * Returns: milliseconds to wait before the next attempt: full jitter over
 *   the capped exponential, but at least the (capped) hint.
 */
guint
fdnix_retry_policy_compute_delay (FdnixRetryPolicy *self, guint attempt, gboolean throttled,
                                  gint64 hint_ms)
{
  const FdnixRetryOptions *o = &self->options;
  gdouble base = throttled ? o->throttle_base_delay_ms : o->base_delay_ms;
  gdouble ceiling = base * (gdouble) (1ULL << MIN (attempt > 0 ? attempt - 1 : 0, 40));
  gdouble r;
  guint delay;

  ceiling = MIN (ceiling, (gdouble) o->max_backoff_ms);
  g_mutex_lock (&self->mutex);
  r = self->rand != NULL ? g_rand_double (self->rand) : g_random_double ();
  g_mutex_unlock (&self->mutex);
  delay = (guint) (r * ceiling);
  if (hint_ms >= 0)
    delay = MAX (delay, (guint) MIN (hint_ms, (gint64) o->max_retry_after_ms));
  return delay;
}

/**
 * fdnix_retry_state_init:
 * @state: (out caller-allocates): state of one operation
 * @policy: the policy to draw on (referenced)
 * @operation: names the operation in messages ("DynamoDB BatchWriteItem")
 */
void
fdnix_retry_state_init (FdnixRetryState *state, FdnixRetryPolicy *policy, const gchar *operation)
{
  memset (state, 0, sizeof *state);
  state->policy = fdnix_retry_policy_ref (policy);
  state->operation = g_strdup (operation);
}

/**
 * fdnix_retry_state_clear:
 * @state: a state; tokens still held stay spent (the operation failed)
 */
void
fdnix_retry_state_clear (FdnixRetryState *state)
{
  g_clear_pointer (&state->policy, fdnix_retry_policy_unref);
  g_clear_pointer (&state->operation, g_free);
}

/**
 * fdnix_retry_state_succeeded:
 * @state: the state of an operation whose last attempt succeeded
 *
 * Returns the tokens the operation's retries borrowed, or earns one token
 * back when it needed no retry (never above the initial budget).
 */
void
fdnix_retry_state_succeeded (FdnixRetryState *state)
{
  FdnixRetryPolicy *p = state->policy;
  guint refund = state->held > 0 ? state->held : 1;

  g_mutex_lock (&p->mutex);
  p->tokens = MIN (p->options.quota, p->tokens + refund);
  g_mutex_unlock (&p->mutex);
  state->held = 0;
}

/**
 * fdnix_retry_state_next:
 * @state: the state of an operation whose attempt just failed
 * @error: (inout): the attempt's error; consumed when a retry follows,
 *   replaced by the final error otherwise
 * @hint_ms: the server's requested delay, or -1
 * @out_delay_ms: (out): how long to wait before the next attempt
 *
 * Decides whether to try again.  A final error keeps the code of the last
 * cause and says which operation gave up, after how many attempts and why
 * (the attempt cap, the retry budget, or an error never worth retrying).
 *
 * Returns: TRUE to retry after *@out_delay_ms.
 */
gboolean
fdnix_retry_state_next (FdnixRetryState *state, GError **error, gint64 hint_ms, guint *out_delay_ms)
{
  FdnixRetryPolicy *p = state->policy;
  GError *cause = *error;
  gboolean throttled = g_error_matches (cause, FDNIX_ERROR, FDNIX_ERROR_THROTTLED);
  guint cost = g_error_matches (cause, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT) ? p->options.timeout_cost
                                                                          : p->options.retry_cost;
  gboolean funded = FALSE;

  state->attempts++;
  if (!fdnix_error_is_retryable (cause))
    {
      if (state->attempts > 1)
        g_prefix_error (error, "%s (attempt %u): ", state->operation, state->attempts);
      return FALSE;
    }
  if (g_error_matches (cause, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT) &&
      ++state->timeouts >= p->options.max_timeouts && state->attempts < p->options.max_attempts)
    {
      g_prefix_error (error, "%s: gave up after %u timed-out attempts (the endpoint stalls): ",
                      state->operation, state->timeouts);
      return FALSE;
    }
  if (state->attempts >= p->options.max_attempts)
    {
      g_prefix_error (error, "%s: gave up after %u attempts (%.1f s of back-off): ",
                      state->operation, state->attempts, state->waited_ms / 1000.0);
      return FALSE;
    }
  g_mutex_lock (&p->mutex);
  if (p->tokens >= cost)
    {
      p->tokens -= cost;
      funded = TRUE;
    }
  g_mutex_unlock (&p->mutex);
  if (!funded)
    {
      g_prefix_error (error, "%s: retry budget exhausted after %u attempts (the service keeps "
                      "failing): ", state->operation, state->attempts);
      return FALSE;
    }
  state->held += cost;
  *out_delay_ms = fdnix_retry_policy_compute_delay (p, state->attempts, throttled, hint_ms);
  state->waited_ms += *out_delay_ms;
  g_info ("%s: attempt %u failed (%s); retrying in %u ms", state->operation, state->attempts,
          cause->message, *out_delay_ms);
  fdnix_count (p->counter, 1);
  g_clear_error (error);
  return TRUE;
}

static void
on_wait_over (FdnixHttpClient *client, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/**
 * fdnix_retry_http_send:
 * @policy: the retry policy
 * @client: the client to send through
 * @request: the request; sent again unchanged on each retry
 * @operation: names the operation in messages ("download packages.json.br")
 * @out_response: (out) (transfer full): the 2xx response
 * @error: return location for the final error
 *
 * Sends a plain (unsigned) request with retries: connection failures,
 * timeouts, 408, 429 and 5xx are retried, honouring Retry-After; other
 * statuses fail at once.  A server that was never reached (connections
 * refused, names unknown) is given up on after
 * FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS attempts.  A streamed request is retried only while none of
 * its body has reached the write function (a consumer cannot un-see data;
 * resuming is the caller's business).  Other transfers of @client carry on
 * during back-off.
 *
 * Returns: TRUE with a 2xx response.
 */
gboolean
fdnix_retry_http_send (FdnixRetryPolicy *policy, FdnixHttpClient *client, FdnixHttpRequest *request,
                       const gchar *operation, FdnixHttpResponse **out_response, GError **error)
{
  FdnixRetryState state;
  gboolean ok = FALSE;

  fdnix_retry_state_init (&state, policy, operation);
  for (;;)
    {
      g_autoptr(FdnixHttpResponse) response = NULL;
      g_autoptr(GError) attempt_error = NULL;
      gint64 hint_ms = -1;
      guint delay_ms = 0;
      gboolean waited = FALSE;
      guint64 timer;

      if (fdnix_http_client_send (client, request, &response, &attempt_error) &&
          fdnix_http_response_check (response, NULL, &attempt_error))
        {
          fdnix_retry_state_succeeded (&state);
          *out_response = g_steal_pointer (&response);
          ok = TRUE;
          break;
        }
      if (g_error_matches (attempt_error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&attempt_error), "%s: ", operation);
          break;
        }
      if (response != NULL)
        hint_ms = fdnix_http_response_get_retry_after_ms (response);
      if (response == NULL && !fdnix_http_client_has_answered (client) &&
          g_error_matches (attempt_error, FDNIX_ERROR, FDNIX_ERROR_NETWORK) &&
          state.attempts + 1 >= FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&attempt_error),
                                      "%s: cannot reach the server (%u attempts; check the URL): ",
                                      operation, state.attempts + 1);
          break;
        }
      if (request->delivered > 0)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&attempt_error),
                                      "%s: failed after %" G_GUINT64_FORMAT " bytes: ",
                                      operation, request->delivered);
          break;
        }
      if (!fdnix_retry_state_next (&state, &attempt_error, hint_ms, &delay_ms))
        {
          if (state.attempts == 1)
            g_prefix_error (&attempt_error, "%s: ", operation);
          g_propagate_error (error, g_steal_pointer (&attempt_error));
          break;
        }
      timer = fdnix_http_client_add_timer (client, delay_ms, on_wait_over, &waited);
      if (!fdnix_http_client_run (client, &waited, error))
        {
          fdnix_http_client_remove_timer (client, timer);
          break;
        }
    }
  fdnix_retry_state_clear (&state);
  return ok;
}
