/* check-vectors: number text, gzip, the JSON cursor, batch files, the index. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-float.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-gzip.h"
#include "core/fdnix-json-cursor.h"
#include "vectors/fdnix-objects.h"
#include "vectors/fdnix-vector-file.h"
#include "vectors/fdnix-vector-index.h"
#include "fdnix-test.h"
#include "vectors-check.h"

/* ---- numbers */

static const struct {
  gfloat       value;
  const gchar *text;
} float_cases[] = {
  { 0.0f, "0" },
  { -0.0f, "0" },
  { 1.0f, "1" },
  { -1.0f, "-1" },
  { 0.5f, "0.5" },
  { 0.1f, "0.1" },
  { -0.25f, "-0.25" },
  { 0.0001f, "0.0001" },
  { 1e-7f, "1e-7" },
  { 123456.0f, "123456" },
  { 3.4028235e38f, "3.4028235e38" },
  { 1.17549435e-38f, "1.1754944e-38" },
  { 0.333333343f, "0.33333334" },
};

START_TEST (test_float_format_cases)
{
  gchar text[FDNIX_FLOAT_TEXT_MAX];
  gsize n = fdnix_float_format (float_cases[_i].value, text);

  ck_assert_uint_eq (n, strlen (text));
  ck_assert_str_eq (text, float_cases[_i].text);
  ck_assert (fdnix_float_parse (text, n) == float_cases[_i].value);
}
END_TEST

/* Every float32 written and read back is the same float, and the text is
 * what a correctly rounding parser (strtod, then a cast) reads too. */
START_TEST (test_float_roundtrip_random)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gchar text[FDNIX_FLOAT_TEXT_MAX];

  for (guint i = 0; i < 300000; i++)
    {
      guint32 bits = g_rand_int (rand);
      gfloat value;
      gsize n;

      if (i % 2 == 0)
        value = (gfloat) g_rand_double_range (rand, -1.0, 1.0) / (gfloat) (1 << (i % 12));
      else
        memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        continue;
      n = fdnix_float_format (value, text);
      ck_assert_msg (fdnix_float_parse (text, n) == value, "%.9g became %s", value, text);
      ck_assert_msg ((gfloat) g_ascii_strtod (text, NULL) == value, "%.9g: strtod disagrees on %s", value, text);
      ck_assert_int_le (n, 16);
    }
}
END_TEST

START_TEST (test_float_parse_foreign)
{
  /* what other writers produce: many digits, exponents, capitals */
  ck_assert (fdnix_float_parse ("0.012329101562500000", 20) == 0.0123291015625f);
  ck_assert (fdnix_float_parse ("1.5E-3", 6) == 0.0015f);
  ck_assert (fdnix_float_parse ("-2e+2", 5) == -200.0f);
  ck_assert (fdnix_float_parse ("0.123456789012345678901", 23) == 0.123456789012345678901f);
}
END_TEST

/* ---- gzip */

START_TEST (test_gzip_deterministic_roundtrip)
{
  const gchar *text = "{\"vectors\":[],\"count\":0,\"dimension\":4}";
  g_autoptr(GBytes) a = fdnix_gzip_compress (text, strlen (text));
  g_autoptr(GBytes) b = fdnix_gzip_compress (text, strlen (text));
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *header = g_bytes_get_data (a, NULL);

  ck_assert (g_bytes_equal (a, b));
  /* no time stamp (bytes 4-7) and OS "unknown" */
  ck_assert_uint_eq (header[4] | header[5] | header[6] | header[7], 0);
  ck_assert_uint_eq (header[9], 255);
  back = fdnix_gzip_decompress (a, 1024, &error);
  ck_assert_msg (back != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (g_bytes_get_size (back), strlen (text));
  ck_assert_str_eq (g_bytes_get_data (back, NULL), text);
}
END_TEST

START_TEST (test_gzip_errors)
{
  g_autofree gchar *big = g_strnfill (100000, 'x');
  g_autoptr(GBytes) packed = fdnix_gzip_compress (big, strlen (big));
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (packed, 0, g_bytes_get_size (packed) / 2);
  g_autoptr(GBytes) junk = g_bytes_new_static ("not gzip at all", 15);
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_gzip_decompress (packed, 1000, &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, "expands beyond") != NULL, "%s", error->message);
  g_clear_error (&error);
  ck_assert (fdnix_gzip_decompress (cut, 1 << 20, &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  g_clear_error (&error);
  ck_assert (fdnix_gzip_decompress (junk, 1 << 20, &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

static gboolean
count_output (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  *(guint64 *) user_data += length;
  return TRUE;
}

/* The streaming reader: any chunking gives the same text; its cap stops a
 * bomb before the next stage is handed more than the cap; a cut stream
 * fails at the end, naming the input. */
START_TEST (test_gzip_reader)
{
  g_autofree gchar *big = g_strnfill (3 * 1000 * 1000, 'x');
  g_autoptr(GBytes) packed = fdnix_gzip_compress (big, strlen (big));
  gsize n;
  const guint8 *p = g_bytes_get_data (packed, &n);
  g_autoptr(GError) error = NULL;
  guint64 seen = 0;
  g_autoptr(FdnixGzipReader) whole = fdnix_gzip_reader_new ("w", G_MAXUINT64, count_output, &seen);
  g_autoptr(FdnixGzipReader) capped = NULL;
  g_autoptr(FdnixGzipReader) cut = NULL;

  for (gsize i = 0; i < n; i += 3)
    ck_assert (fdnix_gzip_reader_feed (whole, p + i, MIN (3, n - i), NULL));
  ck_assert (fdnix_gzip_reader_finish (whole, NULL));
  ck_assert_uint_eq (seen, strlen (big));

  seen = 0;
  capped = fdnix_gzip_reader_new ("bomb.gz", 1000 * 1000, count_output, &seen);
  ck_assert (!fdnix_gzip_reader_feed (capped, p, n, &error));
  ck_assert_msg (strstr (error->message, "bomb.gz: gzip data expands beyond 1000000 bytes") != NULL,
                 "%s", error->message);
  ck_assert_uint_le (seen, 1000 * 1000);
  g_clear_error (&error);

  seen = 0;
  cut = fdnix_gzip_reader_new ("cut.gz", G_MAXUINT64, count_output, &seen);
  ck_assert (fdnix_gzip_reader_feed (cut, p, n - 4, NULL));
  ck_assert (!fdnix_gzip_reader_finish (cut, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, "cut.gz: gzip data") != NULL &&
                 strstr (error->message, "truncated") != NULL, "%s", error->message);
}
END_TEST

/* ---- the JSON cursor */

START_TEST (test_cursor_walk)
{
  const gchar *json = " { \"a\" : [1, -2.5e3, {\"x\": [true, false, null]}],"
                      " \"s\\u00e9\": \"t\\\"ab\\n\\ud83d\\ude00\", \"n\": 42 } ";
  FdnixJsonCursor c;
  g_autoptr(GError) error = NULL;
  gchar *key = NULL;
  guint members = 0;

  fdnix_json_cursor_init (&c, json, strlen (json));
  ck_assert (fdnix_json_cursor_begin_object (&c, &error));
  while (fdnix_json_cursor_next_member (&c, &key, &error))
    {
      g_autofree gchar *name = key;

      members++;
      if (g_strcmp0 (name, "a") == 0)
        ck_assert (fdnix_json_cursor_skip (&c, &error));
      else if (g_strcmp0 (name, "s\xc3\xa9") == 0)
        {
          g_autofree gchar *value = NULL;
          ck_assert (fdnix_json_cursor_string (&c, &value, &error));
          ck_assert_str_eq (value, "t\"ab\n\xf0\x9f\x98\x80");
        }
      else
        {
          gint64 n = 0;
          ck_assert_str_eq (name, "n");
          ck_assert (fdnix_json_cursor_int (&c, &n, &error));
          ck_assert_int_eq (n, 42);
        }
    }
  ck_assert_msg (!c.failed, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (members, 3);
  ck_assert (fdnix_json_cursor_end (&c, &error));
}
END_TEST

static const gchar *const bad_json[] = {
  "{\"a\" 1}",
  "{\"a\": 1,}",
  "{\"a\": [1 2]}",
  "{\"a\": \"unterminated}",
  "{\"a\": tru}",
  "{\"a\": -}",
  "{\"a\": 1} x",
  "{\"a\": \"\\q\"}",
};

START_TEST (test_cursor_rejects)
{
  const gchar *json = bad_json[_i];
  FdnixJsonCursor c;
  g_autoptr(GError) error = NULL;

  fdnix_json_cursor_init (&c, json, strlen (json));
  ck_assert (!fdnix_json_cursor_skip (&c, &error) || !fdnix_json_cursor_end (&c, &error));
  ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA), "%s", json);
  ck_assert_msg (strstr (error->message, "at byte") != NULL, "%s", error->message);
}
END_TEST

/* ---- batch files */

static void
fill_vector (gfloat *v, guint dimension, guint seed)
{
  for (guint i = 0; i < dimension; i++)
    v[i] = sinf ((gfloat) (seed * 31 + i)) / (gfloat) (i + 1);
}

START_TEST (test_batch_file_roundtrip)
{
  const guint dim = 8;
  g_autoptr(FdnixVectorFileWriter) writer = fdnix_vector_file_writer_new (dim);
  g_autoptr(FdnixBatchFileInfo) info = NULL;
  g_autoptr(FdnixBatchFileInfo) read_info = NULL;
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  const gchar *names[] = { "hello", "python3Packages.requests", "weird\"name\\x", "caf\xc3\xa9" };
  gfloat v[8];

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      fill_vector (v, dim, i);
      fdnix_vector_file_writer_add (writer, names[i], i == 3 ? "1.0-rc\xe2\x80\x93" "1" : "2.12", v);
    }
  bytes = fdnix_vector_file_writer_finish (writer, "vectors/batch_r_00000.json.gz", &info);
  ck_assert_uint_eq (info->vector_count, 4);
  ck_assert_uint_eq (info->dimension, dim);
  ck_assert_uint_eq (info->size, g_bytes_get_size (bytes));
  ck_assert_uint_eq (strlen (info->sha256), 64);

  batch = fdnix_vector_batch_load (bytes, info->key, &read_info, &error);
  ck_assert_msg (batch != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (batch->count, 4);
  ck_assert_uint_eq (batch->dimension, dim);
  ck_assert_str_eq (batch->ids->pdata[1], "python3Packages.requests#2.12");
  ck_assert_str_eq (batch->package_names->pdata[2], "weird\"name\\x");
  ck_assert_str_eq (batch->versions->pdata[3], "1.0-rc\xe2\x80\x93" "1");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      fill_vector (v, dim, i);
      ck_assert (memcmp (v, batch->vectors + i * dim, sizeof v) == 0);
    }
  /* what the reader computes is what the writer announced */
  ck_assert_str_eq (read_info->ids_digest, info->ids_digest);
  ck_assert_str_eq (read_info->sha256, info->sha256);
  ck_assert_uint_eq (read_info->size, info->size);

  /* written again from what was read: the same bytes */
  {
    g_autoptr(FdnixVectorFileWriter) w2 = fdnix_vector_file_writer_new (dim);
    for (guint i = 0; i < batch->count; i++)
      fdnix_vector_file_writer_add (w2, batch->package_names->pdata[i], batch->versions->pdata[i],
                                    batch->vectors + i * dim);
    again = fdnix_vector_file_writer_finish (w2, info->key, NULL);
    ck_assert (g_bytes_equal (again, bytes));
  }
}
END_TEST

/* The original pipeline's files (Python json.dumps: spaces, other member
 * order, extra metadata) read the same. */
START_TEST (test_batch_file_foreign)
{
  const gchar *json =
    "{\"count\": 2, \"dimension\": 3, \"vectors\": ["
    "{\"metadata\": {\"version\": \"1.2\", \"packageName\": \"jq\", \"description\": \"x\"},"
    " \"vector\": [0.1, 0.2, -0.30000001192092896], \"id\": \"jq#1.2\"},"
    "{\"id\": \"ripgrep#14.1.0\", \"vector\": [1, 0, 0]}], \"extra\": {\"k\": [1, 2]}}";
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  batch = fdnix_vector_batch_parse (json, strlen (json), &error);
  ck_assert_msg (batch != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (batch->count, 2);
  ck_assert_str_eq (batch->package_names->pdata[0], "jq");
  ck_assert_str_eq (batch->package_names->pdata[1], "ripgrep");
  ck_assert_str_eq (batch->versions->pdata[1], "14.1.0");
  ck_assert (batch->vectors[2] == -0.3f);
}
END_TEST

static const gchar *const bad_batches[] = {
  "{\"vectors\": [{\"id\": \"a#1\", \"vector\": [1, 2]}], \"count\": 2, \"dimension\": 2}",
  "{\"vectors\": [{\"id\": \"a#1\", \"vector\": [1, 2]}], \"count\": 1, \"dimension\": 3}",
  "{\"vectors\": [{\"id\": \"a#1\", \"vector\": [1, 2]}, {\"id\": \"b#1\", \"vector\": [1]}]}",
  "{\"vectors\": [{\"vector\": [1, 2]}]}",
  "{\"vectors\": [{\"id\": \"nohash\", \"vector\": [1]}]}",
  "{\"count\": 0}",
  "[1, 2]",
};

START_TEST (test_batch_file_rejects)
{
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_vector_batch_parse (bad_batches[_i], strlen (bad_batches[_i]), &error) == NULL);
  ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA), "%s", bad_batches[_i]);
}
END_TEST

/* The digest is a property of the set: order does not matter, content does. */
START_TEST (test_ids_digest)
{
  FdnixIdsDigest a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
  g_autofree gchar *sa = NULL, *sb = NULL, *sc = NULL, *sd = NULL;

  fdnix_ids_digest_add (&a, "hello", "2.12");
  fdnix_ids_digest_add (&a, "jq", "1.7");
  fdnix_ids_digest_add_id (&b, "jq#1.7");
  fdnix_ids_digest_add (&b, "hello", "2.12");
  fdnix_ids_digest_add (&c, "hello", "2.12");
  fdnix_ids_digest_add (&c, "jq", "1.7.1");
  fdnix_ids_digest_add (&d, "hello", "2.12");
  fdnix_ids_digest_add (&d, "hello", "2.12");
  sa = fdnix_ids_digest_to_string (&a);
  sb = fdnix_ids_digest_to_string (&b);
  sc = fdnix_ids_digest_to_string (&c);
  sd = fdnix_ids_digest_to_string (&d);
  ck_assert_str_eq (sa, sb);
  ck_assert_str_ne (sa, sc);
  ck_assert_str_ne (sa, sd);
  ck_assert (g_str_has_prefix (sa, "2:"));
}
END_TEST

/* ---- the index */

START_TEST (test_index_roundtrip)
{
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_new ();
  g_autoptr(FdnixVectorIndex) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *json = NULL;
  FdnixBatchFileInfo *f;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree gchar *key = fdnix_vector_batch_key ("20261129T020000Z-abc", 2 - i);
      f = fdnix_batch_file_info_new (key);
      f->vector_count = 10 + i;
      f->dimension = 256;
      f->size = 1000 + i;
      f->sha256 = g_strnfill (64, 'a' + i);
      f->ids_digest = g_strdup_printf ("%u:%032u", 10 + i, i);
      fdnix_vector_index_add_file (index, f);
    }
  index->created_at = g_strdup ("2026-11-29T02:00:00.000Z");
  index->dimension = 256;
  index->model = g_strdup ("fdnix-offline-v1-d256-0123abcd");
  index->embedder = g_strdup ("offline");
  index->run_id = g_strdup ("20261129T020000Z-abc");
  fdnix_vector_index_finish (index);
  ck_assert_uint_eq (index->total_vectors, 33);
  ck_assert_str_eq (((FdnixBatchFileInfo *) index->files->pdata[0])->key,
                    "vectors/batch_20261129T020000Z-abc_00000.json.gz");

  json = fdnix_vector_index_to_json (index);
  ck_assert_msg (strstr (json, "\"total_vectors\":33,\"vector_dimension\":256,\"batch_files\":[{\"key\":") != NULL, "%s", json);
  ck_assert (strstr (json, "\"metadata\":{\"model\":\"fdnix-offline-v1-d256-0123abcd\"") != NULL);
  bytes = fdnix_vector_index_serialize (index);
  back = fdnix_vector_index_parse (bytes, &error);
  ck_assert_msg (back != NULL, "%s", error != NULL ? error->message : "");
  ck_assert (fdnix_vector_index_same_files (index, back));
  ck_assert_str_eq (back->model, index->model);
  ck_assert_str_eq (back->created_at, index->created_at);
  ck_assert_str_eq (fdnix_vector_index_lookup (back, "vectors/batch_20261129T020000Z-abc_00001.json.gz")->ids_digest,
                    "11:00000000000000000000000000000001");

  /* another time stamp is the same snapshot; another file is not */
  g_free (back->created_at);
  back->created_at = g_strdup ("2026-11-30T02:00:00.000Z");
  ck_assert (fdnix_vector_index_same_files (index, back));
  f = back->files->pdata[1];
  f->sha256[0] = 'z';
  ck_assert (!fdnix_vector_index_same_files (index, back));
}
END_TEST

#define A_FILE "{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": 3, \"dimension\": 8}"
#define DIM8 "\"vector_dimension\": 8, "

static const gchar *const bad_indexes[] = {
  "[]",
  "{\"version\": 1}",
  "{\"batch_files\": [{\"key\": \"../etc/passwd\"}]}",
  "{\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": 3}], \"total_vectors\": 4}",
  "{\"batch_files\": [1]}",
  "not json",
  /* the hostile probe's: a huge dimension with no files, a file twice */
  "{\"vector_dimension\": 1000000000, \"batch_files\": []}",
  "{" DIM8 "\"batch_files\": [" A_FILE ", " A_FILE "]}",
  /* counts, sizes and dimensions out of range or not whole numbers */
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": 5000000000}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": -1}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": 2.5}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"vector_count\": \"3\"}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"dimension\": 16385}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"size\": 1e300}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"size\": 268435457}]}",
  "{" DIM8 "\"batch_files\": [{\"key\": \"vectors/batch_a.json.gz\", \"sha256\": \"zz\"}]}",
  "{\"vector_dimension\": -8, \"batch_files\": []}",
  "{\"batch_files\": [" A_FILE "]}",
  "{" DIM8 "\"batch_files\": [], \"total_vectors\": 1e30}",
  /* superseded files: twice, or also listed */
  "{" DIM8 "\"batch_files\": [" A_FILE "], \"superseded_files\": [{\"key\": \"vectors/batch_a.json.gz\"}]}",
  "{" DIM8 "\"batch_files\": [], \"superseded_files\": [{\"key\": \"vectors/x\"}]}",
  "{" DIM8 "\"batch_files\": [], \"superseded_files\": {}}",
};

START_TEST (test_index_rejects)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (bad_indexes[_i], strlen (bad_indexes[_i]));
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_vector_index_parse (bytes, &error) == NULL);
  ck_assert_msg (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA), "%s", bad_indexes[_i]);
}
END_TEST

/* Indexes too large to write out: made here.  Each must be refused
 * quickly, with a message, whatever json-glib would have done with it. */
typedef enum { DEEP, TOO_MANY_FILES, TOO_MANY_VALUES, TOO_LONG, GZIP_BOMB, REPEATED_FILE } HugeKind;

static const struct {
  HugeKind     kind;
  const gchar *message;
} huge_indexes[] = {
  { DEEP, "nests deeper than 64 levels" },
  { TOO_MANY_FILES, "more than the 20000 allowed" },
  { TOO_MANY_VALUES, "more JSON values than" },
  { TOO_LONG, "larger than" },
  { GZIP_BOMB, "expands beyond" },
  { REPEATED_FILE, "is listed twice" },
};

START_TEST (test_index_rejects_huge)
{
  g_autoptr(GString) text = g_string_new ("{\"vector_dimension\": 8, \"batch_files\": [");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  switch (huge_indexes[_i].kind)
    {
    case DEEP:
      /* 100000 deep overflowed json-glib's stack */
      g_string_append (text, "], \"metadata\": ");
      for (guint i = 0; i < 100000; i++)
        g_string_append_c (text, '[');
      break;
    case TOO_MANY_FILES:
      for (guint i = 0; i <= FDNIX_VECTOR_INDEX_MAX_FILES; i++)
        g_string_append_printf (text, "%s{\"key\":\"vectors/batch_%u.json.gz\"}", i > 0 ? "," : "", i);
      g_string_append (text, "]}");
      break;
    case TOO_MANY_VALUES:
      g_string_append (text, "], \"x\": [");
      for (guint i = 0; i < 1000000; i++)
        g_string_append (text, "0,");
      g_string_append (text, "0]}");
      break;
    case TOO_LONG:
      g_string_append (text, "], \"x\": \"");
      for (guint i = 0; i < FDNIX_VECTOR_INDEX_MAX_TEXT / 16; i++)
        g_string_append (text, "0123456789abcdef");
      g_string_append (text, "\"}");
      break;
    case GZIP_BOMB:
      g_string_append (text, "], \"x\": \"");
      g_string_set_size (text, text->len + FDNIX_VECTOR_INDEX_MAX_TEXT);
      memset (text->str + text->len - FDNIX_VECTOR_INDEX_MAX_TEXT, ' ', FDNIX_VECTOR_INDEX_MAX_TEXT);
      g_string_append (text, "\"}");
      break;
    case REPEATED_FILE:
      /* the probe's 1 MB index that made a search run for hours */
      for (guint i = 0; i < 5000; i++)
        g_string_append_printf (text, "%s{\"key\":\"vectors/batch_a.json.gz\",\"vector_count\":3}",
                                i > 0 ? "," : "");
      g_string_append (text, "]}");
      break;
    }
  if (huge_indexes[_i].kind == GZIP_BOMB)
    bytes = fdnix_gzip_compress (text->str, text->len);
  else
    bytes = g_bytes_new (text->str, text->len);
  start = g_get_monotonic_time ();
  ck_assert (fdnix_vector_index_parse (bytes, &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, huge_indexes[_i].message) != NULL, "%s", error->message);
  ck_assert_int_lt (g_get_monotonic_time () - start, 10 * G_USEC_PER_SEC);
}
END_TEST

/* An index at the caps is still read: the caps refuse only what no run
 * writes. */
START_TEST (test_index_at_caps)
{
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_new ();
  g_autoptr(FdnixVectorIndex) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < FDNIX_VECTOR_INDEX_MAX_FILES; i++)
    {
      g_autofree gchar *key = fdnix_vector_batch_key ("20261129T020000Z-3fa9c2d4e5f6-s12of16", i);
      g_autofree gchar *old = fdnix_vector_batch_key ("20261128T020000Z-3fa9c2d4e5f6-s12of16", i);
      FdnixBatchFileInfo *f = fdnix_batch_file_info_new (key);

      f->vector_count = FDNIX_VECTOR_FILE_MAX_VECTORS;
      f->dimension = FDNIX_VECTOR_MAX_DIMENSION;
      f->size = FDNIX_OBJECTS_MAX_SIZE;
      f->sha256 = g_strnfill (64, 'a');
      f->ids_digest = g_strdup_printf ("%u:%032u", FDNIX_VECTOR_FILE_MAX_VECTORS, i);
      fdnix_vector_index_add_file (index, f);
      fdnix_vector_index_add_superseded (index, old, "2026-11-29T02:00:00.000Z");
    }
  index->created_at = g_strdup ("2026-11-29T02:00:00.000Z");
  index->dimension = FDNIX_VECTOR_MAX_DIMENSION;
  index->model = g_strdup ("m");
  fdnix_vector_index_finish (index);
  ck_assert (fdnix_vector_index_check_limits (index, &error));
  bytes = fdnix_vector_index_serialize (index);
  back = fdnix_vector_index_parse (bytes, &error);
  ck_assert_msg (back != NULL, "%s", error != NULL ? error->message : "");
  ck_assert (fdnix_vector_index_same_files (index, back));
  ck_assert_uint_eq (back->superseded->len, FDNIX_VECTOR_INDEX_MAX_FILES);
  ck_assert_str_eq (((FdnixSupersededFile *) back->superseded->pdata[0])->since, "2026-11-29T02:00:00.000Z");
  /* one file more is refused by the writer before any reader sees it */
  fdnix_vector_index_add_file (index, fdnix_batch_file_info_new ("vectors/batch_z.json.gz"));
  ck_assert (!fdnix_vector_index_check_limits (index, &error));
}
END_TEST

/* Batch files: vectors too long, too many entries (generated). */
START_TEST (test_batch_file_rejects_huge)
{
  g_autoptr(GString) text = g_string_new ("{\"vectors\":[{\"id\":\"a#1\",\"vector\":[");
  g_autoptr(GError) error = NULL;

  if (_i == 0)
    {
      for (guint i = 0; i <= FDNIX_VECTOR_MAX_DIMENSION; i++)
        g_string_append (text, i > 0 ? ",0" : "0");
      g_string_append (text, "]}]}");
    }
  else
    {
      g_string_append (text, "0]}");
      for (guint i = 0; i < FDNIX_VECTOR_FILE_MAX_VECTORS; i++)
        g_string_append (text, ",{\"id\":\"a#1\",\"vector\":[0]}");
      g_string_append (text, "]}");
    }
  ck_assert (fdnix_vector_batch_parse (text->str, text->len, &error) == NULL);
  ck_assert_msg (strstr (error->message, _i == 0 ? "a vector longer than 16384" : "more than 1000000 vectors")
                 != NULL, "%s", error->message);
}
END_TEST

/* What fuzz/fuzz-vectors once found, and its seeds: each input through the
 * fuzzer's checks (the readers' promises), in every make check. */
START_TEST (test_fuzz_inputs)
{
  const gchar *folders[] = { "vectors-fuzz", "../../fuzz/corpus/vectors" };
  guint inputs = 0;

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree gchar *path = fdnix_test_data_path (folders[f]);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const gchar *name;

      ck_assert_msg (dir != NULL, "no %s", path);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree gchar *file = g_build_filename (path, name, NULL);
          g_autofree gchar *contents = NULL;
          gsize length = 0;
          const gchar *broken;

          ck_assert (g_file_get_contents (file, &contents, &length, NULL));
          broken = vectors_check_input ((const guint8 *) contents, length);
          ck_assert_msg (broken == NULL, "%s: %s", name, broken);
          inputs++;
        }
    }
  ck_assert_uint_ge (inputs, 6);
}
END_TEST

START_TEST (test_keys_and_run_ids)
{
  g_autofree gchar *a = fdnix_vector_new_run_id (NULL);
  g_autofree gchar *b = fdnix_vector_new_run_id (NULL);
  g_autofree gchar *s = fdnix_vector_new_run_id ("s2of4");
  g_autofree gchar *key = fdnix_vector_batch_key (a, 7);

  /* two runs in the same second still differ */
  ck_assert_str_ne (a, b);
  ck_assert (g_str_has_suffix (s, "-s2of4"));
  ck_assert (fdnix_vector_key_is_batch (key));
  ck_assert (g_str_has_suffix (key, "_00007.json.gz"));
  ck_assert (!fdnix_vector_key_is_batch ("vectors/sub/batch_x.json.gz"));
  ck_assert (!fdnix_vector_key_is_batch ("vector-index/index.json.gz"));
  ck_assert (!fdnix_vector_key_is_batch ("vectors/batch_..json.gz"));
}
END_TEST

static Suite *
vectors_suite (void)
{
  Suite *s = suite_create ("vectors");
  TCase *tc = tcase_create ("vectors");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_float_format_cases, 0, G_N_ELEMENTS (float_cases));
  tcase_add_test (tc, test_float_roundtrip_random);
  tcase_add_test (tc, test_float_parse_foreign);
  tcase_add_test (tc, test_gzip_deterministic_roundtrip);
  tcase_add_test (tc, test_gzip_errors);
  tcase_add_test (tc, test_gzip_reader);
  tcase_add_test (tc, test_cursor_walk);
  tcase_add_loop_test (tc, test_cursor_rejects, 0, G_N_ELEMENTS (bad_json));
  tcase_add_test (tc, test_batch_file_roundtrip);
  tcase_add_test (tc, test_batch_file_foreign);
  tcase_add_loop_test (tc, test_batch_file_rejects, 0, G_N_ELEMENTS (bad_batches));
  tcase_add_test (tc, test_ids_digest);
  tcase_add_test (tc, test_index_roundtrip);
  tcase_add_loop_test (tc, test_index_rejects, 0, G_N_ELEMENTS (bad_indexes));
  tcase_add_loop_test (tc, test_index_rejects_huge, 0, G_N_ELEMENTS (huge_indexes));
  tcase_add_test (tc, test_index_at_caps);
  tcase_add_test (tc, test_fuzz_inputs);
  tcase_add_loop_test (tc, test_batch_file_rejects_huge, 0, 2);
  tcase_add_test (tc, test_keys_and_run_ids);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (vectors_suite ());
}
