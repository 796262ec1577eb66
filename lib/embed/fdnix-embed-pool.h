/* fdnix-embed-pool.h: several embedding requests in flight, politely.
 *
 * Jobs (a batch of texts each) are sent by worker threads, at most
 * "concurrency" at a time.  The pool adapts to the service: a throttling
 * answer halves the number of requests allowed in flight and pauses
 * everyone for a backoff; each run of successes lets one more in again
 * (additive increase, multiplicative decrease, as TCP does).  Retryable
 * failures are retried by a FdnixRetryPolicy (exponential back-off with
 * full jitter, a server's Retry-After honoured up to max-retry-after, an
 * attempt cap and a retry budget); caps on requests and tokens per run
 * stop the pool cleanly.  Every wait ends at once on SIGTERM/SIGINT.
 *
 * When a job fails for good, the pool stops: jobs still waiting fail with
 * that first cause in their message, so whichever job the caller looks at
 * first says why.
 *
 * Results come back in submission order, so a run is deterministic
 * whatever the timing.
 */
#pragma once

#include "embed/fdnix-embedder.h"
#include "net/fdnix-retry.h"

G_BEGIN_DECLS

/* Requests in flight to a service when [embed] concurrency is 0 (auto). */
#define FDNIX_EMBED_POOL_SERVICE_CONCURRENCY 4

typedef struct {
  guint          concurrency;     /* most requests in flight, at least 1 */
  guint64        max_requests;    /* per run; 0: no cap */
  guint64        max_tokens;      /* per run (estimated); 0: no cap */
  guint          max_attempts;    /* per job, at least 1 */
  guint          base_delay_ms;   /* first backoff */
  guint          max_delay_ms;    /* backoff ceiling */
  FdnixInputType input_type;
  FdnixRetryPolicy *retry;        /* (nullable) (transfer none): the policy;
                                   * NULL: [retry] defaults with the three
                                   * fields above */
} FdnixEmbedPoolOptions;

typedef struct {
  GPtrArray      *texts;          /* gchar*, owned */
  gpointer        user_data;
  GDestroyNotify  user_data_free;
  /* set by the pool */
  gfloat         *vectors;        /* texts->len × dimension */
  GError         *error;
  guint           attempts;
  gboolean        done;
} FdnixEmbedJob;

typedef struct _FdnixEmbedPool FdnixEmbedPool;

void            fdnix_embed_pool_options_init (FdnixEmbedPoolOptions *options);
FdnixEmbedJob  *fdnix_embed_job_new        (gpointer                     user_data,
                                            GDestroyNotify               user_data_free);
void            fdnix_embed_job_free       (FdnixEmbedJob               *job);
FdnixEmbedPool *fdnix_embed_pool_new       (FdnixEmbedder               *embedder,
                                            const FdnixEmbedPoolOptions *options);
void            fdnix_embed_pool_submit    (FdnixEmbedPool              *self,
                                            FdnixEmbedJob               *job);
guint           fdnix_embed_pool_pending   (FdnixEmbedPool              *self);
FdnixEmbedJob  *fdnix_embed_pool_next      (FdnixEmbedPool              *self);
gboolean        fdnix_embed_pool_cap_reached (FdnixEmbedPool            *self);
guint64         fdnix_embed_pool_get_requests (FdnixEmbedPool           *self);
guint64         fdnix_embed_pool_get_retries  (FdnixEmbedPool           *self);
gdouble         fdnix_embed_pool_get_limit    (FdnixEmbedPool           *self);
gdouble         fdnix_embed_pool_get_lowest_limit (FdnixEmbedPool       *self);
void            fdnix_embed_pool_free      (FdnixEmbedPool              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixEmbedJob, fdnix_embed_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixEmbedPool, fdnix_embed_pool_free)

G_END_DECLS
