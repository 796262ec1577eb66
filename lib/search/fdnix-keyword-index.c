/* fdnix-keyword-index.c: postings, field lengths and BM25F scoring. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/fdnix-keyword-index-private.h"
#include "search/fdnix-search-terms.h"

struct _FdnixKeywordQuery {
  GPtrArray *terms;   /* unique stems, in query order */
};

static void
free_postings (gpointer p)
{
  g_array_unref (p);
}

/**
 * fdnix_keyword_index_new:
 *
 * Returns: (transfer full): an empty index to add documents to
 */
FdnixKeywordIndex *
fdnix_keyword_index_new (void)
{
  FdnixKeywordIndex *self = g_new0 (FdnixKeywordIndex, 1);

  self->termizer = fdnix_termizer_new ();
  self->term_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->term_names = g_ptr_array_new ();
  self->term_lists = g_ptr_array_new_with_free_func (free_postings);
  self->lengths = g_array_new (FALSE, TRUE, sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS);
  return self;
}

/**
 * fdnix_keyword_index_free:
 * @self: (transfer full) (nullable): an index
 */
void
fdnix_keyword_index_free (FdnixKeywordIndex *self)
{
  if (self == NULL)
    return;
  fdnix_termizer_free (self->termizer);
  g_clear_pointer (&self->term_lists, g_ptr_array_unref);
  g_clear_pointer (&self->term_names, g_ptr_array_unref);
  g_clear_pointer (&self->term_ids, g_hash_table_unref);
  g_clear_pointer (&self->terms, g_hash_table_unref);
  g_array_unref (self->lengths);
  g_free (self->term_table);
  if (!self->postings_borrowed)
    g_free (self->postings);
  g_clear_pointer (&self->backing, g_bytes_unref);
  g_free (self);
}

typedef struct {
  FdnixKeywordIndex *self;
  guint              field;
  guint              length;
} AddContext;

/* A term's postings are appended in document order, so the current
 * document's posting, if any, is the list's last. */
static void
count_term (const gchar *term, gsize length, gpointer *slot, gpointer user_data)
{
  AddContext *c = user_data;
  FdnixKeywordIndex *self = c->self;
  /* the word's slot caches its term id: one hash lookup per token */
  guint id = GPOINTER_TO_UINT (*slot);
  GArray *list;
  Posting *p;

  (void) length;
  if (id == 0)
    id = GPOINTER_TO_UINT (g_hash_table_lookup (self->term_ids, term));
  if (id == 0)
    {
      gchar *key = g_strdup (term);

      g_hash_table_insert (self->term_ids, key, GUINT_TO_POINTER (self->term_names->len + 1));
      g_ptr_array_add (self->term_names, key);
      g_ptr_array_add (self->term_lists, g_array_new (FALSE, FALSE, sizeof (Posting)));
      id = self->term_names->len;
    }
  *slot = GUINT_TO_POINTER (id);
  list = self->term_lists->pdata[id - 1];
  if (list->len == 0 || g_array_index (list, Posting, list->len - 1).doc != self->n_docs)
    {
      Posting fresh = { self->n_docs, { 0 } };
      g_array_append_val (list, fresh);
    }
  p = &g_array_index (list, Posting, list->len - 1);
  if (p->tf[c->field] < G_MAXUINT8)
    p->tf[c->field]++;
  if (c->length < G_MAXUINT16)
    c->length++;
}

/**
 * fdnix_keyword_index_add:
 * @self: an index not yet sealed
 * @fields: (array fixed-size=4) (element-type utf8): the text of each
 *   FdnixKeywordField, each nullable
 *
 * Returns: the new document's id (the count of documents added before)
 */
guint
fdnix_keyword_index_add (FdnixKeywordIndex *self, const gchar *const *fields)
{
  guint16 lengths[FDNIX_KEYWORD_N_FIELDS];

  g_return_val_if_fail (!self->sealed, 0);
  for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
    {
      AddContext c = { self, f, 0 };

      fdnix_termizer_split (self->termizer, fields[f], count_term, &c);
      lengths[f] = (guint16) c.length;
    }
  g_array_append_vals (self->lengths, lengths, 1);
  return self->n_docs++;
}

static int
compare_postings (const void *a, const void *b)
{
  guint32 x = ((const Posting *) a)->doc, y = ((const Posting *) b)->doc;

  return x < y ? -1 : x > y;
}

/**
 * fdnix_keyword_index_seal:
 * @self: an index
 * @new_ids: (nullable) (array): for each document added, its new id, or
 *   -1 to drop it; NULL keeps the ids
 * @n_new: the number of documents after renumbering (ignored without
 *   @new_ids)
 *
 * Freezes the index: postings sorted by document, average field lengths.
 */
void
fdnix_keyword_index_seal (FdnixKeywordIndex *self, const gint *new_ids, guint n_new)
{
  guint n_docs = new_ids != NULL ? n_new : self->n_docs;
  g_autoptr(GArray) lengths = g_array_new (FALSE, TRUE, sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS);
  gdouble totals[FDNIX_KEYWORD_N_FIELDS] = { 0 };
  gsize total = 0;

  g_return_if_fail (!self->sealed);
  g_array_set_size (lengths, n_docs);
  for (guint d = 0; d < self->n_docs; d++)
    {
      gint to = new_ids != NULL ? new_ids[d] : (gint) d;

      if (to < 0)
        continue;
      memcpy (lengths->data + (gsize) to * sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS,
              self->lengths->data + (gsize) d * sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS,
              sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS);
    }
  for (guint d = 0; d < n_docs; d++)
    for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
      totals[f] += ((guint16 *) lengths->data)[(gsize) d * FDNIX_KEYWORD_N_FIELDS + f];
  for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
    self->average[f] = n_docs > 0 && totals[f] > 0 ? (gfloat) (totals[f] / n_docs) : 1.0f;
  g_array_unref (self->lengths);
  self->lengths = g_steal_pointer (&lengths);

  for (guint id = 0; id < self->term_lists->len; id++)
    total += ((GArray *) self->term_lists->pdata[id])->len;
  self->postings = g_new (Posting, MAX (total, 1));
  self->term_table = g_new (Term, MAX (self->term_lists->len, 1));
  self->terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint id = 0; id < self->term_lists->len; id++)
    {
      GArray *list = self->term_lists->pdata[id];
      Term *term = &self->term_table[id];
      gboolean sorted = TRUE;

      term->start = (guint32) self->n_postings;
      for (guint i = 0; i < list->len; i++)
        {
          Posting p = g_array_index (list, Posting, i);
          gint to = new_ids != NULL ? new_ids[p.doc] : (gint) p.doc;

          if (to < 0)
            continue;
          p.doc = (guint32) to;
          if (self->n_postings > term->start && self->postings[self->n_postings - 1].doc > p.doc)
            sorted = FALSE;
          self->postings[self->n_postings++] = p;
        }
      term->count = (guint32) (self->n_postings - term->start);
      if (!sorted)
        qsort (self->postings + term->start, term->count, sizeof (Posting), compare_postings);
      g_array_set_size (list, 0);
    }
  /* the stems move from the building table to the sealed one */
  g_hash_table_steal_all (self->term_ids);
  for (guint id = 0; id < self->term_names->len; id++)
    g_hash_table_insert (self->terms, self->term_names->pdata[id], &self->term_table[id]);
  g_clear_pointer (&self->term_lists, g_ptr_array_unref);
  g_clear_pointer (&self->term_names, g_ptr_array_unref);
  g_clear_pointer (&self->term_ids, g_hash_table_unref);
  g_clear_pointer (&self->termizer, fdnix_termizer_free);
  self->n_docs = n_docs;
  self->sealed = TRUE;
}

/**
 * fdnix_keyword_index_get_n_docs:
 * @self: an index
 *
 * Returns: the number of documents
 */
guint
fdnix_keyword_index_get_n_docs (const FdnixKeywordIndex *self)
{
  return self->n_docs;
}

/**
 * fdnix_keyword_index_get_n_terms:
 * @self: a sealed index
 *
 * Returns: the number of distinct terms
 */
guint
fdnix_keyword_index_get_n_terms (const FdnixKeywordIndex *self)
{
  return self->terms != NULL ? g_hash_table_size (self->terms) : 0;
}

/**
 * fdnix_keyword_index_get_memory_size:
 * @self: a sealed index
 *
 * Returns: bytes held by postings, terms and lengths (hash overhead aside)
 */
gsize
fdnix_keyword_index_get_memory_size (const FdnixKeywordIndex *self)
{
  return self->n_postings * sizeof (Posting) + fdnix_keyword_index_get_n_terms (self) * (sizeof (Term) + 16) +
         (gsize) self->n_docs * sizeof (guint16) * FDNIX_KEYWORD_N_FIELDS;
}

static void
add_query_term (const gchar *term, gsize length, gpointer *slot, gpointer user_data)
{
  GPtrArray *terms = user_data;

  (void) length;
  (void) slot;
  for (guint i = 0; i < terms->len; i++)
    if (g_str_equal (terms->pdata[i], term))
      return;
  /* a query of more words than this is a pasted text, not a search */
  if (terms->len < 32)
    g_ptr_array_add (terms, g_strdup (term));
}

/**
 * fdnix_keyword_query_new:
 * @text: the query as typed
 *
 * Returns: (transfer full): the query's unique terms
 */
FdnixKeywordQuery *
fdnix_keyword_query_new (const gchar *text)
{
  FdnixKeywordQuery *query = g_new0 (FdnixKeywordQuery, 1);
  g_autoptr(FdnixTermizer) termizer = fdnix_termizer_new ();

  query->terms = g_ptr_array_new_with_free_func (g_free);
  fdnix_termizer_split (termizer, text, add_query_term, query->terms);
  return query;
}

/**
 * fdnix_keyword_query_free:
 * @query: (transfer full) (nullable): a query
 */
void
fdnix_keyword_query_free (FdnixKeywordQuery *query)
{
  if (query == NULL)
    return;
  g_ptr_array_unref (query->terms);
  g_free (query);
}

/**
 * fdnix_keyword_query_get_n_terms:
 * @query: a query
 *
 * Returns: its number of unique terms
 */
guint
fdnix_keyword_query_get_n_terms (const FdnixKeywordQuery *query)
{
  return query->terms->len;
}

/**
 * fdnix_keyword_query_get_term:
 * @query: a query
 * @i: below fdnix_keyword_query_get_n_terms()
 *
 * Returns: the @i-th term (stemmed)
 */
const gchar *
fdnix_keyword_query_get_term (const FdnixKeywordQuery *query, guint i)
{
  return query->terms->pdata[i];
}

static int
compare_hits (const void *a, const void *b)
{
  const FdnixKeywordHit *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/**
 * fdnix_keyword_index_search:
 * @self: a sealed index
 * @query: a query
 *
 * Returns: (transfer full) (element-type FdnixKeywordHit): every document
 *   with at least one query term, best first (ties by document id)
 */
GArray *
fdnix_keyword_index_search (const FdnixKeywordIndex *self, const FdnixKeywordQuery *query)
{
  static const gfloat weights[] = FDNIX_KEYWORD_WEIGHTS;
  static const gfloat bs[] = FDNIX_KEYWORD_B;
  const guint16 *lengths = (const guint16 *) self->lengths->data;
  g_autofree gfloat *scores = NULL;
  g_autofree guint8 *matched = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *hits = g_array_new (FALSE, FALSE, sizeof (FdnixKeywordHit));
  guint known = 0;

  g_return_val_if_fail (self->sealed, hits);
  if (self->n_docs == 0 || query->terms->len == 0)
    return hits;
  scores = g_new0 (gfloat, self->n_docs);
  matched = g_new0 (guint8, self->n_docs);
  for (guint t = 0; t < query->terms->len; t++)
    {
      const Term *term = g_hash_table_lookup (self->terms, query->terms->pdata[t]);
      gfloat idf;

      if (term == NULL || term->count == 0)
        continue;
      known++;
      idf = (gfloat) log (1.0 + (self->n_docs - term->count + 0.5) / (term->count + 0.5));
      for (guint32 i = 0; i < term->count; i++)
        {
          const Posting *p = &self->postings[term->start + i];
          gfloat tf = 0;

          for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
            if (p->tf[f] > 0)
              {
                gfloat length = lengths[(gsize) p->doc * FDNIX_KEYWORD_N_FIELDS + f];
                tf += weights[f] * p->tf[f] / (1.0f - bs[f] + bs[f] * length / self->average[f]);
              }
          if (matched[p->doc]++ == 0)
            g_array_append_val (touched, p->doc);
          scores[p->doc] += idf * tf / (FDNIX_KEYWORD_K1 + tf);
        }
    }
  g_array_set_size (hits, touched->len);
  for (guint i = 0; i < touched->len; i++)
    {
      guint32 doc = g_array_index (touched, guint32, i);
      gfloat coverage = (gfloat) matched[doc] / known;
      FdnixKeywordHit *hit = &g_array_index (hits, FdnixKeywordHit, i);

      hit->doc = doc;
      hit->matched = matched[doc];
      hit->score = scores[doc] * coverage * coverage;
    }
  /* an empty GArray's data is NULL, which qsort must not see */
  if (hits->len > 1)
    qsort (hits->data, hits->len, sizeof (FdnixKeywordHit), compare_hits);
  return hits;
}
