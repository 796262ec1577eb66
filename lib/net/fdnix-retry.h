/* fdnix-retry.h: bounded retries with back-off, modelled on the AWS SDKs'
 * "standard" retry mode.
 *
 * - Delays use exponential back-off with full jitter:
 *   random(0, min(max-backoff, base × 2^(attempt-1))), with a larger base
 *   for throttling errors than for other transient ones, and never less
 *   than a server's hint (Retry-After, x-amz-retry-after; capped).
 * - Every operation has at most max-attempts attempts, and at most
 *   max-timeouts of them may time out (a server that accepts requests and
 *   then stalls costs minutes per attempt, not milliseconds).
 * - A policy holds a retry budget (the SDKs' retry quota): each retry costs
 *   tokens (more after a timeout), a success without retries earns one back
 *   and a success after retries returns what it borrowed.  When a service
 *   fails everything, the budget runs dry and callers fail fast instead of
 *   each waiting out its own attempts.
 *
 * Whether an error is worth retrying is fdnix_error_is_retryable(): callers
 * classify responses into FDNIX_ERROR codes first (THROTTLED gets the
 * throttling base).  Each retry counts as "retries.<service>" in the run
 * summary.  A policy is thread-safe; a FdnixRetryState belongs to one
 * operation.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-config.h"
#include "net/fdnix-http.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_retry_settings[];

typedef struct {
  guint max_attempts;            /* first attempt included */
  guint base_delay_ms;           /* back-off base for transient errors */
  guint throttle_base_delay_ms;  /* back-off base for throttling */
  guint max_backoff_ms;          /* cap of one computed delay */
  guint max_retry_after_ms;      /* cap of a server's hint */
  guint quota;                   /* retry tokens per policy */
  guint retry_cost;              /* tokens per retry */
  guint timeout_cost;            /* tokens per retry after a timeout */
  guint max_timeouts;            /* timed-out attempts per operation at most */
} FdnixRetryOptions;

/* Until an endpoint has answered once, a connection failure is more likely
 * a wrong URL or a dead server than a passing glitch: callers give up
 * after this many attempts instead of waiting out the whole policy. */
#define FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS 3

typedef struct _FdnixRetryPolicy FdnixRetryPolicy;

typedef struct {
  FdnixRetryPolicy *policy;
  gchar            *operation;   /* names the operation in messages */
  guint             attempts;    /* attempts that have failed so far */
  guint             held;        /* budget tokens borrowed by this operation */
  guint64           waited_ms;   /* back-off slept in total */
  guint             timeouts;    /* attempts that timed out */
} FdnixRetryState;

void              fdnix_retry_options_init   (FdnixRetryOptions       *options);
gboolean          fdnix_retry_options_load   (FdnixRetryOptions       *options,
                                              FdnixConfig             *config,
                                              GError                 **error);

FdnixRetryPolicy *fdnix_retry_policy_new     (const FdnixRetryOptions *options,
                                              const gchar             *service);
FdnixRetryPolicy *fdnix_retry_policy_ref     (FdnixRetryPolicy        *self);
void              fdnix_retry_policy_unref   (FdnixRetryPolicy        *self);
void              fdnix_retry_policy_set_seed (FdnixRetryPolicy       *self,
                                              guint32                  seed);
const FdnixRetryOptions *fdnix_retry_policy_get_options (FdnixRetryPolicy *self);
guint             fdnix_retry_policy_get_tokens (FdnixRetryPolicy     *self);
guint             fdnix_retry_policy_compute_delay (FdnixRetryPolicy  *self,
                                              guint                    attempt,
                                              gboolean                 throttled,
                                              gint64                   hint_ms);

void              fdnix_retry_state_init     (FdnixRetryState         *state,
                                              FdnixRetryPolicy        *policy,
                                              const gchar             *operation);
void              fdnix_retry_state_clear    (FdnixRetryState         *state);
gboolean          fdnix_retry_state_next     (FdnixRetryState         *state,
                                              GError                 **error,
                                              gint64                   hint_ms,
                                              guint                   *out_delay_ms);
void              fdnix_retry_state_succeeded (FdnixRetryState        *state);

gboolean          fdnix_retry_http_send      (FdnixRetryPolicy        *policy,
                                              FdnixHttpClient         *client,
                                              FdnixHttpRequest        *request,
                                              const gchar             *operation,
                                              FdnixHttpResponse      **out_response,
                                              GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixRetryPolicy, fdnix_retry_policy_unref)

G_END_DECLS
