/* check-core: configuration precedence, JSON writing, records, summary, logs. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-config.h"
#include "core/fdnix-config.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-json.h"
#include "core/fdnix-log.h"
#include "core/fdnix-program.h"
#include "core/fdnix-record.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-bedrock.h"
#include "embed/fdnix-embedder-openai.h"
#include "embed/fdnix-embedder-factory.h"
#include "vectors/fdnix-objects.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "ingest/fdnix-sync.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-searcher.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-store-factory.h"
#include "fdnix-test.h"

static const FdnixSetting test_settings[] = {
  { "store.path", FDNIX_SETTING_PATH, "/default/db", "FDNIX_TEST_PATH", "database", 'd', "FILE", "db" },
  { "sync.min-ratio", FDNIX_SETTING_DOUBLE, "0.9", "FDNIX_TEST_RATIO", "min-ratio", 0, "R", "ratio" },
  { "sync.batch", FDNIX_SETTING_INT, "100", NULL, NULL, 0, NULL, "batch" },
  { "sync.enabled", FDNIX_SETTING_BOOL, "true", "FDNIX_TEST_ENABLED", NULL, 0, NULL, "enabled" },
  { "nix.arg", FDNIX_SETTING_LIST, NULL, NULL, "nix-arg", 0, "A", "args" },
  FDNIX_SETTING_END
};

static gchar *
write_conf (const gchar *dir, const gchar *text)
{
  gchar *path = g_build_filename (dir, "fdnix.conf", NULL);

  ck_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Each layer overrides the one below it, and only the settings it names. */
START_TEST (test_config_precedence)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *conf = write_conf (dir, "[store]\npath=/file/db\n[sync]\nmin-ratio=0.5\nbatch=7\n");
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;

  fdnix_config_register (config, test_settings);
  ck_assert_str_eq (fdnix_config_get_string (config, "store.path"), "/default/db");
  ck_assert_int_eq (fdnix_config_get_source (config, "store.path"), FDNIX_SOURCE_DEFAULT);

  ck_assert (fdnix_config_set (config, "sync.min-ratio", "0.25", FDNIX_SOURCE_CLI, &error));
  ck_assert (fdnix_config_load_file (config, conf, &error));
  ck_assert_str_eq (fdnix_config_get_string (config, "store.path"), "/file/db");
  ck_assert_int_eq (fdnix_config_get_int (config, "sync.batch"), 7);
  /* the command line was read first but still wins over the file */
  ck_assert (fdnix_config_get_double (config, "sync.min-ratio") == 0.25);

  g_setenv ("FDNIX_TEST_PATH", "/env/db", TRUE);
  g_setenv ("FDNIX_TEST_ENABLED", "", TRUE);  /* empty counts as unset */
  ck_assert (fdnix_config_load_env (config, &error));
  g_unsetenv ("FDNIX_TEST_PATH");
  g_unsetenv ("FDNIX_TEST_ENABLED");
  ck_assert_str_eq (fdnix_config_get_string (config, "store.path"), "/env/db");
  ck_assert (fdnix_config_get_bool (config, "sync.enabled"));

  ck_assert (fdnix_config_set (config, "store.path", "/cli/db", FDNIX_SOURCE_CLI, &error));
  ck_assert_str_eq (fdnix_config_get_string (config, "store.path"), "/cli/db");
  fdnix_test_rmtree (dir);
}
END_TEST

/* A bad value is a usage error that names where it came from. */
START_TEST (test_config_errors_name_source)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *conf = write_conf (dir, "[sync]\nmin-ratio=lots\n");
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;

  fdnix_config_register (config, test_settings);
  ck_assert (!fdnix_config_load_file (config, conf, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
  ck_assert_msg (strstr (error->message, "fdnix.conf: [sync] min-ratio") != NULL, "%s", error->message);
  ck_assert_msg (strstr (error->message, "'lots'") != NULL, "%s", error->message);
  g_clear_error (&error);

  g_setenv ("FDNIX_TEST_ENABLED", "maybe", TRUE);
  ck_assert (!fdnix_config_load_env (config, &error));
  g_unsetenv ("FDNIX_TEST_ENABLED");
  ck_assert_msg (strstr (error->message, "environment variable FDNIX_TEST_ENABLED") != NULL,
                 "%s", error->message);
  g_clear_error (&error);
  fdnix_test_rmtree (dir);
}
END_TEST

/* Ranged settings: each bound is checked wherever the value comes from. */
static const FdnixSetting ranged_settings[] = {
  { "sync.min-ratio", FDNIX_SETTING_DOUBLE, "0.9", "FDNIX_TEST_RATIO", "min-ratio", 0, "R", "ratio",
    FDNIX_RANGE (0, 1) },
  { "sync.min-packages", FDNIX_SETTING_INT, "1", "FDNIX_TEST_MIN", "min-packages", 0, "N", "min",
    FDNIX_RANGE (0, FDNIX_RANGE_INT_MAX) },
  { "ingest.max-long-description", FDNIX_SETTING_INT, "16384", NULL, NULL, 0, NULL, "long",
    FDNIX_RANGE (64, 1073741824) },
  { "http.timeout", FDNIX_SETTING_DOUBLE, "0", NULL, NULL, 0, NULL, "unranged double" },
  FDNIX_SETTING_END
};

static const struct {
  const gchar        *key;
  const gchar        *value;
  FdnixSettingSource  source;
  gboolean            valid;
  const gchar        *message;  /* a part of the error, when not valid */
} range_cases[] = {
  { "sync.min-ratio", "0", FDNIX_SOURCE_CLI, TRUE, NULL },
  { "sync.min-ratio", "1", FDNIX_SOURCE_FILE, TRUE, NULL },
  { "sync.min-ratio", "0.5", FDNIX_SOURCE_ENV, TRUE, NULL },
  { "sync.min-ratio", "-0.5", FDNIX_SOURCE_CLI, FALSE, "option --min-ratio: '-0.5' is out of range (0 to 1)" },
  { "sync.min-ratio", "1.0001", FDNIX_SOURCE_ENV, FALSE, "environment variable FDNIX_TEST_RATIO: '1.0001' is out of range (0 to 1)" },
  { "sync.min-ratio", "1e300", FDNIX_SOURCE_FILE, FALSE, "[sync] min-ratio: '1e300' is out of range" },
  { "sync.min-ratio", "nan", FDNIX_SOURCE_CLI, FALSE, "option --min-ratio: 'nan' is not a finite number" },
  { "sync.min-ratio", "inf", FDNIX_SOURCE_ENV, FALSE, "'inf' is not a finite number" },
  { "sync.min-ratio", "-infinity", FDNIX_SOURCE_FILE, FALSE, "is not a finite number" },
  { "sync.min-ratio", "1e999", FDNIX_SOURCE_CLI, FALSE, "is not a finite number" },
  { "sync.min-packages", "0", FDNIX_SOURCE_CLI, TRUE, NULL },
  { "sync.min-packages", "9223372036854775807", FDNIX_SOURCE_CLI, TRUE, NULL },
  { "sync.min-packages", "-1", FDNIX_SOURCE_CLI, FALSE, "option --min-packages: '-1' is out of range (at least 0)" },
  { "sync.min-packages", "-9223372036854775808", FDNIX_SOURCE_ENV, FALSE, "out of range (at least 0)" },
  { "sync.min-packages", "99999999999999999999", FDNIX_SOURCE_CLI, FALSE, "is not an integer" },
  { "ingest.max-long-description", "64", FDNIX_SOURCE_FILE, TRUE, NULL },
  { "ingest.max-long-description", "63", FDNIX_SOURCE_FILE, FALSE, "[ingest] max-long-description: '63' is out of range (64 to 1073741824)" },
  { "ingest.max-long-description", "1073741825", FDNIX_SOURCE_CLI, FALSE, "setting ingest.max-long-description: '1073741825' is out of range" },
  { "http.timeout", "-5", FDNIX_SOURCE_CLI, TRUE, NULL },
  { "http.timeout", "nan", FDNIX_SOURCE_CLI, FALSE, "is not a finite number" },
};

START_TEST (test_config_ranges)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;
  const gchar *key = range_cases[_i].key;
  const gchar *value = range_cases[_i].value;
  const FdnixSetting *setting;
  g_autofree gchar *before = NULL;
  gboolean ok;

  fdnix_config_register (config, ranged_settings);
  setting = fdnix_config_lookup_setting (config, key);
  before = g_strdup (fdnix_config_get_string (config, key));
  switch (range_cases[_i].source)
    {
    case FDNIX_SOURCE_FILE:
      {
        const gchar *dot = strchr (key, '.');
        g_autofree gchar *group = g_strndup (key, dot - key);
        g_autofree gchar *text = g_strdup_printf ("[%s]\n%s=%s\n", group, dot + 1, value);
        g_autofree gchar *conf = write_conf (dir, text);
        ok = fdnix_config_load_file (config, conf, &error);
        break;
      }
    case FDNIX_SOURCE_ENV:
      g_setenv (setting->env, value, TRUE);
      ok = fdnix_config_load_env (config, &error);
      g_unsetenv (setting->env);
      break;
    default:
      ok = fdnix_config_set (config, key, value, range_cases[_i].source, &error);
      break;
    }
  if (range_cases[_i].valid)
    {
      ck_assert_msg (ok, "%s=%s: %s", key, value, error != NULL ? error->message : "");
      ck_assert_str_eq (fdnix_config_get_string (config, key), value);
    }
  else
    {
      ck_assert_msg (!ok, "%s=%s was accepted", key, value);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
      ck_assert_msg (strstr (error->message, range_cases[_i].message) != NULL,
                     "%s=%s: \"%s\" lacks \"%s\"", key, value, error->message, range_cases[_i].message);
      /* a refused value leaves the setting as it was */
      ck_assert_str_eq (fdnix_config_get_string (config, key), before);
    }
  fdnix_test_rmtree (dir);
}
END_TEST

/* Every numeric setting the programs register has a range, and its
 * default lies in it. */
static const FdnixSetting *const all_tables[] = {
  fdnix_common_settings, fdnix_http_settings, fdnix_retry_settings, fdnix_aws_settings,
  fdnix_search_settings, fdnix_source_settings,
  fdnix_package_reader_settings, fdnix_dynamodb_store_settings, fdnix_store_settings,
  fdnix_objects_settings, fdnix_embed_run_settings, fdnix_openai_settings,
  fdnix_bedrock_settings, fdnix_embedder_settings, fdnix_floor_settings,
};

START_TEST (test_config_tables_ranged)
{
  guint numeric = 0;

  for (gsize t = 0; t < G_N_ELEMENTS (all_tables); t++)
    for (const FdnixSetting *s = all_tables[t]; s->key != NULL; s++)
      {
        g_autoptr(FdnixConfig) config = fdnix_config_new ();
        const FdnixSetting one[] = { *s, FDNIX_SETTING_END };
        g_autoptr(GError) error = NULL;

        if (s->type != FDNIX_SETTING_INT && s->type != FDNIX_SETTING_DOUBLE)
          continue;
        numeric++;
        ck_assert_msg (s->has_range, "%s has no range", s->key);
        ck_assert_msg (s->min <= s->max, "%s: empty range", s->key);
        fdnix_config_register (config, one);
        if (s->default_value != NULL)
          ck_assert_msg (fdnix_config_set (config, s->key, s->default_value, FDNIX_SOURCE_CLI, &error),
                         "%s: default: %s", s->key, error != NULL ? error->message : "");
      }
  ck_assert_uint_ge (numeric, 30);
}
END_TEST

/* The package floor both programs apply. */
static const struct {
  gdouble  ratio;
  guint64  min_packages;
  gboolean allow_shrink;
  guint64  before;
  guint64  minimum;
} floor_cases[] = {
  { 0.9, 1, FALSE, 45, 41 },
  { 0.9, 1, FALSE, 0, 1 },                 /* an empty result is never enough */
  { 0.9, 0, FALSE, 0, 0 },
  { 0.5, 1, FALSE, 45, 23 },
  { 0.0, 1, FALSE, 45, 1 },
  { 0.0, 100, FALSE, 45, 100 },            /* the count alone */
  { 1.0, 1, FALSE, 45, 45 },
  { 1.0, 0, FALSE, G_MAXUINT64, G_MAXUINT64 },  /* no overflow at the top */
  { 0.9, 1, TRUE, 45, 0 },                 /* --allow-shrink */
  { 0.9, 1000, TRUE, 45, 0 },
};

START_TEST (test_floor)
{
  FdnixFloor floor = { floor_cases[_i].ratio, floor_cases[_i].min_packages, floor_cases[_i].allow_shrink };
  guint64 minimum = floor_cases[_i].minimum;
  g_autoptr(GError) error = NULL;

  ck_assert_uint_eq (fdnix_floor_minimum (&floor, floor_cases[_i].before), minimum);
  ck_assert (fdnix_floor_check (&floor, floor_cases[_i].before, minimum, NULL));
  if (minimum > 0)
    {
      ck_assert (!fdnix_floor_check (&floor, floor_cases[_i].before, minimum - 1, &error));
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_UNSAFE));
      ck_assert_msg (strstr (error->message, "--allow-shrink") != NULL, "%s", error->message);
    }
}
END_TEST

/* Command-line list values accumulate; file lists use GKeyFile syntax. */
START_TEST (test_config_lists)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *conf = write_conf (dir, "[nix]\narg=a=1;b={ x = 1\\; };\n");
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_auto(GStrv) from_file = NULL;
  g_auto(GStrv) from_cli = NULL;

  fdnix_config_register (config, test_settings);
  ck_assert (fdnix_config_load_file (config, conf, NULL));
  from_file = fdnix_config_get_list (config, "nix.arg");
  ck_assert_int_eq (g_strv_length (from_file), 2);
  ck_assert_str_eq (from_file[1], "b={ x = 1; }");
  ck_assert (fdnix_config_set (config, "nix.arg", "c=3", FDNIX_SOURCE_CLI, NULL));
  ck_assert (fdnix_config_set (config, "nix.arg", "d=4", FDNIX_SOURCE_CLI, NULL));
  from_cli = fdnix_config_get_list (config, "nix.arg");
  ck_assert_int_eq (g_strv_length (from_cli), 2);
  ck_assert_str_eq (from_cli[0], "c=3");
  ck_assert_str_eq (from_cli[1], "d=4");
  fdnix_test_rmtree (dir);
}
END_TEST

static const struct {
  const gchar *input;
  const gchar *expected;
} json_string_cases[] = {
  { "plain", "\"plain\"" },
  { "quote \" back \\ slash", "\"quote \\\" back \\\\ slash\"" },
  { "tab\tnl\ncr\r", "\"tab\\tnl\\ncr\\r\"" },
  { "\x01\x1f", "\"\\u0001\\u001f\"" },
  { "caf\xc3\xa9 \xf0\x9f\x90\xa7", "\"caf\xc3\xa9 \xf0\x9f\x90\xa7\"" },
  { "", "\"\"" },
};

START_TEST (test_json_string)
{
  g_autoptr(GString) out = g_string_new (NULL);

  fdnix_json_append_string (out, json_string_cases[_i].input);
  ck_assert_str_eq (out->str, json_string_cases[_i].expected);
}
END_TEST

START_TEST (test_json_members)
{
  g_autoptr(GString) out = g_string_new ("{");

  fdnix_json_member_string (out, "a", "x");
  fdnix_json_member_int (out, "b", -3);
  fdnix_json_member_bool (out, "c", TRUE);
  fdnix_json_member_string (out, "d", NULL);
  fdnix_json_member (out, "e");
  g_string_append_c (out, '[');
  fdnix_json_element (out);
  g_string_append (out, "1");
  fdnix_json_element (out);
  g_string_append (out, "2");
  g_string_append (out, "]}");
  ck_assert_str_eq (out->str, "{\"a\":\"x\",\"b\":-3,\"c\":true,\"d\":null,\"e\":[1,2]}");
}
END_TEST

static FdnixRecord *
sample_record (void)
{
  FdnixRecord *r = fdnix_record_new ();

  r->package_name = g_strdup ("python3Packages.requests");
  r->version = g_strdup ("2.32.3");
  r->pname = g_strdup ("requests");
  r->description = g_strdup ("HTTP library for Python");
  r->long_description = g_strdup ("  Requests is\n   an elegant\tHTTP library. ");
  r->homepage = g_strdup ("https://requests.readthedocs.io");
  r->license_json = g_strdup ("{\"type\":\"object\",\"shortName\":\"asl20\",\"spdxId\":\"Apache-2.0\"}");
  r->main_program = NULL;
  fdnix_record_compute_hashes (r);
  return r;
}

/* The content hash follows content, not bookkeeping. */
START_TEST (test_record_hashes)
{
  g_autoptr(FdnixRecord) a = sample_record ();
  g_autoptr(FdnixRecord) b = sample_record ();

  ck_assert_int_eq (strlen (a->content_hash), FDNIX_RECORD_HASH_LEN);
  ck_assert_str_eq (a->content_hash, b->content_hash);
  ck_assert (fdnix_record_same_content (a, b));

  b->last_updated = g_strdup ("2026-01-01T00:00:00.000Z");
  b->has_embedding = TRUE;
  fdnix_record_compute_hashes (b);
  ck_assert_str_eq (a->content_hash, b->content_hash);

  /* broken is not in the embedding text: content changes, text does not */
  b->broken = TRUE;
  fdnix_record_compute_hashes (b);
  ck_assert_str_ne (a->content_hash, b->content_hash);
  ck_assert_str_eq (a->embed_text_hash, b->embed_text_hash);

  g_free (b->description);
  b->description = g_strdup ("HTTP for humans");
  fdnix_record_compute_hashes (b);
  ck_assert_str_ne (a->embed_text_hash, b->embed_text_hash);
}
END_TEST

START_TEST (test_record_embedding_text)
{
  g_autoptr(FdnixRecord) r = sample_record ();
  g_autofree gchar *text = fdnix_record_embedding_text (r);

  ck_assert_str_eq (text,
                    "Package: requests (python3Packages.requests)\n"
                    "Description: HTTP library for Python\n"
                    "Details: Requests is an elegant HTTP library.\n"
                    "Homepage: https://requests.readthedocs.io\n"
                    "License: Apache-2.0\n");
}
END_TEST

START_TEST (test_record_json_roundtrip)
{
  g_autoptr(FdnixRecord) r = sample_record ();
  g_autofree gchar *json = NULL;
  g_autoptr(FdnixRecord) back = NULL;
  g_autoptr(GError) error = NULL;

  r->has_embedding = TRUE;
  r->embedding_model = g_strdup ("fdnix-lexical-v1");
  json = fdnix_record_to_json (r);
  back = fdnix_record_from_json (json, -1, &error);
  ck_assert_msg (back != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_str_eq (back->package_name, r->package_name);
  ck_assert_str_eq (back->long_description, r->long_description);
  ck_assert_str_eq (back->content_hash, r->content_hash);
  ck_assert (back->has_embedding);
  ck_assert_str_eq (back->embedding_model, "fdnix-lexical-v1");
  ck_assert_ptr_null (back->main_program);
  ck_assert (back->available);
  ck_assert_str_eq (back->platforms_json, "[]");

  ck_assert_ptr_null (fdnix_record_from_json ("{\"version\":\"1\"}", -1, NULL));
  ck_assert_ptr_null (fdnix_record_from_json ("[", -1, NULL));
}
END_TEST

START_TEST (test_hash_vectors)
{
  g_autofree gchar *empty = fdnix_sha256_hex ("", 0);
  g_autofree gchar *abc = fdnix_sha256_hex ("abc", 3);
  g_autoptr(FdnixSha256) ctx = fdnix_sha256_new ();
  g_autofree gchar *incremental = NULL;

  ck_assert_str_eq (empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ck_assert_str_eq (abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  fdnix_sha256_update (ctx, "a", 1);
  fdnix_sha256_update (ctx, "bc", 2);
  incremental = fdnix_sha256_free_to_hex (g_steal_pointer (&ctx));
  ck_assert_str_eq (incremental, abc);
  ck_assert_int_eq (fdnix_shard_of ("hello", 1), 0);
  ck_assert_uint_lt (fdnix_shard_of ("hello", 4), 4);
  ck_assert_int_eq (fdnix_shard_of ("hello", 4), fdnix_shard_of ("hello", 4));
}
END_TEST

START_TEST (test_summary_json)
{
  g_autoptr(FdnixSummary) s = fdnix_summary_new ("fdnix-test");
  g_autoptr(GError) error = g_error_new (FDNIX_ERROR, FDNIX_ERROR_IO, "disk full");
  g_autofree gchar *json = NULL;

  fdnix_summary_add (s, "written", 3);
  fdnix_summary_add (s, "written", 2);
  fdnix_summary_add (s, "retries.dynamodb", 4);
  fdnix_summary_phase_begin (s, "read");
  fdnix_summary_phase_end (s, "read");
  json = fdnix_summary_to_json (s, 1, error);
  ck_assert_msg (strstr (json, "\"counts\":{\"written\":5}") != NULL, "%s", json);
  ck_assert_msg (strstr (json, "\"retries\":{\"dynamodb\":4,\"total\":4}") != NULL, "%s", json);
  ck_assert_msg (strstr (json, "\"status\":\"failed\"") != NULL, "%s", json);
  ck_assert_msg (strstr (json, "\"exit_status\":1") != NULL, "%s", json);
  ck_assert_msg (strstr (json, "\"error\":\"disk full\"") != NULL, "%s", json);
  ck_assert_msg (strstr (json, "\"read\":") != NULL, "%s", json);
}
END_TEST

/* A registered secret is masked in every path to the output. */
START_TEST (test_log_redaction)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *path = g_build_filename (dir, "log", NULL);
  FILE *stream = fopen (path, "w+");
  g_autofree gchar *contents = NULL;
  g_autofree gchar *redacted = NULL;

  fdnix_log_init ("fdnix-test", FDNIX_LOG_FORMAT_JSON, 2);
  fdnix_log_set_stream (stream);
  fdnix_log_add_secret ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  g_warning ("signing with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now");
  g_debug ("debug \"quoted\"");
  fdnix_log_error_line ("failed with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  fdnix_log_set_stream (NULL);
  fclose (stream);
  ck_assert (g_file_get_contents (path, &contents, NULL, NULL));
  ck_assert_msg (strstr (contents, "EXAMPLEKEY") == NULL, "%s", contents);
  ck_assert_msg (strstr (contents, "\"level\":\"warning\"") != NULL, "%s", contents);
  ck_assert_msg (strstr (contents, "\"level\":\"error\"") != NULL, "%s", contents);
  ck_assert_msg (strstr (contents, "debug \\\"quoted\\\"") != NULL, "%s", contents);
  redacted = fdnix_log_redact ("x wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY y");
  ck_assert_str_eq (redacted, "x [REDACTED] y");
  fdnix_test_rmtree (dir);
}
END_TEST

START_TEST (test_data_dir)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autofree gchar *from_state = NULL;
  g_autofree gchar *from_key = NULL;

  fdnix_config_register (config, fdnix_common_settings);
  g_setenv ("STATE_DIRECTORY", "/var/lib/fdnix:/var/lib/other", TRUE);
  from_state = fdnix_config_get_data_dir (config);
  ck_assert_str_eq (from_state, "/var/lib/fdnix");
  ck_assert (fdnix_config_set (config, "general.data-dir", "/srv/fdnix", FDNIX_SOURCE_CLI, NULL));
  from_key = fdnix_config_get_data_dir (config);
  ck_assert_str_eq (from_key, "/srv/fdnix");
  g_unsetenv ("STATE_DIRECTORY");
}
END_TEST

static Suite *
core_suite (void)
{
  Suite *s = suite_create ("core");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_config_precedence);
  tcase_add_test (tc, test_config_errors_name_source);
  tcase_add_test (tc, test_config_lists);
  tcase_add_loop_test (tc, test_config_ranges, 0, G_N_ELEMENTS (range_cases));
  tcase_add_test (tc, test_config_tables_ranged);
  tcase_add_loop_test (tc, test_floor, 0, G_N_ELEMENTS (floor_cases));
  tcase_add_loop_test (tc, test_json_string, 0, G_N_ELEMENTS (json_string_cases));
  tcase_add_test (tc, test_json_members);
  tcase_add_test (tc, test_record_hashes);
  tcase_add_test (tc, test_record_embedding_text);
  tcase_add_test (tc, test_record_json_roundtrip);
  tcase_add_test (tc, test_hash_vectors);
  tcase_add_test (tc, test_summary_json);
  tcase_add_test (tc, test_log_redaction);
  tcase_add_test (tc, test_data_dir);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (core_suite ());
}
