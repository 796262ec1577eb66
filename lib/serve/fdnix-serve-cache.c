/* fdnix-serve-cache.c: a small LRU of rankings. */
#include "config.h"

#include "serve/fdnix-serve-cache.h"

typedef struct {
  gchar  *key;
  GArray *hits;    /* FdnixSearchHit, best first */
  guint   asked;   /* the limit they were ranked with */
  GList  *link;    /* in order, most recent first */
} Entry;

struct _FdnixServeCache {
  GMutex      lock;
  guint       max_entries;
  GHashTable *entries;   /* key → Entry* */
  GQueue      order;     /* Entry*, most recent at the head */
  guint64     hits;
  guint64     misses;
};

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_array_unref (entry->hits);
  g_free (entry);
}

/**
 * fdnix_serve_cache_new:
 * @max_entries: rankings kept at most (0: nothing is kept)
 *
 * Returns: (transfer full): an empty cache.
 */
FdnixServeCache *
fdnix_serve_cache_new (guint max_entries)
{
  FdnixServeCache *self = g_new0 (FdnixServeCache, 1);

  g_mutex_init (&self->lock);
  self->max_entries = max_entries;
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  g_queue_init (&self->order);
  return self;
}

/**
 * fdnix_serve_cache_free:
 * @self: (transfer full) (nullable): a cache
 */
void
fdnix_serve_cache_free (FdnixServeCache *self)
{
  if (self == NULL)
    return;
  g_queue_clear (&self->order);
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * fdnix_serve_cache_key:
 * @query: the query as searched
 * @license: (nullable): filter
 * @platform: (nullable): filter
 * @set: (nullable): filter
 * @include_broken: filter
 *
 * Returns: (transfer full): the key of one ranking (fields joined by a
 *   byte no query holds).
 */
gchar *
fdnix_serve_cache_key (const gchar *query, const gchar *license, const gchar *platform, const gchar *set,
                       gboolean include_broken)
{
  return g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%d", query, license != NULL ? license : "",
                          platform != NULL ? platform : "", set != NULL ? set : "", include_broken ? 1 : 0);
}

/**
 * fdnix_serve_cache_lookup:
 * @self: a cache
 * @key: from fdnix_serve_cache_key()
 * @needed: how many hits the request needs (offset + limit + 1)
 *
 * Returns: (transfer full) (nullable): the ranking, when it is cached and
 *   covers @needed (it has that many hits, or all there were).
 */
GArray *
fdnix_serve_cache_lookup (FdnixServeCache *self, const gchar *key, guint needed)
{
  GArray *hits = NULL;
  Entry *entry;

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL && (entry->hits->len >= needed || entry->hits->len < entry->asked))
    {
      hits = g_array_ref (entry->hits);
      g_queue_unlink (&self->order, entry->link);
      g_queue_push_head_link (&self->order, entry->link);
      self->hits++;
    }
  else
    self->misses++;
  g_mutex_unlock (&self->lock);
  return hits;
}

/**
 * fdnix_serve_cache_contains:
 * @self: a cache
 * @key: from fdnix_serve_cache_key()
 * @needed: as for fdnix_serve_cache_lookup()
 *
 * Like fdnix_serve_cache_lookup(), without counting or refreshing.
 *
 * Returns: whether a lookup would find the ranking now.
 */
gboolean
fdnix_serve_cache_contains (FdnixServeCache *self, const gchar *key, guint needed)
{
  Entry *entry;
  gboolean found;

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  found = entry != NULL && (entry->hits->len >= needed || entry->hits->len < entry->asked);
  g_mutex_unlock (&self->lock);
  return found;
}

/**
 * fdnix_serve_cache_insert:
 * @self: a cache
 * @key: from fdnix_serve_cache_key()
 * @hits: (transfer none): the ranking (a reference is kept)
 * @asked: the limit it was ranked with: fewer hits than this means there
 *   were no more
 */
void
fdnix_serve_cache_insert (FdnixServeCache *self, const gchar *key, GArray *hits, guint asked)
{
  Entry *entry;

  if (self->max_entries == 0)
    return;
  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    {
      g_queue_delete_link (&self->order, entry->link);
      g_hash_table_remove (self->entries, key);
    }
  while (g_hash_table_size (self->entries) >= self->max_entries)
    {
      Entry *oldest = g_queue_pop_tail (&self->order);

      g_hash_table_remove (self->entries, oldest->key);
    }
  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->hits = g_array_ref (hits);
  entry->asked = asked;
  g_queue_push_head (&self->order, entry);
  entry->link = self->order.head;
  g_hash_table_insert (self->entries, entry->key, entry);
  g_mutex_unlock (&self->lock);
}

/**
 * fdnix_serve_cache_get_counts:
 * @self: a cache
 * @out_hits: (out): lookups answered
 * @out_misses: (out): lookups not answered
 * @out_entries: (out): rankings held
 */
void
fdnix_serve_cache_get_counts (FdnixServeCache *self, guint64 *out_hits, guint64 *out_misses, guint *out_entries)
{
  g_mutex_lock (&self->lock);
  *out_hits = self->hits;
  *out_misses = self->misses;
  *out_entries = g_hash_table_size (self->entries);
  g_mutex_unlock (&self->lock);
}
