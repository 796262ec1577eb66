/* fdnix-embedder-offline.c: hashed word and trigram features with IDF.
 *
 * Tokenization (data/generate-idf.py does exactly the same, so the weights
 * it counts are the features looked up here):
 *   - a word is a run of ASCII letters, digits and bytes >= 0x80; anything
 *     else separates words; words are lower-cased (ASCII only);
 *   - feature "w<word>" for each word; when a word splits at camelCase or
 *     letter/digit boundaries ("python312Packages"), also "w<part>" for
 *     each part ("python", "312", "packages");
 *   - feature "c<trigram>" for each byte trigram of "^<word>$".
 * A feature's weight is idf × sqrt(tf) (× 0.35 for trigrams), where tf sums
 * the weight of the field it came from: the embedding text's lines are
 * labelled ("Package: ", "Description: ", ...), and names count more than
 * prose.  Each feature lands in one dimension with a sign, both taken from
 * a 64-bit hash (FNV-1a, then a mixer).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "embed/fdnix-embedder-offline.h"
#include "core/fdnix-gzip.h"

#define IDF_MAGIC "# fdnix-offline-idf 1"
#define IDF_MAX_SIZE (64 * 1024 * 1024)
#define TRIGRAM_FACTOR 0.35f
#define PART_FACTOR 0.5f

struct _FdnixEmbedderOffline {
  GObject            parent_instance;
  FdnixEmbedderInfo  info;
  /* open addressing: feature hash → idf; key 0 is an empty slot */
  guint64  *keys;
  gfloat   *idf;
  gsize     mask;
  gfloat    unseen_idf;  /* a feature seen in at most one document */
};

static void fdnix_embedder_offline_iface_init (FdnixEmbedderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixEmbedderOffline, fdnix_embedder_offline, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_EMBEDDER,
                                                fdnix_embedder_offline_iface_init))

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static inline guint64
fnv_byte (guint64 h, guint8 c)
{
  return (h ^ c) * FNV_PRIME;
}

/* splitmix64's finalizer: FNV's low bits are weak for a modulus. */
static inline guint64
mix (guint64 h)
{
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

static inline guint64
nonzero (guint64 h)
{
  return h != 0 ? h : 1;
}

static inline guint8
lower (guint8 c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline gboolean
is_word_byte (guint8 c)
{
  return g_ascii_isalnum (c) || c >= 0x80;
}

static guint64
hash_feature (const guint8 *key, gsize length)
{
  guint64 h = FNV_OFFSET;

  for (gsize i = 0; i < length; i++)
    h = fnv_byte (h, key[i]);
  return nonzero (h);
}

static gsize
table_slot (const guint64 *keys, gsize mask, guint64 key)
{
  gsize i = (gsize) mix (key) & mask;

  while (keys[i] != 0 && keys[i] != key)
    i = (i + 1) & mask;
  return i;
}

static gfloat
lookup_idf (FdnixEmbedderOffline *self, guint64 key)
{
  gsize i = table_slot (self->keys, self->mask, key);

  return self->keys[i] == key ? self->idf[i] : self->unseen_idf;
}

/* "\xHH" escapes back to bytes (see generate-idf.py). */
static gsize
unescape (const gchar *in, gsize length, guint8 *out)
{
  gsize n = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (in[i] == '\\' && i + 3 < length && in[i + 1] == 'x' &&
          g_ascii_isxdigit (in[i + 2]) && g_ascii_isxdigit (in[i + 3]))
        {
          out[n++] = (guint8) (g_ascii_xdigit_value (in[i + 2]) * 16 + g_ascii_xdigit_value (in[i + 3]));
          i += 3;
        }
      else
        out[n++] = (guint8) in[i];
    }
  return n;
}

static gboolean
bad_line (GError **error, gsize line, const gchar *what)
{
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "line %" G_GSIZE_FORMAT ": %s", line, what);
  return FALSE;
}

static gboolean
load_idf (FdnixEmbedderOffline *self, const gchar *path, gchar **out_digest, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autofree guint8 *buf = NULL;
  gdouble documents = 0;
  gsize length, n_lines = 0, capacity, line_number = 0;
  const gchar *data, *p, *end;

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return FALSE;
  compressed = g_mapped_file_get_bytes (file);
  text = fdnix_gzip_decompress (compressed, IDF_MAX_SIZE, error);
  if (text == NULL)
    return FALSE;
  data = g_bytes_get_data (text, &length);
  end = data + length;
  *out_digest = fdnix_sha256_hex (data, length);
  if (length < strlen (IDF_MAGIC) + 1 || memcmp (data, IDF_MAGIC "\n", strlen (IDF_MAGIC) + 1) != 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "not an fdnix IDF file (first line is not '%s')", IDF_MAGIC);
      return FALSE;
    }
  for (p = data; p < end; p++)
    n_lines += *p == '\n';
  for (capacity = 1024; capacity < n_lines * 2; capacity *= 2)
    ;
  self->keys = g_new0 (guint64, capacity);
  self->idf = g_new0 (gfloat, capacity);
  self->mask = capacity - 1;
  buf = g_malloc (length + 1);
  for (p = data; p < end; )
    {
      const gchar *eol = memchr (p, '\n', end - p);
      const gchar *line = p;
      const gchar *tab;
      guint64 df = 0;

      if (eol == NULL)
        eol = end;
      p = eol + 1;
      if (++line_number == 1 || eol == line)
        continue;
      tab = memchr (line, '\t', eol - line);
      if (tab == NULL)
        return bad_line (error, line_number, "no tab");
      if (tab + 1 == eol || eol - tab > 20)
        return bad_line (error, line_number, "bad count");
      for (const gchar *d = tab + 1; d < eol; d++)
        {
          if (!g_ascii_isdigit (*d))
            return bad_line (error, line_number, "bad count");
          df = df * 10 + (guint64) (*d - '0');
        }
      if (df == 0)
        return bad_line (error, line_number, "bad count");
      if (line_number == 2)
        {
          if (tab - line != 9 || memcmp (line, "documents", 9) != 0)
            return bad_line (error, line_number, "expected the document count");
          documents = (gdouble) df;
          continue;
        }
      {
        gsize n = unescape (line, tab - line, buf);
        guint64 key = hash_feature (buf, n);
        gsize slot = table_slot (self->keys, self->mask, key);

        self->keys[slot] = key;
        self->idf[slot] = (gfloat) (log ((documents + 1) / ((gdouble) df + 1)) + 1);
      }
    }
  if (documents <= 0)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "no document count");
      return FALSE;
    }
  self->unseen_idf = (gfloat) (log ((documents + 1) / 2) + 1);
  return TRUE;
}

/* Per-call feature counts: open addressing, reset between texts. */
typedef struct {
  guint64 *keys;
  gfloat  *tf;
  gboolean *trigram;
  gsize    mask;
  gsize    used;
  GArray  *slots;  /* used slot indices, to reset and to iterate */
} Features;

static void
features_init (Features *f, gsize capacity)
{
  f->keys = g_new0 (guint64, capacity);
  f->tf = g_new0 (gfloat, capacity);
  f->trigram = g_new0 (gboolean, capacity);
  f->mask = capacity - 1;
  f->used = 0;
  if (f->slots == NULL)
    f->slots = g_array_new (FALSE, FALSE, sizeof (gsize));
}

static void
features_clear (Features *f)
{
  g_free (f->keys);
  g_free (f->tf);
  g_free (f->trigram);
  if (f->slots != NULL)
    g_array_unref (f->slots);
  memset (f, 0, sizeof *f);
}

static void features_add (Features *f, guint64 key, gfloat weight, gboolean trigram);

static void
features_grow (Features *f)
{
  Features bigger = { 0 };
  g_autoptr(GArray) old_slots = g_steal_pointer (&f->slots);

  features_init (&bigger, (f->mask + 1) * 2);
  for (guint i = 0; i < old_slots->len; i++)
    {
      gsize s = g_array_index (old_slots, gsize, i);
      features_add (&bigger, f->keys[s], f->tf[s], f->trigram[s]);
    }
  features_clear (f);
  *f = bigger;
}

static void
features_add (Features *f, guint64 key, gfloat weight, gboolean trigram)
{
  gsize i;

  if ((f->used + 1) * 2 > f->mask + 1)
    features_grow (f);
  i = table_slot (f->keys, f->mask, key);
  if (f->keys[i] == 0)
    {
      f->keys[i] = key;
      f->trigram[i] = trigram;
      f->used++;
      g_array_append_val (f->slots, i);
    }
  f->tf[i] += weight;
}

static void
features_reset (Features *f)
{
  for (guint i = 0; i < f->slots->len; i++)
    {
      gsize s = g_array_index (f->slots, gsize, i);
      f->keys[s] = 0;
      f->tf[s] = 0;
    }
  g_array_set_size (f->slots, 0);
  f->used = 0;
}

static inline gboolean
is_lower_ascii (guint8 c)
{
  return c >= 'a' && c <= 'z';
}

static inline gboolean
is_upper_ascii (guint8 c)
{
  return c >= 'A' && c <= 'Z';
}

static inline gboolean
is_digit_ascii (guint8 c)
{
  return c >= '0' && c <= '9';
}

static guint64
hash_lowered (guint8 prefix, const guint8 *word, gsize length)
{
  guint64 h = fnv_byte (FNV_OFFSET, prefix);

  for (gsize i = 0; i < length; i++)
    h = fnv_byte (h, lower (word[i]));
  return nonzero (h);
}

static void
add_word (Features *f, const guint8 *word, gsize length, gfloat weight)
{
  gsize start = 0;
  gsize n_parts = 1;

  features_add (f, hash_lowered ('w', word, length), weight, FALSE);

  /* trigrams of "^word$" */
  for (gsize i = 0; i + 3 <= length + 2; i++)
    {
      guint64 h = fnv_byte (FNV_OFFSET, 'c');

      for (gsize j = i; j < i + 3; j++)
        h = fnv_byte (h, j == 0 ? '^' : j == length + 1 ? '$' : lower (word[j - 1]));
      features_add (f, nonzero (h), weight * TRIGRAM_FACTOR, TRUE);
    }

  for (gsize i = 1; i < length; i++)
    if ((is_lower_ascii (word[i - 1]) && is_upper_ascii (word[i])) ||
        (is_digit_ascii (word[i - 1]) != is_digit_ascii (word[i])))
      n_parts++;
  if (n_parts == 1)
    return;
  for (gsize i = 1; i <= length; i++)
    {
      if (i < length &&
          !((is_lower_ascii (word[i - 1]) && is_upper_ascii (word[i])) ||
            (is_digit_ascii (word[i - 1]) != is_digit_ascii (word[i]))))
        continue;
      features_add (f, hash_lowered ('w', word + start, i - start), weight * PART_FACTOR, FALSE);
      start = i;
    }
}

static void
add_words (Features *f, const guint8 *text, gsize length, gfloat weight)
{
  gsize i = 0;

  while (i < length)
    {
      gsize start;

      while (i < length && !is_word_byte (text[i]))
        i++;
      start = i;
      while (i < length && is_word_byte (text[i]))
        i++;
      if (i > start)
        add_word (f, text + start, i - start, weight);
    }
}

static const struct {
  const gchar *label;
  gfloat       weight;
} field_weights[] = {
  { "Package: ", 3.0f },
  { "Main program: ", 2.0f },
  { "Description: ", 2.0f },
  { "Details: ", 1.0f },
  { "Homepage: ", 0.5f },
  { "License: ", 0.5f },
};

static void
collect_features (Features *f, const gchar *text, FdnixInputType input_type)
{
  const gchar *line = text;

  if (input_type == FDNIX_INPUT_QUERY)
    {
      add_words (f, (const guint8 *) text, strlen (text), 1.0f);
      return;
    }
  /* a document: fdnix_record_embedding_text()'s labelled lines */
  while (*line != '\0')
    {
      const gchar *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize) (end - line) : strlen (line);
      gfloat weight = 1.0f;
      gsize skip = 0;

      for (gsize i = 0; i < G_N_ELEMENTS (field_weights); i++)
        {
          gsize n = strlen (field_weights[i].label);
          if (length >= n && strncmp (line, field_weights[i].label, n) == 0)
            {
              weight = field_weights[i].weight;
              skip = n;
              break;
            }
        }
      add_words (f, (const guint8 *) line + skip, length - skip, weight);
      if (end == NULL)
        break;
      line = end + 1;
    }
}

static void
features_to_vector (FdnixEmbedderOffline *self, Features *f, gfloat *vector)
{
  memset (vector, 0, sizeof (gfloat) * self->info.dimension);
  for (guint i = 0; i < f->slots->len; i++)
    {
      gsize s = g_array_index (f->slots, gsize, i);
      guint64 h = mix (f->keys[s]);
      gfloat w = lookup_idf (self, f->keys[s]) * sqrtf (f->tf[s]);

      vector[h % self->info.dimension] += (h >> 63) ? -w : w;
    }
  fdnix_vector_normalize (vector, self->info.dimension);
}

static gboolean
offline_embed (FdnixEmbedder *embedder, const gchar * const *texts, guint n_texts,
               FdnixInputType input_type, gfloat *out_vectors, FdnixEmbedCost *out_cost,
               GError **error)
{
  FdnixEmbedderOffline *self = FDNIX_EMBEDDER_OFFLINE (embedder);
  Features f = { 0 };

  features_init (&f, 4096);
  for (guint i = 0; i < n_texts; i++)
    {
      features_reset (&f);
      collect_features (&f, texts[i], input_type);
      features_to_vector (self, &f, out_vectors + (gsize) i * self->info.dimension);
    }
  features_clear (&f);
  return TRUE;
}

static const FdnixEmbedderInfo *
offline_get_info (FdnixEmbedder *embedder)
{
  return &FDNIX_EMBEDDER_OFFLINE (embedder)->info;
}

static void
fdnix_embedder_offline_iface_init (FdnixEmbedderInterface *iface)
{
  iface->get_info = offline_get_info;
  iface->embed = offline_embed;
}

static void
fdnix_embedder_offline_finalize (GObject *object)
{
  FdnixEmbedderOffline *self = FDNIX_EMBEDDER_OFFLINE (object);

  g_free (self->info.model);
  g_free (self->keys);
  g_free (self->idf);
  G_OBJECT_CLASS (fdnix_embedder_offline_parent_class)->finalize (object);
}

static void
fdnix_embedder_offline_class_init (FdnixEmbedderOfflineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_embedder_offline_finalize;
}

static void
fdnix_embedder_offline_init (FdnixEmbedderOffline *self)
{
}

/**
 * fdnix_embedder_offline_default_idf_path:
 *
 * Where the weights are when no setting names them: installed in
 * PKGDATADIR, or, for a program run from its build tree (the README's
 * quick start), in data/ next to the executable.
 *
 * Returns: (transfer full): the first that exists, else the installed path.
 */
gchar *
fdnix_embedder_offline_default_idf_path (void)
{
  g_autofree gchar *installed = g_build_filename (FDNIX_PKGDATADIR, "fdnix-offline-idf.tsv.gz", NULL);
  g_autofree gchar *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (!g_file_test (installed, G_FILE_TEST_EXISTS) && exe != NULL)
    {
      g_autofree gchar *dir = g_path_get_dirname (exe);
      g_autofree gchar *uninstalled = g_build_filename (dir, "data", "fdnix-offline-idf.tsv.gz", NULL);

      if (g_file_test (uninstalled, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&uninstalled);
    }
  return g_steal_pointer (&installed);
}

/**
 * fdnix_embedder_offline_new:
 * @idf_path: the IDF data file (gzip TSV from data/generate-idf.py)
 * @dimension: vector length, at least 16
 * @error: return location for an error
 *
 * The model id names the dimension and the data file's digest, so vectors
 * from other weights are never mixed with these.
 *
 * Returns: (transfer full): the embedder, or NULL when the data file
 *   cannot be read.
 */
FdnixEmbedder *
fdnix_embedder_offline_new (const gchar *idf_path, guint dimension, GError **error)
{
  g_autoptr(FdnixEmbedderOffline) self = g_object_new (FDNIX_TYPE_EMBEDDER_OFFLINE, NULL);
  g_autofree gchar *digest = NULL;

  if (dimension < 16 || dimension > 65536)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "offline embedder dimension %u is out of range (16 to 65536)", dimension);
      return NULL;
    }
  self->info.service = "offline";
  self->info.dimension = dimension;
  self->info.max_batch = FDNIX_OFFLINE_MAX_BATCH;
  self->info.max_chars = FDNIX_OFFLINE_MAX_CHARS;
  if (!load_idf (self, idf_path, &digest, error))
    {
      g_prefix_error (error, "offline embedder data %s: ", idf_path);
      return NULL;
    }
  self->info.model = g_strdup_printf ("fdnix-offline-v1-d%u-%.8s", dimension, digest);
  return FDNIX_EMBEDDER (g_steal_pointer (&self));
}
