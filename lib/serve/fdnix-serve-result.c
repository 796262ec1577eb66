/* fdnix-serve-result.c: results and their JSON. */
#include "config.h"

#include <string.h>

#include "core/fdnix-json.h"
#include "search/fdnix-search-output.h"
#include "serve/fdnix-serve-result.h"

/**
 * fdnix_serve_result_init:
 * @result: (out caller-allocates): the view to fill
 * @index: the snapshot's index, which must outlive @result
 * @entry: the package's entry
 * @hit: (nullable): how it was found, for a search result
 * @explain: whether to make the one-line explanation
 */
void
fdnix_serve_result_init (FdnixServeResult *result, const FdnixSearchIndex *index, guint entry,
                         const FdnixSearchHit *hit, gboolean explain)
{
  const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, entry);
  const FdnixSearchGroups *groups = fdnix_search_index_get_groups (index);
  const guint32 *members;
  guint n;

  memset (result, 0, sizeof *result);
  result->attribute_path = fdnix_search_entry_name (index, e);
  result->version = fdnix_search_entry_version (index, e);
  result->pname = fdnix_search_entry_pname (index, e);
  result->main_program = fdnix_search_entry_main_program (index, e);
  result->description = fdnix_search_entry_description (index, e);
  result->homepage = fdnix_search_entry_homepage (index, e);
  result->position = fdnix_search_entry_position (index, e);
  result->licenses = fdnix_search_entry_licenses (index, e);
  result->platforms = fdnix_search_entry_platforms (index, e);
  result->broken = (e->flags & FDNIX_SEARCH_ENTRY_BROKEN) != 0;
  result->unfree = (e->flags & FDNIX_SEARCH_ENTRY_UNFREE) != 0;
  result->insecure = (e->flags & FDNIX_SEARCH_ENTRY_INSECURE) != 0;
  result->has_vector = e->has_vector;
  members = fdnix_search_groups_get_members (groups, fdnix_search_groups_get_group (groups, entry), &n);
  for (guint i = 0; i < n; i++)
    {
      if (members[i] == entry)
        continue;
      if (result->n_alternatives < FDNIX_SERVE_MAX_ALTERNATIVES)
        result->alternatives[result->n_alternatives++] =
          fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, members[i]));
      else
        result->more_alternatives++;
    }
  if (hit != NULL)
    {
      result->has_hit = TRUE;
      result->hit = *hit;
      result->matched = fdnix_search_hit_matched_name (index, hit);
      if (explain)
        result->explain = fdnix_search_explain_text (index, hit);
    }
}

/**
 * fdnix_serve_result_clear:
 * @result: a result filled by fdnix_serve_result_init()
 */
void
fdnix_serve_result_clear (FdnixServeResult *result)
{
  g_clear_pointer (&result->explain, g_free);
}

static void
append_number (GString *out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.4f", value));
}

/**
 * fdnix_serve_unique_words:
 * @words: space-separated words
 *
 * The index keeps a license under its SPDX id and its nixpkgs short name
 * ("MIT mit"): shown, a word equal to an earlier one but for case goes.
 *
 * Returns: (transfer full): the words, without repeats.
 */
GStrv
fdnix_serve_unique_words (const gchar *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gboolean seen = *parts[i] == '\0';

      for (guint j = 0; j < kept->len && !seen; j++)
        seen = g_ascii_strcasecmp (kept->pdata[j], parts[i]) == 0;
      if (!seen)
        g_ptr_array_add (kept, g_strdup (parts[i]));
    }
  g_ptr_array_add (kept, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&kept), FALSE);
}

/* Space-separated words as a JSON array of strings. */
static void
append_words (GString *out, const gchar *words)
{
  g_auto(GStrv) unique = fdnix_serve_unique_words (words);

  g_string_append_c (out, '[');
  for (guint i = 0; unique[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fdnix_json_append_string (out, unique[i]);
    }
  g_string_append_c (out, ']');
}

static void
member_optional (GString *out, const gchar *name, const gchar *value)
{
  fdnix_json_member_string (out, name, *value != '\0' ? value : NULL);
}

/**
 * fdnix_serve_append_result_json:
 * @out: a buffer
 * @result: a result
 * @explain: add the parts of the score
 *
 * Appends one package as a JSON object; fdnix-search(1) documents its
 * members.
 */
void
fdnix_serve_append_result_json (GString *out, const FdnixServeResult *result, gboolean explain)
{
  g_string_append_c (out, '{');
  fdnix_json_member_string (out, "attributePath", result->attribute_path);
  member_optional (out, "pname", result->pname);
  member_optional (out, "version", result->version);
  member_optional (out, "description", result->description);
  member_optional (out, "homepage", result->homepage);
  fdnix_json_member (out, "license");
  append_words (out, result->licenses);
  fdnix_json_member (out, "platforms");
  append_words (out, result->platforms);
  member_optional (out, "mainProgram", result->main_program);
  member_optional (out, "position", result->position);
  fdnix_json_member_bool (out, "broken", result->broken);
  fdnix_json_member_bool (out, "unfree", result->unfree);
  fdnix_json_member_bool (out, "insecure", result->insecure);
  fdnix_json_member (out, "alternatives");
  g_string_append_c (out, '[');
  for (guint i = 0; i < result->n_alternatives; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fdnix_json_append_string (out, result->alternatives[i]);
    }
  g_string_append_c (out, ']');
  if (result->more_alternatives > 0)
    fdnix_json_member_int (out, "moreAlternatives", result->more_alternatives);
  if (result->has_hit)
    {
      fdnix_json_member (out, "score");
      append_number (out, result->hit.score);
      fdnix_json_member_string (out, "match", fdnix_match_kind_to_string (result->hit.kind));
    }
  if (explain && result->has_hit)
    {
      fdnix_json_member (out, "explain");
      g_string_append_c (out, '{');
      fdnix_json_member_string (out, "field", fdnix_match_field_to_string (result->hit.field));
      fdnix_json_member_string (out, "matched", result->matched);
      if (result->hit.kind == FDNIX_MATCH_FUZZY)
        fdnix_json_member_int (out, "typos", result->hit.distance);
      fdnix_json_member (out, "nameScore");
      append_number (out, result->hit.name_score);
      fdnix_json_member_bool (out, "hasVector", result->has_vector);
      fdnix_json_member (out, "cosine");
      append_number (out, result->hit.cosine);
      fdnix_json_member_int (out, "vectorRank", result->hit.vector_rank);
      fdnix_json_member (out, "keywordScore");
      append_number (out, result->hit.keyword);
      fdnix_json_member_int (out, "keywordRank", result->hit.keyword_rank);
      fdnix_json_member (out, "relevance");
      append_number (out, result->hit.relevance);
      fdnix_json_member_string (out, "text", result->explain);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

/**
 * fdnix_serve_append_search_json:
 * @out: a buffer
 * @params: the request
 * @results: (array length=n_results): the page of results asked for
 * @n_results: how many
 * @more: whether results follow this page
 * @cached: whether the ranking came from the cache
 * @took_ms: time spent answering
 * @run_id: (nullable): the snapshot's fdnix-embed run
 *
 * Appends the answer of GET /v1/search.
 */
void
fdnix_serve_append_search_json (GString *out, const FdnixServeParams *params, const FdnixServeResult *results,
                                guint n_results, gboolean more, gboolean cached, gdouble took_ms,
                                const gchar *run_id)
{
  g_string_append_c (out, '{');
  fdnix_json_member_string (out, "query", params->q);
  fdnix_json_member_int (out, "offset", params->offset);
  fdnix_json_member_int (out, "limit", params->limit);
  fdnix_json_member_bool (out, "more", more);
  fdnix_json_member_bool (out, "cached", cached);
  fdnix_json_member (out, "tookMs");
  append_number (out, took_ms);
  fdnix_json_member_string (out, "snapshot", run_id);
  fdnix_json_member (out, "results");
  g_string_append_c (out, '[');
  for (guint i = 0; i < n_results; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fdnix_serve_append_result_json (out, &results[i], params->explain);
    }
  g_string_append (out, "]}\n");
}

/**
 * fdnix_serve_append_error_json:
 * @out: a buffer
 * @status: the HTTP status
 * @message: what was wrong, for the client
 */
void
fdnix_serve_append_error_json (GString *out, guint status, const gchar *message)
{
  g_string_append_c (out, '{');
  fdnix_json_member_int (out, "status", status);
  fdnix_json_member_string (out, "error", message);
  g_string_append (out, "}\n");
}
