/* check-settings: each default is written once, in its settings table, and
 * a module that reads a table the program never registered fails, naming
 * the key and where the user's value for it came from. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "aws/fdnix-aws-config.h"
#include "core/fdnix-config.h"
#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-program.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-pool.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-bedrock.h"
#include "embed/fdnix-embedder-openai.h"
#include "embed/fdnix-embedder-factory.h"
#include "ingest/fdnix-json-stream.h"
#include "ingest/fdnix-metadata-run.h"
#include "ingest/fdnix-normalize.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-searcher.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-store-factory.h"
#include "vectors/fdnix-objects.h"
#include "fdnix-test.h"

/* ------------------------------------------------ defaults: table = init */

typedef enum {
  FROM_RETRY,     /* a field of fdnix_retry_options_init() */
  FROM_HTTP,      /* a field of fdnix_http_options_init() */
  FROM_POOL,      /* a field of fdnix_embed_pool_options_init() */
  FROM_CONSTANT,  /* a lower layer's constant the table's text is made of */
} Origin;

typedef enum { FIELD_UINT, FIELD_LONG, FIELD_DOUBLE, FIELD_PATH } FieldType;

static const struct {
  const FdnixSetting *table;
  const gchar        *key;
  Origin              origin;
  gsize               offset;     /* of the field in the options */
  FieldType           type;
  gdouble             scale;      /* option units per setting unit */
  gdouble             constant;   /* FROM_CONSTANT: the value */
} default_cases[] = {
  { fdnix_retry_settings, "retry.max-attempts", FROM_RETRY, offsetof (FdnixRetryOptions, max_attempts), FIELD_UINT, 1, 0 },
  { fdnix_retry_settings, "retry.base-delay", FROM_RETRY, offsetof (FdnixRetryOptions, base_delay_ms), FIELD_UINT, 1000, 0 },
  { fdnix_retry_settings, "retry.throttle-base-delay", FROM_RETRY, offsetof (FdnixRetryOptions, throttle_base_delay_ms), FIELD_UINT, 1000, 0 },
  { fdnix_retry_settings, "retry.max-backoff", FROM_RETRY, offsetof (FdnixRetryOptions, max_backoff_ms), FIELD_UINT, 1000, 0 },
  { fdnix_retry_settings, "retry.max-retry-after", FROM_RETRY, offsetof (FdnixRetryOptions, max_retry_after_ms), FIELD_UINT, 1000, 0 },
  { fdnix_retry_settings, "retry.quota", FROM_RETRY, offsetof (FdnixRetryOptions, quota), FIELD_UINT, 1, 0 },
  { fdnix_retry_settings, "retry.max-timeouts", FROM_RETRY, offsetof (FdnixRetryOptions, max_timeouts), FIELD_UINT, 1, 0 },
  { fdnix_http_settings, "http.connect-timeout", FROM_HTTP, offsetof (FdnixHttpOptions, connect_timeout), FIELD_DOUBLE, 1, 0 },
  { fdnix_http_settings, "http.timeout", FROM_HTTP, offsetof (FdnixHttpOptions, timeout), FIELD_DOUBLE, 1, 0 },
  { fdnix_http_settings, "http.download-timeout", FROM_HTTP, offsetof (FdnixHttpOptions, download_timeout), FIELD_DOUBLE, 1, 0 },
  { fdnix_http_settings, "http.low-speed-time", FROM_HTTP, offsetof (FdnixHttpOptions, low_speed_time), FIELD_DOUBLE, 1, 0 },
  { fdnix_http_settings, "http.low-speed-limit", FROM_HTTP, offsetof (FdnixHttpOptions, low_speed_limit), FIELD_LONG, 1, 0 },
  { fdnix_http_settings, "http.max-connections", FROM_HTTP, offsetof (FdnixHttpOptions, max_connections), FIELD_UINT, 1, 0 },
  { fdnix_http_settings, "http.ca-file", FROM_HTTP, offsetof (FdnixHttpOptions, ca_file), FIELD_PATH, 1, 0 },
  { fdnix_embed_run_settings, "embed.max-attempts", FROM_POOL, offsetof (FdnixEmbedPoolOptions, max_attempts), FIELD_UINT, 1, 0 },
  { fdnix_retry_settings, "retry.max-backoff", FROM_POOL, offsetof (FdnixEmbedPoolOptions, max_delay_ms), FIELD_UINT, 1000, 0 },
  { fdnix_package_reader_settings, "ingest.max-long-description", FROM_CONSTANT, 0, FIELD_UINT, 1,
    FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION },
  { fdnix_package_reader_settings, "ingest.max-entry-size", FROM_CONSTANT, 0, FIELD_UINT, 1,
    FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE },
};

/* The options each init function gives, as a field at an offset. */
typedef union {
  FdnixRetryOptions     retry;
  FdnixHttpOptions      http;
  FdnixEmbedPoolOptions pool;
} AnyOptions;

START_TEST (test_default_from_table)
{
  g_autoptr(FdnixConfig) defaults = fdnix_config_new_defaults (default_cases[_i].table);
  const gchar *key = default_cases[_i].key;
  const FdnixSetting *setting = fdnix_config_lookup_setting (defaults, key);
  AnyOptions options;
  const guint8 *field = (const guint8 *) &options + default_cases[_i].offset;
  gdouble want, got = 0;

  memset (&options, 0, sizeof options);
  ck_assert_msg (setting != NULL, "%s is not in the table given", key);
  switch (default_cases[_i].origin)
    {
    case FROM_RETRY:
      fdnix_retry_options_init (&options.retry);
      break;
    case FROM_HTTP:
      fdnix_http_options_init (&options.http);
      break;
    case FROM_POOL:
      fdnix_embed_pool_options_init (&options.pool);
      break;
    case FROM_CONSTANT:
    default:
      break;
    }
  if (default_cases[_i].type == FIELD_PATH)
    {
      g_autofree gchar *path = fdnix_config_get_path (defaults, key);
      ck_assert_str_eq (path != NULL ? path : "(none)",
                        *(gchar *const *) field != NULL ? *(gchar *const *) field : "(none)");
    }
  else
    {
      ck_assert_msg (setting->default_value != NULL, "%s has no default", key);
      want = fdnix_config_get_double (defaults, key) * default_cases[_i].scale;
      switch (default_cases[_i].type)
        {
        case FIELD_UINT:
          got = default_cases[_i].origin == FROM_CONSTANT ? default_cases[_i].constant
                                                          : *(const guint *) field;
          /* whole units: the options round to them */
          want = (gdouble) (guint64) (want + 0.5);
          break;
        case FIELD_LONG:
          got = *(const glong *) field;
          break;
        case FIELD_DOUBLE:
        default:
          got = *(const gdouble *) field;
          break;
        }
      ck_assert_msg (got == want, "%s: the table says %s (%g in the options' units), "
                     "the options have %g", key, setting->default_value, want, got);
    }
  if (default_cases[_i].origin == FROM_HTTP)
    fdnix_http_options_clear (&options.http);
}
END_TEST

/* Every [retry] and [http] setting is a field of its options: one added to
 * the table without its place in the options fails here. */
START_TEST (test_default_cases_complete)
{
  const FdnixSetting *const tables[] = { fdnix_retry_settings, fdnix_http_settings };

  for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const FdnixSetting *s = tables[t]; s->key != NULL; s++)
      {
        gboolean found = FALSE;

        for (gsize i = 0; i < G_N_ELEMENTS (default_cases) && !found; i++)
          found = default_cases[i].table == tables[t] && g_str_equal (default_cases[i].key, s->key);
        ck_assert_msg (found, "%s: no case compares its default with the options", s->key);
      }
}
END_TEST

/* A configured value reaches the options through the same mapping. */
START_TEST (test_load_uses_config)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;
  FdnixRetryOptions retry;
  FdnixHttpOptions http;

  fdnix_config_register (config, fdnix_retry_settings);
  fdnix_config_register (config, fdnix_http_settings);
  ck_assert (fdnix_config_set (config, "retry.base-delay", "0.57", FDNIX_SOURCE_CLI, &error));
  ck_assert (fdnix_config_set (config, "http.timeout", "7.5", FDNIX_SOURCE_CLI, &error));
  fdnix_retry_options_init (&retry);
  fdnix_http_options_init (&http);
  ck_assert (fdnix_retry_options_load (&retry, config, &error));
  ck_assert (fdnix_http_options_load (&http, config, &error));
  ck_assert_uint_eq (retry.base_delay_ms, 570);
  ck_assert (http.timeout == 7.5);
  /* what is not a setting stays as the init function left it */
  ck_assert_uint_gt (retry.retry_cost, 0);
  ck_assert_uint_gt (http.max_body, 0);
  fdnix_http_options_clear (&http);
}
END_TEST

/* ------------------------------------- reading an unregistered table fails */

static gboolean
read_http (FdnixConfig *config, GError **error)
{
  FdnixHttpOptions options;
  gboolean ok;

  fdnix_http_options_init (&options);
  ok = fdnix_http_options_load (&options, config, error);
  fdnix_http_options_clear (&options);
  return ok;
}

static gboolean
read_retry (FdnixConfig *config, GError **error)
{
  FdnixRetryOptions options;

  fdnix_retry_options_init (&options);
  return fdnix_retry_options_load (&options, config, error);
}

static gboolean
read_region (FdnixConfig *config, GError **error)
{
  g_autofree gchar *region = NULL;

  return fdnix_aws_resolve_region (config, &region, error);
}

static gboolean
open_store (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixStore) store = fdnix_store_new_from_config (config, FDNIX_STORE_READ_ONLY, error);

  return store != NULL;
}

static gboolean
open_objects (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixObjects) objects = fdnix_objects_new_from_config (config, error);

  return objects != NULL;
}

static gboolean
new_embedder (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixEmbedder) embedder = fdnix_embedder_new_from_config (config, error);

  return embedder != NULL;
}

static gboolean
read_embed_run (FdnixConfig *config, GError **error)
{
  FdnixEmbedRunOptions options;

  return fdnix_embed_run_options_from_config (config, &options, error);
}

static gboolean
read_search (FdnixConfig *config, GError **error)
{
  FdnixSearchOptions options = { 0 };

  return fdnix_search_options_from_config (config, NULL, &options, error);
}

static gboolean
run_metadata (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("check-settings");
  FdnixMetadataRunOptions options = { NULL, FALSE };

  return fdnix_metadata_run (config, &options, summary, error);
}

static const struct {
  const gchar *name;
  gboolean   (*read) (FdnixConfig *config, GError **error);
  const FdnixSetting *registered[3];  /* what the "program" did register */
  const gchar *file;                  /* fdnix.conf, or NULL */
  const gchar *env[2];                /* a variable and its value, or NULLs */
  const gchar *message[3];            /* parts of the error */
} unregistered_cases[] = {
  { "http", read_http, { fdnix_retry_settings }, NULL, { NULL },
    { "fdnix_http_options_load() reads setting [http] connect-timeout", "does not register" } },
  { "http, value in the file", read_http, { fdnix_retry_settings },
    "[retry]\nquota=7\n\n[http]\n# slow mirror\ntimeout = 5\n", { NULL },
    { "[http] timeout", "fdnix.conf:6 sets it" } },
  { "retry", read_retry, { fdnix_http_settings }, NULL, { NULL },
    { "fdnix_retry_options_load() reads setting [retry] max-attempts", "would be ignored" } },
  { "aws", read_region, { NULL }, NULL, { NULL },
    { "fdnix_aws_resolve_region() reads setting [aws] region" } },
  { "aws, value in a variable", read_region, { NULL }, NULL, { "AWS_PROFILE", "other" },
    { "[aws] profile", "environment variable AWS_PROFILE sets it" } },
  { "store", open_store, { fdnix_common_settings }, NULL, { NULL },
    { "fdnix_store_new_from_config() reads setting [store] path" } },
  { "dynamodb, value in a variable", open_store, { fdnix_common_settings, fdnix_store_settings },
    NULL, { "DYNAMODB_TABLE", "packages" },
    { "[dynamodb] table", "environment variable DYNAMODB_TABLE sets it" } },
  { "objects", open_objects, { fdnix_common_settings }, NULL, { NULL },
    { "fdnix_objects_new_from_config() reads setting [objects] directory" } },
  { "embedder", new_embedder, { fdnix_embedder_settings, fdnix_bedrock_settings }, NULL, { NULL },
    { "fdnix_embedder_new_from_config() reads setting [openai] base-url" } },
  { "embed run without the floor", read_embed_run, { fdnix_embed_run_settings, fdnix_retry_settings },
    "[sync]\nmin-ratio=0.5\n", { NULL },
    { "[sync] min-ratio", "fdnix.conf:2 sets it" } },
  { "search", read_search, { NULL }, NULL, { NULL },
    { "fdnix_search_options_from_config() reads setting [search] limit" } },
  { "metadata run", run_metadata, { fdnix_common_settings, fdnix_source_settings, fdnix_floor_settings },
    NULL, { NULL },
    { "fdnix_metadata_run() reads setting [ingest] max-long-description" } },
};

START_TEST (test_unregistered_fails)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;
  const gchar *variable = unregistered_cases[_i].env[0];
  gboolean ok;

  g_set_prgname ("check-settings");
  for (gsize t = 0; t < G_N_ELEMENTS (unregistered_cases[_i].registered); t++)
    if (unregistered_cases[_i].registered[t] != NULL)
      fdnix_config_register (config, unregistered_cases[_i].registered[t]);
  if (unregistered_cases[_i].file != NULL)
    {
      g_autofree gchar *path = g_build_filename (dir, "fdnix.conf", NULL);

      ck_assert (g_file_set_contents (path, unregistered_cases[_i].file, -1, NULL));
      /* an unknown key is only a warning when the file is read */
      ck_assert (fdnix_config_load_file (config, path, &error));
    }
  if (variable != NULL)
    g_setenv (variable, unregistered_cases[_i].env[1], TRUE);
  ok = unregistered_cases[_i].read (config, &error);
  if (variable != NULL)
    g_unsetenv (variable);
  fdnix_test_rmtree (dir);

  ck_assert_msg (!ok, "%s: read a table nobody registered", unregistered_cases[_i].name);
  ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_FAILED), "%s: %s",
                 unregistered_cases[_i].name, error != NULL ? error->message : "no error");
  ck_assert_msg (strstr (error->message, "check-settings does not register") != NULL, "%s: %s",
                 unregistered_cases[_i].name, error->message);
  for (gsize m = 0; m < G_N_ELEMENTS (unregistered_cases[_i].message); m++)
    if (unregistered_cases[_i].message[m] != NULL)
      ck_assert_msg (strstr (error->message, unregistered_cases[_i].message[m]) != NULL,
                     "%s: \"%s\" lacks \"%s\"", unregistered_cases[_i].name, error->message,
                     unregistered_cases[_i].message[m]);
}
END_TEST

/* Registered, the same tables read without complaint, file values included. */
START_TEST (test_registered_reads)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *path = g_build_filename (dir, "fdnix.conf", NULL);
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;
  FdnixHttpOptions http;

  fdnix_config_register (config, fdnix_http_settings);
  ck_assert (g_file_set_contents (path, "[http]\ntimeout = 5\n", -1, NULL));
  ck_assert (fdnix_config_load_file (config, path, &error));
  fdnix_http_options_init (&http);
  ck_assert_msg (fdnix_http_options_load (&http, config, &error), "%s", error != NULL ? error->message : "");
  ck_assert (http.timeout == 5);
  fdnix_http_options_clear (&http);
  ck_assert (fdnix_config_require (config, fdnix_http_settings, G_STRFUNC, &error));
  ck_assert (read_retry (NULL, &error));  /* no configuration at all: the defaults */
  fdnix_test_rmtree (dir);
}
END_TEST

static Suite *
settings_suite (void)
{
  Suite *s = suite_create ("settings");
  TCase *tc = tcase_create ("settings");

  tcase_add_loop_test (tc, test_default_from_table, 0, G_N_ELEMENTS (default_cases));
  tcase_add_test (tc, test_default_cases_complete);
  tcase_add_test (tc, test_load_uses_config);
  tcase_add_loop_test (tc, test_unregistered_fails, 0, G_N_ELEMENTS (unregistered_cases));
  tcase_add_test (tc, test_registered_reads);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (settings_suite ());
}
