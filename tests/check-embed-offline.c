/* check-embed-offline: text capping, the offline embedder, the request pool. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-record.h"
#include "embed/fdnix-embed-pool.h"
#include "embed/fdnix-embedder-offline.h"
#include "fdnix-test.h"

static FdnixEmbedder *
offline (guint dimension)
{
  g_autofree gchar *path = fdnix_test_idf_path ();
  g_autoptr(GError) error = NULL;
  FdnixEmbedder *embedder = fdnix_embedder_offline_new (path, dimension, &error);

  ck_assert_msg (embedder != NULL, "%s", error != NULL ? error->message : "");
  return embedder;
}

/* ---- capping */

static const struct {
  const gchar *text;
  guint        max;
  const gchar *expected;
} cap_cases[] = {
  { "short", 10, "short" },
  { "exactly ten", 11, "exactly ten" },
  { "cut at the space please", 14, "cut at the" },
  { "nospacesatallinthislongword", 10, "nospacesat" },
  { "caf\xc3\xa9 au lait", 4, "caf\xc3\xa9" },   /* characters, not bytes */
  { "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 2, "\xe2\x82\xac\xe2\x82\xac" },
  { "trailing   spaces   here", 12, "trailing" },
  { "no limit", 0, "no limit" },
};

START_TEST (test_text_cap)
{
  g_autofree gchar *capped = fdnix_embed_text_cap (cap_cases[_i].text, cap_cases[_i].max);

  ck_assert_str_eq (capped, cap_cases[_i].expected);
  ck_assert (g_utf8_validate (capped, -1, NULL));
  if (cap_cases[_i].max > 0)
    ck_assert_int_le (g_utf8_strlen (capped, -1), cap_cases[_i].max);
}
END_TEST

START_TEST (test_token_estimate)
{
  ck_assert_uint_eq (fdnix_embed_estimate_tokens (""), 1);
  ck_assert_uint_eq (fdnix_embed_estimate_tokens ("abcd"), 1);
  ck_assert_uint_eq (fdnix_embed_estimate_tokens ("abcde"), 2);
  ck_assert_uint_eq (fdnix_embed_estimate_tokens ("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 1);
}
END_TEST

/* ---- the offline embedder */

static gdouble
dot (const gfloat *a, const gfloat *b, guint n)
{
  gdouble sum = 0;

  for (guint i = 0; i < n; i++)
    sum += (gdouble) a[i] * b[i];
  return sum;
}

static gchar *
text_of (const gchar *name, const gchar *description)
{
  g_autoptr(FdnixRecord) r = fdnix_record_new ();

  r->package_name = g_strdup (name);
  r->pname = g_strdup (name);
  r->version = g_strdup ("1.0");
  r->description = g_strdup (description);
  return fdnix_record_embedding_text (r);
}

START_TEST (test_offline_properties)
{
  g_autoptr(FdnixEmbedder) embedder = offline (256);
  g_autofree gchar *rg = text_of ("ripgrep", "Utility that combines the usability of The Silver Searcher with the raw speed of grep");
  g_autofree gchar *ag = text_of ("silver-searcher", "Code-searching tool similar to ack, but faster");
  g_autofree gchar *game = text_of ("0ad", "Free, open-source game of ancient warfare");
  const gchar *texts[] = { rg, ag, game, rg };
  gfloat v[4 * 256];
  FdnixEmbedCost cost = { 0 };
  g_autoptr(GError) error = NULL;

  ck_assert_uint_eq (fdnix_embedder_get_dimension (embedder), 256);
  ck_assert_str_eq (fdnix_embedder_get_service (embedder), "offline");
  ck_assert (g_str_has_prefix (fdnix_embedder_get_model (embedder), "fdnix-offline-v1-d256-"));
  ck_assert_uint_eq (strlen (fdnix_embedder_get_model (embedder)), strlen ("fdnix-offline-v1-d256-") + 8);
  ck_assert (fdnix_embedder_embed (embedder, texts, 4, FDNIX_INPUT_DOCUMENT, v, &cost, &error));
  ck_assert_uint_eq (cost.requests, 0);
  ck_assert_uint_gt (cost.tokens, 20);
  for (guint i = 0; i < 4; i++)
    ck_assert_msg (fabs (dot (v + i * 256, v + i * 256, 256) - 1.0) < 1e-5, "not unit length");
  /* deterministic within a batch */
  ck_assert (memcmp (v, v + 3 * 256, 256 * sizeof (gfloat)) == 0);
  /* two grep tools are closer to each other than to a game */
  ck_assert_msg (dot (v, v + 256, 256) > dot (v, v + 2 * 256, 256) + 0.05,
                 "rg·ag %f, rg·0ad %f", dot (v, v + 256, 256), dot (v, v + 2 * 256, 256));
}
END_TEST

/* A query that is a misspelt name still lands near the package. */
START_TEST (test_offline_query)
{
  g_autoptr(FdnixEmbedder) embedder = offline (256);
  g_autofree gchar *rg = text_of ("ripgrep", "Utility that combines the usability of The Silver Searcher with the raw speed of grep");
  g_autofree gchar *jq = text_of ("jq", "Lightweight and flexible command-line JSON processor");
  const gchar *docs[] = { rg, jq };
  const gchar *queries[] = { "ripgrp", "json processor" };
  gfloat d[2 * 256], q[2 * 256];

  ck_assert (fdnix_embedder_embed (embedder, docs, 2, FDNIX_INPUT_DOCUMENT, d, NULL, NULL));
  ck_assert (fdnix_embedder_embed (embedder, queries, 2, FDNIX_INPUT_QUERY, q, NULL, NULL));
  ck_assert (dot (q, d, 256) > dot (q, d + 256, 256));
  ck_assert (dot (q + 256, d + 256, 256) > dot (q + 256, d, 256));
}
END_TEST

/* The same text in another call, another thread or another dimension
 * setting: same vector for the same dimension, another model id otherwise. */
START_TEST (test_offline_stable)
{
  g_autoptr(FdnixEmbedder) a = offline (256);
  g_autoptr(FdnixEmbedder) b = offline (256);
  g_autoptr(FdnixEmbedder) c = offline (64);
  const gchar *text[] = { "Package: hello\nDescription: Program that produces a familiar, friendly greeting\n" };
  gfloat va[256], vb[256], vc[64];
  gdouble sum = 0;

  ck_assert (fdnix_embedder_embed (a, text, 1, FDNIX_INPUT_DOCUMENT, va, NULL, NULL));
  ck_assert (fdnix_embedder_embed (b, text, 1, FDNIX_INPUT_DOCUMENT, vb, NULL, NULL));
  ck_assert (fdnix_embedder_embed (c, text, 1, FDNIX_INPUT_DOCUMENT, vc, NULL, NULL));
  ck_assert (memcmp (va, vb, sizeof va) == 0);
  ck_assert_str_eq (fdnix_embedder_get_model (a), fdnix_embedder_get_model (b));
  ck_assert_str_ne (fdnix_embedder_get_model (a), fdnix_embedder_get_model (c));
  for (guint i = 0; i < 256; i++)
    sum += fabs (va[i]);
  ck_assert (sum > 0.5);
  /* Pinned: a change to the features changes every stored vector, so it
   * must come with a new model id ("fdnix-offline-v2-..."), and this
   * digest with it. */
  {
    g_autofree gchar *digest = fdnix_sha256_hex (va, sizeof va);
    ck_assert_str_eq (digest, "1522fd3fa3d82d2f6e585a063d1003fee351cc8f2756a0ffd5c6b19d9ccd7e70");
  }
}
END_TEST

START_TEST (test_offline_bad_data)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *plain = g_build_filename (dir, "plain.tsv.gz", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing.tsv.gz", NULL);
  g_autoptr(GError) error = NULL;

  ck_assert (g_file_set_contents (plain, "not gzip", -1, NULL));
  ck_assert (fdnix_embedder_offline_new (plain, 256, &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, plain) != NULL, "%s", error->message);
  g_clear_error (&error);
  ck_assert (fdnix_embedder_offline_new (missing, 256, &error) == NULL);
  ck_assert_msg (strstr (error->message, missing) != NULL, "%s", error->message);
  g_clear_error (&error);
  {
    g_autofree gchar *path = fdnix_test_idf_path ();
    ck_assert (fdnix_embedder_offline_new (path, 8, &error) == NULL);
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
  }
  fdnix_test_rmtree (dir);
}
END_TEST

/* ---- the pool, with a scripted embedder */

#define FAKE_DIM 4

typedef struct {
  GObject   parent_instance;
  GMutex    lock;
  guint     calls;
  guint     throttle_first;   /* answer THROTTLED to the first N calls */
  guint     fail_at;          /* answer a validation error to call N (1-based) */
  guint     in_flight;
  guint     max_in_flight;
  gulong    delay_us;
} FakeEmbedder;

typedef struct {
  GObjectClass parent_class;
} FakeEmbedderClass;

static void fake_iface_init (FdnixEmbedderInterface *iface);
GType fake_embedder_get_type (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeEmbedder, g_object_unref)
G_DEFINE_TYPE_WITH_CODE (FakeEmbedder, fake_embedder, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_EMBEDDER, fake_iface_init))

static FdnixEmbedderInfo fake_embedder_info = { "fake", (gchar *) "fake-model", FAKE_DIM, 8, 100 };
static const FdnixEmbedderInfo *fake_info (FdnixEmbedder *e) { return &fake_embedder_info; }

static gboolean
fake_embed (FdnixEmbedder *embedder, const gchar * const *texts, guint n, FdnixInputType type,
            gfloat *out, FdnixEmbedCost *cost, GError **error)
{
  FakeEmbedder *self = (FakeEmbedder *) embedder;
  guint call;

  g_mutex_lock (&self->lock);
  call = ++self->calls;
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  g_mutex_unlock (&self->lock);
  g_usleep (self->delay_us);
  g_mutex_lock (&self->lock);
  self->in_flight--;
  g_mutex_unlock (&self->lock);
  cost->requests = 1;
  if (call <= self->throttle_first)
    {
      cost->retry_after_ms = 1;
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_THROTTLED, "slow down (call %u)", call);
      return FALSE;
    }
  if (call == self->fail_at)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_REJECTED, "bad input (call %u)", call);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < FAKE_DIM; j++)
      out[i * FAKE_DIM + j] = (gfloat) strlen (texts[i]) + j;
  return TRUE;
}

static void
fake_iface_init (FdnixEmbedderInterface *iface)
{
  iface->get_info = fake_info;
  iface->embed = fake_embed;
}

static void
fake_embedder_finalize (GObject *object)
{
  g_mutex_clear (&((FakeEmbedder *) object)->lock);
  G_OBJECT_CLASS (fake_embedder_parent_class)->finalize (object);
}

static void
fake_embedder_class_init (FakeEmbedderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_embedder_finalize;
}

static void
fake_embedder_init (FakeEmbedder *self)
{
  g_mutex_init (&self->lock);
}

static FdnixEmbedJob *
job_of (guint n, guint first_length)
{
  FdnixEmbedJob *job = fdnix_embed_job_new (GUINT_TO_POINTER (first_length), NULL);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (job->texts, g_strnfill (first_length + i, 'x'));
  return job;
}

static FdnixEmbedPoolOptions
fast_options (guint concurrency)
{
  FdnixEmbedPoolOptions o;

  fdnix_embed_pool_options_init (&o);
  o.concurrency = concurrency;
  o.base_delay_ms = 1;
  o.max_delay_ms = 5;
  return o;
}

/* Results come back in submission order whatever the timing, and no more
 * requests are in flight than allowed. */
START_TEST (test_pool_order_and_limit)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  FdnixEmbedPoolOptions o = fast_options (3);
  g_autoptr(FdnixEmbedPool) pool = NULL;

  fake->delay_us = 2000;
  pool = fdnix_embed_pool_new (FDNIX_EMBEDDER (fake), &o);
  for (guint i = 0; i < 20; i++)
    fdnix_embed_pool_submit (pool, job_of (3, 10 * i + 1));
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(FdnixEmbedJob) job = fdnix_embed_pool_next (pool);

      ck_assert (job != NULL && job->error == NULL);
      ck_assert_uint_eq (GPOINTER_TO_UINT (job->user_data), 10 * i + 1);
      ck_assert (job->vectors[FAKE_DIM * 2] == (gfloat) (10 * i + 3));
    }
  ck_assert (fdnix_embed_pool_next (pool) == NULL);
  ck_assert_uint_le (fake->max_in_flight, 3);
  ck_assert_uint_ge (fake->max_in_flight, 2);
  ck_assert_uint_eq (fdnix_embed_pool_get_requests (pool), 20);
}
END_TEST

/* Throttling: every job still succeeds, retries are counted, the limit
 * drops, and it climbs back after successes. */
START_TEST (test_pool_throttling_adapts)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  FdnixEmbedPoolOptions o = fast_options (4);
  g_autoptr(FdnixEmbedPool) pool = NULL;

  fake->throttle_first = 6;
  pool = fdnix_embed_pool_new (FDNIX_EMBEDDER (fake), &o);
  for (guint i = 0; i < 4; i++)
    fdnix_embed_pool_submit (pool, job_of (2, i + 1));
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(FdnixEmbedJob) job = fdnix_embed_pool_next (pool);
      ck_assert_msg (job->error == NULL, "%s", job->error != NULL ? job->error->message : "");
    }
  ck_assert_uint_eq (fdnix_embed_pool_get_retries (pool), 6);
  ck_assert_uint_eq (fdnix_embed_pool_get_requests (pool), 10);
  ck_assert (fdnix_embed_pool_get_lowest_limit (pool) <= 1.0);
  /* speed up again */
  for (guint i = 0; i < 60; i++)
    fdnix_embed_pool_submit (pool, job_of (1, 1));
  for (guint i = 0; i < 60; i++)
    fdnix_embed_job_free (fdnix_embed_pool_next (pool));
  ck_assert_msg (fdnix_embed_pool_get_limit (pool) >= 4, "limit %f", fdnix_embed_pool_get_limit (pool));
}
END_TEST

/* A non-retryable error fails its job once and stops the rest. */
START_TEST (test_pool_fatal_error)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  FdnixEmbedPoolOptions o = fast_options (1);
  g_autoptr(FdnixEmbedPool) pool = NULL;
  guint ok = 0, failed = 0;

  fake->fail_at = 3;
  pool = fdnix_embed_pool_new (FDNIX_EMBEDDER (fake), &o);
  for (guint i = 0; i < 6; i++)
    fdnix_embed_pool_submit (pool, job_of (1, 1));
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(FdnixEmbedJob) job = fdnix_embed_pool_next (pool);

      if (job->error == NULL)
        ok++;
      else
        {
          failed++;
          if (i == 2)
            ck_assert (g_error_matches (job->error, FDNIX_ERROR, FDNIX_ERROR_REJECTED));
          else
            ck_assert (g_error_matches (job->error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED));
          ck_assert_uint_le (job->attempts, 1);
        }
    }
  ck_assert_uint_eq (ok, 2);
  ck_assert_uint_eq (failed, 4);
  ck_assert_uint_eq (fake->calls, 3);
}
END_TEST

/* Retries stop at the cap with a clear message. */
START_TEST (test_pool_gives_up)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  FdnixEmbedPoolOptions o = fast_options (1);
  g_autoptr(FdnixEmbedPool) pool = NULL;
  g_autoptr(FdnixEmbedJob) job = NULL;

  fake->throttle_first = 1000;
  o.max_attempts = 5;
  pool = fdnix_embed_pool_new (FDNIX_EMBEDDER (fake), &o);
  fdnix_embed_pool_submit (pool, job_of (1, 1));
  job = fdnix_embed_pool_next (pool);
  ck_assert (g_error_matches (job->error, FDNIX_ERROR, FDNIX_ERROR_THROTTLED));
  ck_assert_msg (strstr (job->error->message, "gave up after 5 attempts") != NULL, "%s", job->error->message);
  ck_assert_uint_eq (fake->calls, 5);
}
END_TEST

static const struct {
  guint64 max_requests;
  guint64 max_tokens;
  guint   expected_ok;
} cap_limits[] = {
  { 3, 0, 3 },
  { 0, 4, 2 },   /* each job: 2 texts of 1-2 characters, estimated 2 tokens */
};

START_TEST (test_pool_caps)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  FdnixEmbedPoolOptions o = fast_options (1);
  g_autoptr(FdnixEmbedPool) pool = NULL;
  guint ok = 0;

  o.max_requests = cap_limits[_i].max_requests;
  o.max_tokens = cap_limits[_i].max_tokens;
  pool = fdnix_embed_pool_new (FDNIX_EMBEDDER (fake), &o);
  for (guint i = 0; i < 6; i++)
    fdnix_embed_pool_submit (pool, job_of (2, 1));
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(FdnixEmbedJob) job = fdnix_embed_pool_next (pool);
      if (job->error == NULL)
        ok++;
      else if (i == cap_limits[_i].expected_ok)
        ck_assert_msg (strstr (job->error->message, "cap of") != NULL, "%s", job->error->message);
    }
  ck_assert_uint_eq (ok, cap_limits[_i].expected_ok);
  ck_assert (fdnix_embed_pool_cap_reached (pool));
}
END_TEST

static Suite *
embed_offline_suite (void)
{
  Suite *s = suite_create ("embed-offline");
  TCase *tc = tcase_create ("text");
  TCase *tp = tcase_create ("pool");

  tcase_add_loop_test (tc, test_text_cap, 0, G_N_ELEMENTS (cap_cases));
  tcase_add_test (tc, test_token_estimate);
  tcase_add_test (tc, test_offline_properties);
  tcase_add_test (tc, test_offline_query);
  tcase_add_test (tc, test_offline_stable);
  tcase_add_test (tc, test_offline_bad_data);
  suite_add_tcase (s, tc);
  tcase_add_test (tp, test_pool_order_and_limit);
  tcase_add_test (tp, test_pool_throttling_adapts);
  tcase_add_test (tp, test_pool_fatal_error);
  tcase_add_test (tp, test_pool_gives_up);
  tcase_add_loop_test (tp, test_pool_caps, 0, G_N_ELEMENTS (cap_limits));
  suite_add_tcase (s, tp);
  return s;
}

int
main (void)
{
  return fdnix_test_run (embed_offline_suite ());
}
