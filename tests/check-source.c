/* check-source: decoders, nix-env argument vectors, channel URLs and the
 * choice of input. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-channel.h"
#include "ingest/fdnix-decoder.h"
#include "ingest/fdnix-nix-env.h"
#include "ingest/fdnix-source.h"
#include "fdnix-test.h"

static gboolean
collect (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  g_string_append_len (user_data, data, length);
  return TRUE;
}

static GBytes *
gzip_bytes (const gchar *text)
{
  z_stream zs = { 0 };
  gsize bound = strlen (text) + 128;
  guchar *out = g_malloc (bound);

  ck_assert_int_eq (deflateInit2 (&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = (Bytef *) text;
  zs.avail_in = strlen (text);
  zs.next_out = out;
  zs.avail_out = bound;
  ck_assert_int_eq (deflate (&zs, Z_FINISH), Z_STREAM_END);
  deflateEnd (&zs);
  return g_bytes_new_take (out, zs.total_out);
}

/* Feeds @data in chunks of @chunk bytes. */
static gboolean
decode (FdnixCompression compression, const guint8 *data, gsize length, gsize chunk,
        GString *out, GError **error)
{
  g_autoptr(FdnixDecoder) decoder = fdnix_decoder_new (compression, "test", collect, out);

  for (gsize i = 0; i < length; i += chunk)
    if (!fdnix_decoder_feed (decoder, (const gchar *) data + i, MIN (chunk, length - i), error))
      return FALSE;
  return fdnix_decoder_finish (decoder, error);
}

static const gsize chunk_sizes[] = { 1, 2, 7, 4096, 1 << 20 };

/* Plain and gzip (recognised by magic) decode the same whatever the chunking;
 * concatenated gzip members are one stream. */
START_TEST (test_decoder_gzip)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GBytes) one = NULL;
  g_autoptr(GBytes) two = NULL;
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  gsize chunk = chunk_sizes[_i];
  gsize n;
  const guint8 *p;

  for (gint i = 0; i < 20000; i++)
    g_string_append_printf (big, "{\"line\": %d}\n", i);
  one = gzip_bytes (big->str);
  two = gzip_bytes ("tail");
  p = g_bytes_get_data (one, &n);
  g_byte_array_append (both, p, n);
  p = g_bytes_get_data (two, &n);
  g_byte_array_append (both, p, n);

  ck_assert (decode (FDNIX_COMPRESSION_AUTO, both->data, both->len, MAX (chunk, 2), out, NULL));
  ck_assert_uint_eq (out->len, big->len + 4);
  ck_assert (g_str_has_suffix (out->str, "}\ntail"));

  g_string_truncate (out, 0);
  ck_assert (decode (FDNIX_COMPRESSION_AUTO, (const guint8 *) big->str, big->len, chunk, out, NULL));
  ck_assert_str_eq (out->str, big->str);
}
END_TEST

/* A truncated or corrupt gzip stream is an error naming the input. */
START_TEST (test_decoder_gzip_damage)
{
  g_autoptr(GBytes) gz = gzip_bytes ("{\"a\": 1, \"b\": [1, 2, 3], \"c\": \"some text to compress\"}");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gsize n;
  const guint8 *p = g_bytes_get_data (gz, &n);
  g_autofree guint8 *bad = g_malloc (n);

  memcpy (bad, p, n);
  ck_assert (!decode (FDNIX_COMPRESSION_AUTO, p, n - 6, 4096, out, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, "test: gzip") != NULL, "%s", error->message);
  g_clear_error (&error);

  bad[n / 2] ^= 0xff;
  bad[n / 2 + 1] ^= 0xff;
  g_string_truncate (out, 0);
  ck_assert (!decode (FDNIX_COMPRESSION_AUTO, bad, n, 4096, out, &error));
}
END_TEST

/* Brotli, chosen by name, from the committed fixture; cut short it fails. */
START_TEST (test_decoder_brotli)
{
  gsize br_length = 0;
  gsize json_length = 0;
  g_autofree gchar *br = fdnix_test_read_data ("metadata/small.json.br", &br_length);
  g_autofree gchar *json = fdnix_test_read_data ("metadata/small.json", &json_length);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  ck_assert_int_eq (fdnix_compression_for_name ("x/packages.json.br"), FDNIX_COMPRESSION_BROTLI);
  ck_assert_int_eq (fdnix_compression_for_name ("https://h/p.json.br?x=1"), FDNIX_COMPRESSION_BROTLI);
  ck_assert_int_eq (fdnix_compression_for_name ("p.json.gz"), FDNIX_COMPRESSION_AUTO);
  ck_assert (decode (FDNIX_COMPRESSION_BROTLI, (const guint8 *) br, br_length, chunk_sizes[_i], out, &error));
  ck_assert_uint_eq (out->len, json_length);
  ck_assert (memcmp (out->str, json, json_length) == 0);

  g_string_truncate (out, 0);
  ck_assert (!decode (FDNIX_COMPRESSION_BROTLI, (const guint8 *) br, br_length / 2, 4096, out, &error));
  ck_assert_msg (strstr (error->message, "truncated") != NULL, "%s", error->message);
}
END_TEST

/* nix-env is run from an argument vector: names and expressions stay one
 * argument each, whatever they hold. */
START_TEST (test_nix_env_argv)
{
  const gchar *args[] = { "config=import ./my config.nix", "x={ a = 1; }", NULL };
  const gchar *argstrs[] = { "system=x86_64-linux", NULL };
  FdnixNixEnvOptions options = { "nix-env", "/srv/nixpkgs", args, argstrs, 60, TRUE };
  g_auto(GStrv) argv = fdnix_nix_env_build_argv (&options, NULL);
  g_autofree gchar *joined = g_strjoinv ("|", argv);
  const gchar *bad[] = { "novalue", NULL };
  FdnixNixEnvOptions wrong = { "nix-env", NULL, bad, NULL, 0, FALSE };
  g_autoptr(GError) error = NULL;

  /* a config argument of the user's replaces packages-config.nix */
  ck_assert_str_eq (joined, "nix-env|-f|/srv/nixpkgs|-qaP|--json|--meta|"
                            "--arg|config|import ./my config.nix|--arg|x|{ a = 1; }|"
                            "--argstr|system|x86_64-linux");
  ck_assert_ptr_null (fdnix_nix_env_build_argv (&wrong, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
  ck_assert_msg (strstr (error->message, "novalue") != NULL, "%s", error->message);
}
END_TEST

/* packages-config.nix is used when the tree has one and no config is given. */
START_TEST (test_nix_env_packages_config)
{
  g_autofree gchar *tree = fdnix_test_data_path ("nix");
  FdnixNixEnvOptions options = { NULL, tree, NULL, NULL, 0, TRUE };
  g_auto(GStrv) argv = fdnix_nix_env_build_argv (&options, NULL);
  g_autofree gchar *joined = g_strjoinv ("|", argv);

  ck_assert_msg (strstr (joined, "|--arg|config|import /") != NULL, "%s", joined);
  ck_assert_msg (g_str_has_suffix (joined, "pkgs/top-level/packages-config.nix"), "%s", joined);
  options.packages_config = FALSE;
  g_strfreev (g_steal_pointer (&argv));
  argv = fdnix_nix_env_build_argv (&options, NULL);
  ck_assert_int_eq (g_strv_length (argv), 6);
}
END_TEST

START_TEST (test_channel_url)
{
  g_autofree gchar *a = fdnix_channel_url ("nixos-unstable", "https://channels.nixos.org");
  g_autofree gchar *b = fdnix_channel_url ("nixos-24.05", "https://mirror.example/channels//");
  g_autofree gchar *c = fdnix_channel_url ("https://h.example/x/packages.json.br", "https://ignored");

  ck_assert_str_eq (a, "https://channels.nixos.org/nixos-unstable/packages.json.br");
  ck_assert_str_eq (b, "https://mirror.example/channels/nixos-24.05/packages.json.br");
  ck_assert_str_eq (c, "https://h.example/x/packages.json.br");
}
END_TEST

/* The input given at the highest precedence wins; two at one level are a
 * usage error; none means nix-env on <nixpkgs>. */
START_TEST (test_choose_input)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(FdnixSource) source = NULL;
  g_autoptr(GError) error = NULL;

  fdnix_config_register (config, fdnix_source_settings);
  source = fdnix_source_new_from_config (config, &error);
  ck_assert_str_eq (fdnix_source_describe (source), "nix-env -f <nixpkgs>");
  ck_assert_ptr_null (fdnix_source_get_nixpkgs_root (source));
  g_clear_pointer (&source, fdnix_source_free);

  ck_assert (fdnix_config_set (config, "nix.nixpkgs", "/srv/nixpkgs", FDNIX_SOURCE_FILE, NULL));
  ck_assert (fdnix_config_set (config, "input.file", "/tmp/in.json", FDNIX_SOURCE_CLI, NULL));
  source = fdnix_source_new_from_config (config, &error);
  ck_assert_str_eq (fdnix_source_describe (source), "/tmp/in.json");
  g_clear_pointer (&source, fdnix_source_free);

  ck_assert (fdnix_config_set (config, "input.channel", "nixos-unstable", FDNIX_SOURCE_CLI, NULL));
  ck_assert_ptr_null (fdnix_source_new_from_config (config, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
  ck_assert_msg (strstr (error->message, "option --input") != NULL &&
                 strstr (error->message, "option --channel") != NULL, "%s", error->message);
}
END_TEST

START_TEST (test_nixpkgs_root)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(FdnixSource) source = NULL;

  fdnix_config_register (config, fdnix_source_settings);
  ck_assert (fdnix_config_set (config, "nix.nixpkgs", "/srv/nixpkgs/", FDNIX_SOURCE_CLI, NULL));
  source = fdnix_source_new_from_config (config, NULL);
  ck_assert_str_eq (fdnix_source_get_nixpkgs_root (source), "/srv/nixpkgs");
  g_clear_pointer (&source, fdnix_source_free);
  ck_assert (fdnix_config_set (config, "input.nixpkgs-root", "/build/nixpkgs", FDNIX_SOURCE_CLI, NULL));
  source = fdnix_source_new_from_config (config, NULL);
  ck_assert_str_eq (fdnix_source_get_nixpkgs_root (source), "/build/nixpkgs");
}
END_TEST

/* A file source reads plain and gzip files and names a missing one. */
START_TEST (test_file_source)
{
  g_autofree gchar *path = fdnix_test_data_path ("metadata/small.json");
  g_autoptr(FdnixSource) source = fdnix_source_new_file (path);
  g_autoptr(FdnixSource) missing = fdnix_source_new_file ("/nonexistent/in.json");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint64 position, total;

  ck_assert (fdnix_source_run (source, collect, out, &error));
  fdnix_source_get_position (source, &position, &total);
  ck_assert_uint_eq (position, total);
  ck_assert_uint_eq (out->len, total);
  ck_assert (!fdnix_source_run (missing, collect, out, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND));
  ck_assert_msg (strstr (error->message, "/nonexistent/in.json") != NULL, "%s", error->message);
}
END_TEST

/* What nix-env prints on stderr when it fails, on different machines and
 * nix versions, and the one line a failure reports. */
static const struct {
  const gchar *name;
  const gchar *stderr_text;
  const gchar *message;
  const gchar *rest;          /* the other lines, joined with '|' */
} nix_stderr_cases[] = {
  { "plain",
    "error: getting status of '/n/missing-file.nix': No such file or directory\n",
    "getting status of '/n/missing-file.nix': No such file or directory", "" },
  { "warnings first (no nixbld group)",
    "warning: the group 'nixbld' specified in 'build-users-group' does not exist\n"
    "warning: the group 'nixbld' specified in 'build-users-group' does not exist\n"
    "error: getting status of '/n/missing-file.nix': No such file or directory\n",
    "getting status of '/n/missing-file.nix': No such file or directory",
    "warning: the group 'nixbld' specified in 'build-users-group' does not exist|"
    "warning: the group 'nixbld' specified in 'build-users-group' does not exist" },
  { "nix 2.8 evaluation error with position and excerpt",
    "warning: unknown setting 'foo'\n"
    "error: undefined variable 'lib'\n"
    "\n"
    "       at /n/default.nix:3:9:\n"
    "\n"
    "            2| {\n"
    "            3|   meta = lib.x;\n"
    "             |         ^\n"
    "            4| }\n"
    "(use '--show-trace' to show detailed location information)\n",
    "undefined variable 'lib' at /n/default.nix:3:9",
    "warning: unknown setting 'foo'|"
    "            2| {|            3|   meta = lib.x;|             |         ^|            4| }|"
    "(use '--show-trace' to show detailed location information)" },
  { "newer nix: a trace, then the nested error",
    "error:\n"
    "       … while evaluating the attribute 'meta'\n"
    "         at /n/default.nix:2:3:\n"
    "            1| {\n"
    "            2|   meta = throw \"boom\";\n"
    "             |   ^\n"
    "\n"
    "       error: boom\n",
    "boom",
    "error:|       … while evaluating the attribute 'meta'|         at /n/default.nix:2:3:|"
    "            1| {|            2|   meta = throw \"boom\";|             |   ^" },
  { "an error message over two lines",
    "error: while evaluating 'x':\n"
    "         attribute 'y' missing\n"
    "warning: later warning\n",
    "while evaluating 'x': attribute 'y' missing", "warning: later warning" },
  { "colours and carriage returns",
    "\033[35;1mwarning:\033[0m something\r\n\033[31;1merror:\033[0m \033[1mbad\033[0m thing\r\n",
    "bad thing", "warning: something" },
  { "no error: line: the last non-blank line",
    "Segmentation fault\ncore dumped\n\n  \n", "core dumped", "Segmentation fault" },
  { "nothing", "", "(nothing on stderr)", "" },
  { "only blank lines", "\n \n\t\n", "(nothing on stderr)", "" },
  { "an empty error", "warning: w\nerror:\n", "(nix-env printed an empty error)", "warning: w" },
};

START_TEST (test_nix_env_error_line)
{
  g_autoptr(GPtrArray) rest = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *message = NULL;
  g_autofree gchar *joined = NULL;

  message = fdnix_nix_env_error_line (nix_stderr_cases[_i].stderr_text, rest);
  g_ptr_array_add (rest, NULL);
  joined = g_strjoinv ("|", (gchar **) rest->pdata);
  ck_assert_msg (g_strcmp0 (message, nix_stderr_cases[_i].message) == 0,
                 "%s: message '%s'", nix_stderr_cases[_i].name, message);
  ck_assert_msg (strchr (message, '\n') == NULL, "%s: one line", nix_stderr_cases[_i].name);
  ck_assert_msg (g_strcmp0 (joined, nix_stderr_cases[_i].rest) == 0,
                 "%s: other lines '%s'", nix_stderr_cases[_i].name, joined);
  g_clear_pointer (&message, g_free);
  message = fdnix_nix_env_error_line (nix_stderr_cases[_i].stderr_text, NULL);
  ck_assert_str_eq (message, nix_stderr_cases[_i].message);
}
END_TEST

static Suite *
source_suite (void)
{
  Suite *s = suite_create ("source");
  TCase *tc = tcase_create ("source");

  tcase_add_loop_test (tc, test_decoder_gzip, 0, G_N_ELEMENTS (chunk_sizes));
  tcase_add_test (tc, test_decoder_gzip_damage);
  tcase_add_loop_test (tc, test_decoder_brotli, 0, G_N_ELEMENTS (chunk_sizes));
  tcase_add_test (tc, test_nix_env_argv);
  tcase_add_test (tc, test_nix_env_packages_config);
  tcase_add_loop_test (tc, test_nix_env_error_line, 0, G_N_ELEMENTS (nix_stderr_cases));
  tcase_add_test (tc, test_channel_url);
  tcase_add_test (tc, test_choose_input);
  tcase_add_test (tc, test_nixpkgs_root);
  tcase_add_test (tc, test_file_source);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (source_suite ());
}
