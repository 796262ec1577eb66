/* fdnix-embed-pool.c: worker threads, AIMD limit, retries and caps. */
#include "config.h"

#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-pool.h"
#include "embed/fdnix-embed-run.h"

struct _FdnixEmbedPool {
  FdnixEmbedder         *embedder;
  FdnixEmbedPoolOptions  options;
  guint                  dimension;
  FdnixRetryPolicy      *retry;
  GThread              **threads;
  GAsyncQueue           *todo;
  GQueue                 submitted;      /* consumer side only: FIFO of jobs */

  GMutex                 lock;
  GCond                  changed;
  gdouble                limit;          /* requests allowed in flight (AIMD) */
  gdouble                lowest_limit;
  guint                  in_flight;
  guint                  successes;      /* since the limit last changed */
  gint64                 not_before_us;  /* everyone waits after a throttle */
  guint64                requests;
  guint64                tokens;
  guint64                retries;
  gboolean               cap_reached;
  gboolean               stopping;       /* a job failed for good: send no more */
  GError                *first_error;    /* why the pool stopped */
};

/* The first back-off of a pool without a policy of its own (a query's
 * embedding in fdnix-search): not a setting. */
#define BASE_DELAY_MS 200

/**
 * fdnix_embed_pool_options_init:
 * @options: (out caller-allocates): options to fill with defaults: the
 *   attempts of [embed] max-attempts and the back-off cap of [retry]
 *   max-backoff, from their tables
 */
void
fdnix_embed_pool_options_init (FdnixEmbedPoolOptions *options)
{
  g_autoptr(FdnixConfig) defaults = fdnix_config_new_defaults (fdnix_embed_run_settings);
  FdnixRetryOptions retry;

  fdnix_retry_options_init (&retry);
  memset (options, 0, sizeof *options);
  options->concurrency = FDNIX_EMBED_POOL_SERVICE_CONCURRENCY;
  options->max_attempts = (guint) fdnix_config_get_int (defaults, "embed.max-attempts");
  options->base_delay_ms = BASE_DELAY_MS;
  options->max_delay_ms = retry.max_backoff_ms;
  options->retry = NULL;
  options->input_type = FDNIX_INPUT_DOCUMENT;
}

/**
 * fdnix_embed_job_new:
 * @user_data: (nullable): the caller's data (records the texts came from)
 * @user_data_free: (nullable): frees @user_data with the job
 *
 * Returns: (transfer full): a job without texts; add them to ->texts.
 */
FdnixEmbedJob *
fdnix_embed_job_new (gpointer user_data, GDestroyNotify user_data_free)
{
  FdnixEmbedJob *job = g_new0 (FdnixEmbedJob, 1);

  job->texts = g_ptr_array_new_with_free_func (g_free);
  job->user_data = user_data;
  job->user_data_free = user_data_free;
  return job;
}

/**
 * fdnix_embed_job_free:
 * @job: (transfer full) (nullable): a job
 */
void
fdnix_embed_job_free (FdnixEmbedJob *job)
{
  if (job == NULL)
    return;
  g_ptr_array_unref (job->texts);
  if (job->user_data_free != NULL)
    job->user_data_free (job->user_data);
  g_free (job->vectors);
  g_clear_error (&job->error);
  g_free (job);
}

static guint64
job_tokens (FdnixEmbedJob *job)
{
  guint64 tokens = 0;

  for (guint i = 0; i < job->texts->len; i++)
    tokens += fdnix_embed_estimate_tokens (job->texts->pdata[i]);
  return tokens;
}

/* Why a job that did not fail itself may not go on. */
static void
set_stopped_error (FdnixEmbedPool *self, GError **error)
{
  if (fdnix_cancel_check (error))
    {
      if (self->first_error != NULL)
        /* CANCELLED: this job was not refused; the message says why others were */
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED,
                     "embedding stopped: %s", self->first_error->message);
      else
        g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED, "embedding stopped");
    }
}

/* Waits for a slot under the adaptive limit; FALSE (with @error) when the
 * pool is stopping or a cap forbids this request. */
static gboolean
acquire (FdnixEmbedPool *self, guint64 tokens, GError **error)
{
  g_mutex_lock (&self->lock);
  while (TRUE)
    {
      gint64 now = g_get_monotonic_time ();

      if (self->stopping || fdnix_cancel_requested ())
        {
          set_stopped_error (self, error);
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      if ((self->options.max_requests > 0 && self->requests >= self->options.max_requests) ||
          (self->options.max_tokens > 0 && self->tokens + tokens > self->options.max_tokens))
        {
          self->cap_reached = TRUE;
          self->stopping = TRUE;
          g_cond_broadcast (&self->changed);
          g_mutex_unlock (&self->lock);
          if (self->options.max_requests > 0 && self->requests >= self->options.max_requests)
            g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_UNSAFE,
                         "the cap of %" G_GUINT64_FORMAT " requests per run is reached",
                         self->options.max_requests);
          else
            g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_UNSAFE,
                         "the cap of %" G_GUINT64_FORMAT " tokens per run is reached",
                         self->options.max_tokens);
          return FALSE;
        }
      if (self->in_flight < (guint) self->limit && now >= self->not_before_us)
        break;
      /* Wake up now and then, even during a throttling pause: a stop
       * signal cannot wake a condition variable. */
      g_cond_wait_until (&self->changed, &self->lock,
                         now < self->not_before_us ? MIN (now + 200 * 1000, self->not_before_us)
                                                   : now + 200 * 1000);
    }
  self->in_flight++;
  self->requests++;  /* counted up front, so concurrent workers respect the cap */
  self->tokens += tokens;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

typedef enum { ATTEMPT_OK, ATTEMPT_FAILED, ATTEMPT_THROTTLED } Outcome;

/* @pause_ms: for a throttled attempt, how long everyone waits. */
static void
release (FdnixEmbedPool *self, Outcome outcome, guint pause_ms)
{
  g_mutex_lock (&self->lock);
  self->in_flight--;
  if (outcome == ATTEMPT_OK)
    {
      /* additive increase: one more slot after a limit's worth of successes */
      if (++self->successes >= (guint) self->limit && self->limit < self->options.concurrency)
        {
          self->limit += 1;
          self->successes = 0;
        }
    }
  else if (outcome == ATTEMPT_THROTTLED)
    {
      /* multiplicative decrease, and a pause for everyone */
      self->limit = MAX (1.0, self->limit / 2);
      self->lowest_limit = MIN (self->lowest_limit, self->limit);
      self->successes = 0;
      self->not_before_us = MAX (self->not_before_us,
                                 g_get_monotonic_time () + (gint64) pause_ms * 1000);
      g_info ("throttled: %.0f request(s) in flight allowed, pausing %.1f s",
              self->limit, pause_ms / 1e3);
    }
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

static void
finish_job (FdnixEmbedPool *self, FdnixEmbedJob *job, GError *error)
{
  g_mutex_lock (&self->lock);
  job->error = error;
  if (error != NULL)
    {
      g_clear_pointer (&job->vectors, g_free);
      /* The first job to fail for a reason of its own says why the pool
       * stopped; jobs refused because it stopped repeat that reason. */
      if (self->first_error == NULL && !self->stopping &&
          !g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED))
        self->first_error = g_error_copy (error);
      self->stopping = TRUE;
    }
  job->done = TRUE;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

static void
run_job (FdnixEmbedPool *self, FdnixEmbedJob *job)
{
  guint64 tokens = job_tokens (job);
  g_autoptr(GError) error = NULL;
  FdnixRetryState state;

  fdnix_retry_state_init (&state, self->retry, "embedding request");
  job->vectors = g_new0 (gfloat, (gsize) job->texts->len * self->dimension);
  for (;;)
    {
      FdnixEmbedCost cost = { 0 };
      guint delay = 0;
      gboolean throttled;
      gboolean retry;

      g_clear_error (&error);
      if (!acquire (self, tokens, &error))
        break;
      job->attempts++;
      fdnix_embedder_embed (self->embedder, (const gchar * const *) job->texts->pdata,
                            job->texts->len, self->options.input_type, job->vectors,
                            &cost, &error);
      fdnix_count ("requests", cost.requests);
      if (error == NULL)
        {
          release (self, ATTEMPT_OK, 0);
          fdnix_retry_state_succeeded (&state);
          fdnix_count ("tokens", (gint64) cost.tokens);
          break;
        }
      throttled = g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_THROTTLED);
      if (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED))
        {
          release (self, ATTEMPT_FAILED, 0);
          break;
        }
      /* The policy caps the server's hint (max-retry-after) and the
       * back-off, counts the retry and words the final error. */
      retry = fdnix_retry_state_next (&state, &error,
                                      cost.retry_after_ms > 0 ? (gint64) cost.retry_after_ms : -1,
                                      &delay);
      release (self, throttled ? ATTEMPT_THROTTLED : ATTEMPT_FAILED, delay);
      if (!retry)
        break;
      g_mutex_lock (&self->lock);
      self->retries++;
      g_mutex_unlock (&self->lock);
      if (!fdnix_cancel_sleep (delay, &error))
        break;
    }
  fdnix_retry_state_clear (&state);
  finish_job (self, job, g_steal_pointer (&error));
}

static gpointer
worker (gpointer data)
{
  FdnixEmbedPool *self = data;

  while (TRUE)
    {
      FdnixEmbedJob *job = g_async_queue_pop (self->todo);

      if (job->texts == NULL)  /* the stop sentinel */
        {
          g_free (job);
          return NULL;
        }
      run_job (self, job);
    }
}

/**
 * fdnix_embed_pool_new:
 * @embedder: the embedder (a reference is kept)
 * @options: limits and retry policy (->retry is referenced)
 *
 * Returns: (transfer full): a running pool.
 */
FdnixEmbedPool *
fdnix_embed_pool_new (FdnixEmbedder *embedder, const FdnixEmbedPoolOptions *options)
{
  FdnixEmbedPool *self = g_new0 (FdnixEmbedPool, 1);

  self->embedder = g_object_ref (embedder);
  self->options = *options;
  self->options.concurrency = MAX (1, options->concurrency);
  self->options.max_attempts = MAX (1, options->max_attempts);
  self->dimension = fdnix_embedder_get_dimension (embedder);
  if (options->retry != NULL)
    self->retry = fdnix_retry_policy_ref (options->retry);
  else
    {
      FdnixRetryOptions retry;

      fdnix_retry_options_init (&retry);
      retry.max_attempts = self->options.max_attempts;
      retry.base_delay_ms = options->base_delay_ms;
      retry.throttle_base_delay_ms = options->base_delay_ms;
      retry.max_backoff_ms = options->max_delay_ms;
      self->retry = fdnix_retry_policy_new (&retry, fdnix_embedder_get_service (embedder));
    }
  self->limit = self->lowest_limit = self->options.concurrency;
  self->todo = g_async_queue_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  g_queue_init (&self->submitted);
  self->threads = g_new0 (GThread *, self->options.concurrency);
  for (guint i = 0; i < self->options.concurrency; i++)
    self->threads[i] = g_thread_new ("fdnix-embed", worker, self);
  return self;
}

/**
 * fdnix_embed_pool_submit:
 * @self: a pool
 * @job: (transfer full): a job with 1 to max-batch texts
 *
 * Queues @job; it comes back from fdnix_embed_pool_next() in order.
 */
void
fdnix_embed_pool_submit (FdnixEmbedPool *self, FdnixEmbedJob *job)
{
  g_return_if_fail (job->texts->len > 0);
  g_queue_push_tail (&self->submitted, job);
  g_async_queue_push (self->todo, job);
}

/**
 * fdnix_embed_pool_pending:
 * @self: a pool
 *
 * Returns: jobs submitted and not yet returned by fdnix_embed_pool_next().
 */
guint
fdnix_embed_pool_pending (FdnixEmbedPool *self)
{
  return self->submitted.length;
}

/**
 * fdnix_embed_pool_next:
 * @self: a pool
 *
 * Waits for the oldest submitted job to finish.
 *
 * Returns: (transfer full) (nullable): the job, with ->vectors or
 *   ->error set; NULL when nothing is pending.
 */
FdnixEmbedJob *
fdnix_embed_pool_next (FdnixEmbedPool *self)
{
  FdnixEmbedJob *job = g_queue_pop_head (&self->submitted);

  if (job == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  while (!job->done)
    g_cond_wait (&self->changed, &self->lock);
  g_mutex_unlock (&self->lock);
  return job;
}

/**
 * fdnix_embed_pool_cap_reached:
 * @self: a pool
 *
 * Returns: whether a per-run cap stopped the pool.
 */
gboolean
fdnix_embed_pool_cap_reached (FdnixEmbedPool *self)
{
  gboolean reached;

  g_mutex_lock (&self->lock);
  reached = self->cap_reached;
  g_mutex_unlock (&self->lock);
  return reached;
}

/**
 * fdnix_embed_pool_get_requests:
 * @self: a pool
 *
 * Returns: requests attempted so far (retries included).
 */
guint64
fdnix_embed_pool_get_requests (FdnixEmbedPool *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->requests;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * fdnix_embed_pool_get_retries:
 * @self: a pool
 *
 * Returns: retries so far.
 */
guint64
fdnix_embed_pool_get_retries (FdnixEmbedPool *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->retries;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * fdnix_embed_pool_get_limit:
 * @self: a pool
 *
 * Returns: the adaptive limit on requests in flight right now.
 */
gdouble
fdnix_embed_pool_get_limit (FdnixEmbedPool *self)
{
  gdouble limit;

  g_mutex_lock (&self->lock);
  limit = self->limit;
  g_mutex_unlock (&self->lock);
  return limit;
}

/**
 * fdnix_embed_pool_get_lowest_limit:
 * @self: a pool
 *
 * Returns: the lowest the adaptive limit went (throttling pushes it down).
 */
gdouble
fdnix_embed_pool_get_lowest_limit (FdnixEmbedPool *self)
{
  gdouble limit;

  g_mutex_lock (&self->lock);
  limit = self->lowest_limit;
  g_mutex_unlock (&self->lock);
  return limit;
}

/**
 * fdnix_embed_pool_free:
 * @self: (transfer full) (nullable): a pool
 *
 * Stops the workers (jobs still queued fail as cancelled) and frees
 * every job not returned yet.
 */
void
fdnix_embed_pool_free (FdnixEmbedPool *self)
{
  FdnixEmbedJob *job;

  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->options.concurrency; i++)
    g_async_queue_push (self->todo, g_new0 (FdnixEmbedJob, 1));
  for (guint i = 0; i < self->options.concurrency; i++)
    g_thread_join (self->threads[i]);
  while ((job = g_queue_pop_head (&self->submitted)) != NULL)
    fdnix_embed_job_free (job);
  g_free (self->threads);
  g_async_queue_unref (self->todo);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  fdnix_retry_policy_unref (self->retry);
  g_clear_error (&self->first_error);
  g_object_unref (self->embedder);
  g_free (self);
}
