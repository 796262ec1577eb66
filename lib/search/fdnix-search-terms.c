/* fdnix-search-terms.c: tokens, stop words and stems. */
#include "config.h"

#include <string.h>
#include <libstemmer.h>

#include "search/fdnix-search-terms.h"

/* What the termizer knows of a word it has seen: its stem, or that it is
 * a stop word, and a slot its caller may keep something in. */
typedef struct {
  gchar   *stem;       /* NULL for a stop word */
  gsize    length;
  gpointer slot;
} Word;

struct _FdnixTermizer {
  struct sb_stemmer *stemmer;
  GHashTable        *words;   /* word → Word: a corpus has far fewer words than tokens */
};

static void
free_word (gpointer p)
{
  Word *w = p;

  g_free (w->stem);
  g_free (w);
}

/* Words that say nothing about what a package is for.  Kept short: the
 * keyword ranking's idf already discounts common words, and "tool",
 * "library" or "client" do tell packages apart. */
static const gchar *const stop_words[] = {
  "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "based", "been", "but",
  "by", "can", "do", "does", "for", "from", "has", "have", "how", "i", "if", "in", "into",
  "is", "it", "its", "me", "my", "of", "on", "or", "so", "some", "such", "than", "that", "the",
  "their", "then", "there", "these", "this", "those", "to", "using", "via", "was", "we",
  "what", "when", "which", "while", "who", "will", "with", "within", "without", "you", "your",
  NULL
};

static GHashTable *
stop_word_set (void)
{
  static GHashTable *set;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; stop_words[i] != NULL; i++)
        g_hash_table_add (set, (gpointer) stop_words[i]);
      g_once_init_leave (&initialized, 1);
    }
  return set;
}

/**
 * fdnix_search_is_stop_word:
 * @word: a lowered word
 *
 * Returns: whether @word is dropped from texts and queries.
 */
gboolean
fdnix_search_is_stop_word (const gchar *word)
{
  return g_hash_table_contains (stop_word_set (), word);
}

/**
 * fdnix_termizer_new:
 *
 * Returns: (transfer full): a termizer with its own stemmer
 */
FdnixTermizer *
fdnix_termizer_new (void)
{
  FdnixTermizer *self = g_new0 (FdnixTermizer, 1);

  self->stemmer = sb_stemmer_new ("english", "UTF_8");
  if (self->stemmer == NULL)
    g_error ("libstemmer has no English stemmer");
  self->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_word);
  return self;
}

/**
 * fdnix_termizer_free:
 * @self: (transfer full) (nullable): a termizer
 */
void
fdnix_termizer_free (FdnixTermizer *self)
{
  if (self == NULL)
    return;
  sb_stemmer_delete (self->stemmer);
  g_hash_table_unref (self->words);
  g_free (self);
}

static inline gboolean
is_word_byte (guchar c)
{
  return g_ascii_isalnum (c) || c >= 0x80;
}

static Word *
lookup_word (FdnixTermizer *self, const gchar *word, gsize length)
{
  Word *w = g_hash_table_lookup (self->words, word);
  const sb_symbol *stemmed;

  if (w != NULL)
    return w;
  w = g_new0 (Word, 1);
  if (!fdnix_search_is_stop_word (word))
    {
      stemmed = sb_stemmer_stem (self->stemmer, (const sb_symbol *) word, (int) length);
      /* only a stemmer out of memory returns NULL: keep the word as it is */
      w->stem = stemmed != NULL ? g_strndup ((const gchar *) stemmed, sb_stemmer_length (self->stemmer))
                                : g_strdup (word);
      w->length = strlen (w->stem);
    }
  g_hash_table_insert (self->words, g_strdup (word), w);
  return w;
}

/**
 * fdnix_termizer_split:
 * @self: a termizer
 * @text: (nullable): UTF-8 text
 * @func: called for each term, in order (repeats included)
 * @user_data: for @func
 *
 * @func also gets a slot that belongs to the word the term came from: the
 * same word always brings the same slot, so a caller can cache what it
 * makes of a term there (NULL the first time).
 */
void
fdnix_termizer_split (FdnixTermizer *self, const gchar *text, FdnixTermFunc func, gpointer user_data)
{
  gchar word[FDNIX_SEARCH_TERM_MAX + 1];
  const guchar *p = (const guchar *) text;

  if (text == NULL)
    return;
  while (*p != '\0')
    {
      const guchar *start;
      gsize length;
      Word *w;

      while (*p != '\0' && !is_word_byte (*p))
        p++;
      start = p;
      while (is_word_byte (*p))
        p++;
      length = (gsize) (p - start);
      if (length == 0 || length > FDNIX_SEARCH_TERM_MAX)
        continue;
      for (gsize i = 0; i < length; i++)
        word[i] = g_ascii_tolower ((gchar) start[i]);
      word[length] = '\0';
      w = lookup_word (self, word, length);
      if (w->stem != NULL)
        func (w->stem, w->length, &w->slot, user_data);
    }
}

/* Folders of a position that say nothing about what the package does. */
static gboolean
is_layout_folder (const gchar *folder)
{
  return g_str_equal (folder, "pkgs") || g_str_equal (folder, "by-name") ||
         g_str_equal (folder, "top-level") || g_str_equal (folder, "misc") ||
         strlen (folder) <= 2;
}

/**
 * fdnix_search_position_words:
 * @position: (nullable): a package's source position relative to the
 *   nixpkgs root ("pkgs/development/compilers/gcc/default.nix:42")
 *
 * The category words of the position: its folders, without the layout
 * ones (pkgs, by-name and its two-letter shards), the package's own
 * folder and the file ("development compilers" for the example).
 *
 * Returns: (transfer full): the words, space-separated; "" for none
 */
gchar *
fdnix_search_position_words (const gchar *position)
{
  g_autoptr(GString) words = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  guint n;

  if (position == NULL)
    return g_strdup ("");
  parts = g_strsplit (position, "/", -1);
  n = g_strv_length (parts);
  /* the last part is the file, the one before it the package's folder */
  for (guint i = 0; i + 2 < n; i++)
    {
      if (*parts[i] == '\0' || is_layout_folder (parts[i]))
        continue;
      if (words->len > 0)
        g_string_append_c (words, ' ');
      g_string_append (words, parts[i]);
    }
  return g_string_free (g_steal_pointer (&words), FALSE);
}
