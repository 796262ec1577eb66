/* fdnix-search-output.c: table and JSON lines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/fdnix-json.h"
#include "search/fdnix-search-output.h"

#define MAX_PATH_COLUMN 48
#define MAX_VERSION_COLUMN 24

static const gchar *
field_label (FdnixMatchField field)
{
  switch (field)
    {
    case FDNIX_FIELD_ATTRIBUTE_PATH:
      return "attribute path";
    case FDNIX_FIELD_ATTRIBUTE_NAME:
      return "attribute name";
    case FDNIX_FIELD_PNAME:
      return "pname";
    case FDNIX_FIELD_MAIN_PROGRAM:
      return "main program";
    case FDNIX_FIELD_NONE:
    default:
      return "name";
    }
}

/**
 * fdnix_search_hit_matched_name:
 * @index: the index the hit is from
 * @hit: a hit
 *
 * Returns: the text of the name the hit matched (attribute path, its last
 * segment, pname or main program), or NULL when it matched no name.
 */
const gchar *
fdnix_search_hit_matched_name (const FdnixSearchIndex *index, const FdnixSearchHit *hit)
{
  const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);

  switch (hit->field)
    {
    case FDNIX_FIELD_ATTRIBUTE_PATH:
      return fdnix_search_entry_name (index, e);
    case FDNIX_FIELD_ATTRIBUTE_NAME:
      return fdnix_search_entry_name (index, e) + e->last_segment;
    case FDNIX_FIELD_PNAME:
      return fdnix_search_entry_pname (index, e);
    case FDNIX_FIELD_MAIN_PROGRAM:
      return fdnix_search_entry_main_program (index, e);
    case FDNIX_FIELD_NONE:
    default:
      return NULL;
    }
}

static void
append_number (GString *out, gdouble value, const gchar *format)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* The other members of a hit's group, at most this many shown. */
#define MAX_ALTERNATIVES 20

static const guint32 *
alternatives_of (const FdnixSearchIndex *index, const FdnixSearchHit *hit, guint *out_n)
{
  const FdnixSearchGroups *groups = fdnix_search_index_get_groups (index);

  return fdnix_search_groups_get_members (groups, fdnix_search_groups_get_group (groups, hit->entry), out_n);
}

static void
append_alternatives_json (GString *out, const FdnixSearchIndex *index, const FdnixSearchHit *hit)
{
  guint n, shown = 0;
  const guint32 *members = alternatives_of (index, hit, &n);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n && shown < MAX_ALTERNATIVES; i++)
    {
      if (members[i] == hit->entry)
        continue;
      if (shown++ > 0)
        g_string_append_c (out, ',');
      fdnix_json_append_string (out, fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, members[i])));
    }
  g_string_append_c (out, ']');
}

/* "also: a, b, c" under a table row, or nothing for a group of one. */
static void
append_alternatives_line (GString *out, const FdnixSearchIndex *index, const FdnixSearchHit *hit)
{
  guint n, shown = 0;
  const guint32 *members = alternatives_of (index, hit, &n);

  if (n < 2)
    return;
  g_string_append (out, "    also:");
  for (guint i = 0; i < n && shown < MAX_ALTERNATIVES; i++)
    {
      if (members[i] == hit->entry)
        continue;
      g_string_append (out, shown++ > 0 ? ", " : " ");
      g_string_append (out, fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, members[i])));
    }
  if (n - 1 > shown)
    g_string_append_printf (out, " and %u more", n - 1 - shown);
  g_string_append_c (out, '\n');
}

/* Space-separated words as a JSON array of strings. */
static void
append_words (GString *out, const gchar *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);
  gboolean first = TRUE;

  g_string_append_c (out, '[');
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (!first)
        g_string_append_c (out, ',');
      fdnix_json_append_string (out, parts[i]);
      first = FALSE;
    }
  g_string_append_c (out, ']');
}

/**
 * fdnix_search_explain_text:
 * @index: the index searched
 * @hit: one result
 *
 * Returns: (transfer full): how the score was made, in one line, e.g.
 *   "exact main program "rg" 3.000 + 0.5 × relevance 1.000 (keyword #1,
 *   bm25f 9.210; vector #1, cosine 0.412) = 3.500".
 */
gchar *
fdnix_search_explain_text (const FdnixSearchIndex *index, const FdnixSearchHit *hit)
{
  const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);
  GString *out = g_string_new (NULL);

  switch (hit->kind)
    {
    case FDNIX_MATCH_EXACT_PATH:
    case FDNIX_MATCH_EXACT_NAME:
      g_string_append_printf (out, "exact %s \"%s\" ", field_label (hit->field), fdnix_search_hit_matched_name (index, hit));
      break;
    case FDNIX_MATCH_PREFIX:
      g_string_append_printf (out, "prefix of %s \"%s\" ", field_label (hit->field), fdnix_search_hit_matched_name (index, hit));
      break;
    case FDNIX_MATCH_FUZZY:
      g_string_append_printf (out, "%u typo%s from %s \"%s\" ", hit->distance, hit->distance == 1 ? "" : "s",
                              field_label (hit->field), fdnix_search_hit_matched_name (index, hit));
      break;
    case FDNIX_MATCH_NONE:
    default:
      g_string_append (out, "no name match ");
      break;
    }
  append_number (out, hit->name_score, "%.3f");
  g_string_append (out, " + ");
  if (hit->kind >= FDNIX_MATCH_EXACT_NAME)
    {
      append_number (out, FDNIX_SEARCH_EXACT_COSINE_WEIGHT, "%.1f");
      g_string_append (out, " × ");
    }
  g_string_append (out, "relevance ");
  append_number (out, hit->relevance, "%.3f");
  g_string_append (out, " (keyword ");
  if (hit->keyword_rank > 0)
    {
      g_string_append_printf (out, "#%u, bm25f ", hit->keyword_rank);
      append_number (out, hit->keyword, "%.3f");
    }
  else
    g_string_append (out, "-");
  g_string_append (out, "; vector ");
  if (!e->has_vector)
    g_string_append (out, "none");
  else
    {
      if (hit->vector_rank > 0)
        g_string_append_printf (out, "#%u, ", hit->vector_rank);
      g_string_append (out, "cosine ");
      append_number (out, hit->cosine, "%.3f");
    }
  g_string_append (out, ")");
  if (hit->kind != FDNIX_MATCH_EXACT_PATH && e->depth > 0)
    {
      g_string_append (out, " - depth ");
      append_number (out, FDNIX_SEARCH_DEPTH_PENALTY * MIN (e->depth, 2), "%.1f");
    }
  if (e->flags & (FDNIX_SEARCH_ENTRY_BROKEN | FDNIX_SEARCH_ENTRY_INSECURE))
    {
      g_string_append_printf (out, " - %s ", e->flags & FDNIX_SEARCH_ENTRY_BROKEN ? "broken" : "insecure");
      append_number (out, FDNIX_SEARCH_UNSOUND_PENALTY, "%.1f");
    }
  g_string_append (out, " = ");
  append_number (out, hit->score, "%.3f");
  return g_string_free (out, FALSE);
}

/**
 * fdnix_search_append_json:
 * @out: a buffer; one line is appended, with its newline
 * @index: the index searched
 * @query: the query as given
 * @rank: 1 for the best result
 * @hit: the result
 * @explain: whether to add the "explain" object
 */
void
fdnix_search_append_json (GString *out, const FdnixSearchIndex *index, const gchar *query,
                          guint rank, const FdnixSearchHit *hit, gboolean explain)
{
  const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);
  g_autoptr(GString) line = g_string_new ("{");

  fdnix_json_member_string (line, "query", query);
  fdnix_json_member_int (line, "rank", rank);
  fdnix_json_member_string (line, "packageName", fdnix_search_entry_name (index, e));
  fdnix_json_member_string (line, "version", fdnix_search_entry_version (index, e));
#define OPTIONAL_MEMBER(name, value) \
  fdnix_json_member_string (line, name, *(value) != '\0' ? (value) : NULL)
  OPTIONAL_MEMBER ("pname", fdnix_search_entry_pname (index, e));
  OPTIONAL_MEMBER ("mainProgram", fdnix_search_entry_main_program (index, e));
  OPTIONAL_MEMBER ("description", fdnix_search_entry_description (index, e));
#undef OPTIONAL_MEMBER
  fdnix_json_member (line, "licenses");
  append_words (line, fdnix_search_entry_licenses (index, e));
  fdnix_json_member (line, "platforms");
  append_words (line, fdnix_search_entry_platforms (index, e));
  fdnix_json_member (line, "alternatives");
  append_alternatives_json (line, index, hit);
  fdnix_json_member_bool (line, "unfree", (e->flags & FDNIX_SEARCH_ENTRY_UNFREE) != 0);
  fdnix_json_member_bool (line, "broken", (e->flags & FDNIX_SEARCH_ENTRY_BROKEN) != 0);
  fdnix_json_member_bool (line, "insecure", (e->flags & FDNIX_SEARCH_ENTRY_INSECURE) != 0);
  fdnix_json_member (line, "score");
  append_number (line, hit->score, "%.4f");
  fdnix_json_member_string (line, "match", fdnix_match_kind_to_string (hit->kind));
  if (explain)
    {
      g_autofree gchar *text = fdnix_search_explain_text (index, hit);

      fdnix_json_member (line, "explain");
      g_string_append_c (line, '{');
      fdnix_json_member_string (line, "field", fdnix_match_field_to_string (hit->field));
      fdnix_json_member_string (line, "matched", fdnix_search_hit_matched_name (index, hit));
      if (hit->kind == FDNIX_MATCH_FUZZY)
        fdnix_json_member_int (line, "typos", hit->distance);
      fdnix_json_member (line, "nameScore");
      append_number (line, hit->name_score, "%.4f");
      fdnix_json_member_bool (line, "hasVector", e->has_vector);
      fdnix_json_member (line, "cosine");
      append_number (line, hit->cosine, "%.4f");
      fdnix_json_member_int (line, "vectorRank", hit->vector_rank);
      fdnix_json_member (line, "keywordScore");
      append_number (line, hit->keyword, "%.4f");
      fdnix_json_member_int (line, "keywordRank", hit->keyword_rank);
      fdnix_json_member (line, "relevance");
      append_number (line, hit->relevance, "%.4f");
      fdnix_json_member_string (line, "text", text);
      g_string_append_c (line, '}');
    }
  g_string_append (line, "}\n");
  g_string_append_len (out, line->str, line->len);
}

/* Appends @text cut to @columns characters (UTF-8 aware), "…" marking a cut. */
static void
append_cut (GString *out, const gchar *text, glong columns)
{
  glong n = g_utf8_strlen (text, -1);

  if (columns <= 0 || n <= columns)
    {
      g_string_append (out, text);
      return;
    }
  if (columns > 1)
    g_string_append_len (out, text, g_utf8_offset_to_pointer (text, columns - 1) - text);
  g_string_append (out, "…");
}

static void
append_padded (GString *out, const gchar *text, gsize width)
{
  glong n = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (glong i = n; i < (glong) width; i++)
    g_string_append_c (out, ' ');
}

/**
 * fdnix_search_append_table:
 * @out: a buffer
 * @index: the index searched
 * @hits: (element-type FdnixSearchHit): results, best first
 * @explain: whether to add a line under each result saying how its score
 *   was made
 * @width: the terminal's width, to cut descriptions (0: never cut)
 */
void
fdnix_search_append_table (GString *out, const FdnixSearchIndex *index, GArray *hits,
                           gboolean explain, guint width)
{
  gsize path_width = strlen ("ATTRIBUTE PATH");
  gsize version_width = strlen ("VERSION");
  gsize used;

  for (guint i = 0; i < hits->len; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, i);
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);

      path_width = MAX (path_width, MIN ((gsize) g_utf8_strlen (fdnix_search_entry_name (index, e), -1),
                                         MAX_PATH_COLUMN));
      version_width = MAX (version_width,
                           MIN ((gsize) g_utf8_strlen (fdnix_search_entry_version (index, e), -1),
                                MAX_VERSION_COLUMN));
    }
  used = path_width + 2 + version_width + 2 + 7 + 2;
  append_padded (out, "ATTRIBUTE PATH", path_width + 2);
  append_padded (out, "VERSION", version_width + 2);
  append_padded (out, "SCORE", 7 + 2);
  g_string_append (out, "DESCRIPTION\n");
  for (guint i = 0; i < hits->len; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, i);
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);
      gchar score[G_ASCII_DTOSTR_BUF_SIZE];
      gsize start = out->len;

      append_padded (out, fdnix_search_entry_name (index, e), path_width);
      g_string_append (out, "  ");
      append_padded (out, fdnix_search_entry_version (index, e), version_width);
      g_string_append (out, "  ");
      append_padded (out, g_ascii_formatd (score, sizeof score, "%7.3f", hit->score), 7);
      g_string_append (out, "  ");
      /* a long name or version pushes the description right: cut what is left */
      used = g_utf8_strlen (out->str + start, out->len - start);
      append_cut (out, fdnix_search_entry_description (index, e),
                  width > 0 ? MAX ((glong) width - (glong) used, 10) : 0);
      g_string_append_c (out, '\n');
      append_alternatives_line (out, index, hit);
      if (explain)
        {
          g_autofree gchar *text = fdnix_search_explain_text (index, hit);

          g_string_append_printf (out, "    %s\n", text);
        }
    }
}

/**
 * fdnix_search_terminal_width:
 *
 * Returns: the width of the terminal standard output is, 0 when it is not
 * one (a pipe or a file: lines are not cut); COLUMNS, then 80, when the
 * terminal does not say.
 */
guint
fdnix_search_terminal_width (void)
{
  struct winsize ws;
  const gchar *columns = g_getenv ("COLUMNS");

  if (!isatty (STDOUT_FILENO))
    return 0;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  if (columns != NULL && atoi (columns) > 0)
    return (guint) atoi (columns);
  return 80;
}
