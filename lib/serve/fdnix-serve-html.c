/* fdnix-serve-html.c: escaping, safe links and the server-rendered page. */
#include "config.h"

#include <string.h>

#include "serve/fdnix-serve-html.h"

/**
 * fdnix_html_append_escaped:
 * @out: a buffer
 * @text: (nullable): any text
 *
 * Appends @text with &, <, >, " and ' as entities: safe in element
 * content and in a quoted attribute value.
 */
void
fdnix_html_append_escaped (GString *out, const gchar *text)
{
  for (const gchar *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&':
          g_string_append (out, "&amp;");
          break;
        case '<':
          g_string_append (out, "&lt;");
          break;
        case '>':
          g_string_append (out, "&gt;");
          break;
        case '"':
          g_string_append (out, "&quot;");
          break;
        case '\'':
          g_string_append (out, "&#39;");
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
}

/**
 * fdnix_serve_is_web_url:
 * @url: (nullable): a homepage
 *
 * Returns: TRUE when @url is an http:// or https:// URL with a host and no
 *   white space or control character: the only homepages linked.
 */
gboolean
fdnix_serve_is_web_url (const gchar *url)
{
  const gchar *rest;

  if (url == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (url, "https://", 8) == 0)
    rest = url + 8;
  else if (g_ascii_strncasecmp (url, "http://", 7) == 0)
    rest = url + 7;
  else
    return FALSE;
  if (*rest == '\0' || *rest == '/')
    return FALSE;
  for (const guchar *p = (const guchar *) url; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/**
 * fdnix_serve_source_url:
 * @position: (nullable): a source position, "pkgs/.../package.nix:42"
 *
 * Returns: (transfer full) (nullable): its file in nixpkgs on GitHub, at
 *   its line, or NULL when @position is not a plain relative path of
 *   letters, digits and "._+-/" (no "..", no leading '/').
 */
gchar *
fdnix_serve_source_url (const gchar *position)
{
  g_autofree gchar *path = NULL;
  const gchar *colon, *line = NULL;
  g_auto(GStrv) segments = NULL;

  if (position == NULL || *position == '\0' || *position == '/')
    return NULL;
  colon = strrchr (position, ':');
  if (colon != NULL)
    {
      line = colon + 1;
      if (*line == '\0' || strlen (line) > 9)
        return NULL;
      for (const gchar *c = line; *c != '\0'; c++)
        if (!g_ascii_isdigit (*c))
          return NULL;
    }
  path = colon != NULL ? g_strndup (position, colon - position) : g_strdup (position);
  if (*path == '\0')
    return NULL;
  for (const gchar *c = path; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("._+-/", *c) == NULL)
      return NULL;
  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (*segments[i] == '\0' || strcmp (segments[i], "..") == 0 || strcmp (segments[i], ".") == 0)
      return NULL;
  return line != NULL ? g_strconcat (FDNIX_SERVE_SOURCE_BASE, path, "#L", line, NULL)
                      : g_strconcat (FDNIX_SERVE_SOURCE_BASE, path, NULL);
}

static void
append_element (GString *out, const gchar *tag, const gchar *class_name, const gchar *text)
{
  g_string_append_printf (out, "<%s class=\"%s\">", tag, class_name);
  fdnix_html_append_escaped (out, text);
  g_string_append_printf (out, "</%s>", tag);
}

static void
append_link (GString *out, const gchar *class_name, const gchar *href, const gchar *text)
{
  g_string_append_printf (out, "<a class=\"%s\" rel=\"noopener noreferrer nofollow\" href=\"", class_name);
  fdnix_html_append_escaped (out, href);
  g_string_append (out, "\">");
  fdnix_html_append_escaped (out, text);
  g_string_append (out, "</a>");
}

static guint
count_words (const gchar *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      n++;
  return n;
}

/**
 * fdnix_serve_append_result_html:
 * @out: a buffer
 * @result: one package
 * @number: its place in the list, from 0
 *
 * Appends one <li> of the result list, the markup app.js makes too.
 */
void
fdnix_serve_append_result_html (GString *out, const FdnixServeResult *result, guint number)
{
  g_autofree gchar *source = fdnix_serve_source_url (result->position);
  guint n_platforms = count_words (result->platforms);

  g_string_append_printf (out, "<li class=\"result\" id=\"result-%u\">\n<div class=\"head\">", number);
  g_string_append (out, "<a class=\"name\" href=\"/v1/packages/");
  fdnix_html_append_escaped (out, result->attribute_path);
  g_string_append (out, "\">");
  fdnix_html_append_escaped (out, result->attribute_path);
  g_string_append (out, "</a> ");
  append_element (out, "span", "version", result->version);
  if (result->broken)
    append_element (out, "span", "flag", "broken");
  if (result->insecure)
    append_element (out, "span", "flag", "insecure");
  if (result->unfree)
    append_element (out, "span", "flag", "unfree");
  g_string_append (out, "</div>\n");
  append_element (out, "p", "description", result->description);
  g_string_append (out, "\n<div class=\"links\">");
  if (fdnix_serve_is_web_url (result->homepage))
    append_link (out, "homepage", result->homepage, "homepage");
  if (source != NULL)
    append_link (out, "source", source, "source");
  g_string_append (out, "</div>\n<div class=\"meta\">");
  if (*result->licenses != '\0')
    {
      g_auto(GStrv) unique = fdnix_serve_unique_words (result->licenses);
      g_autofree gchar *licenses = g_strjoinv (" ", unique);

      append_element (out, "span", "license", licenses);
    }
  {
    g_autofree gchar *platforms = n_platforms == 0 ? g_strdup ("any platform")
                                  : g_strdup_printf ("%u platform%s", n_platforms, n_platforms == 1 ? "" : "s");
    append_element (out, "span", "platforms", platforms);
  }
  if (*result->main_program != '\0')
    append_element (out, "span", "program", result->main_program);
  g_string_append (out, "</div>\n");
  if (result->n_alternatives > 0)
    {
      g_autoptr(GString) also = g_string_new ("also: ");

      for (guint i = 0; i < result->n_alternatives; i++)
        g_string_append_printf (also, "%s%s", i > 0 ? ", " : "", result->alternatives[i]);
      if (result->more_alternatives > 0)
        g_string_append_printf (also, " and %u more", result->more_alternatives);
      append_element (out, "div", "also", also->str);
      g_string_append_c (out, '\n');
    }
  if (result->explain != NULL)
    {
      append_element (out, "div", "explain", result->explain);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "</li>\n");
}

static const gchar *const licenses[][2] = {
  { "", "any license" }, { "free", "free" }, { "unfree", "unfree" },
};
static const gchar *const platforms[][2] = {
  { "", "any platform" }, { "x86_64-linux", "x86_64-linux" }, { "aarch64-linux", "aarch64-linux" },
  { "x86_64-darwin", "x86_64-darwin" }, { "aarch64-darwin", "aarch64-darwin" },
};

/* <option>s; a value not in the list is kept as one more option. */
static void
append_options (GString *out, const gchar *const (*options)[2], gsize n, const gchar *current)
{
  gboolean found = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      gboolean selected = g_strcmp0 (options[i][0], current != NULL ? current : "") == 0;

      found |= selected;
      g_string_append (out, "<option value=\"");
      fdnix_html_append_escaped (out, options[i][0]);
      g_string_append_printf (out, "\"%s>", selected ? " selected" : "");
      fdnix_html_append_escaped (out, options[i][1]);
      g_string_append (out, "</option>");
    }
  if (!found)
    {
      g_string_append (out, "<option selected value=\"");
      fdnix_html_append_escaped (out, current);
      g_string_append (out, "\">");
      fdnix_html_append_escaped (out, current);
      g_string_append (out, "</option>");
    }
}

/* The link to the next page of results, keeping the request's filters. */
static void
append_next_link (GString *out, const FdnixServeParams *params)
{
  g_autoptr(GString) href = g_string_new ("/search?q=");

  fdnix_serve_append_encoded (href, params->q);
#define KEEP(name, value) \
  if ((value) != NULL) { g_string_append (href, "&" name "="); fdnix_serve_append_encoded (href, (value)); }
  KEEP ("license", params->license);
  KEEP ("platform", params->platform);
  KEEP ("set", params->set);
#undef KEEP
  if (params->include_broken)
    g_string_append (href, "&include_broken=1");
  g_string_append_printf (href, "&limit=%u&offset=%u", params->limit, params->offset + params->limit);
  g_string_append (out, "<a id=\"next\" href=\"");
  fdnix_html_append_escaped (out, href->str);
  g_string_append (out, "\">more results</a>");
}

/**
 * fdnix_serve_render_page:
 * @page_template: the page with its @NAME@ slots
 * @params: the request (its q and filters are shown back)
 * @results: (array length=n_results) (nullable): results, or NULL when
 *   nothing was searched
 * @n_results: how many
 * @more: whether a next page exists
 * @message: (nullable): a status line (an error, "no package matches")
 *
 * Slots: @Q@, @SET@, @BROKEN@ (checked or nothing), @LICENSES@,
 * @PLATFORMS@ (options), @STATUS@, @RESULTS@, @NEXT@.  Unknown slots are
 * left as they are; every value filled in is escaped.
 *
 * Returns: (transfer full): the page.
 */
gchar *
fdnix_serve_render_page (const gchar *page_template, const FdnixServeParams *params,
                         const FdnixServeResult *results, guint n_results, gboolean more,
                         const gchar *message)
{
  GString *out = g_string_sized_new (strlen (page_template) + 1024 * (n_results + 1));
  const gchar *p = page_template;

  while (*p != '\0')
    {
      const gchar *at = strchr (p, '@');
      const gchar *end;
      gsize name_length;

      if (at == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, at - p);
      end = strchr (at + 1, '@');
      name_length = end != NULL ? (gsize) (end - at - 1) : 0;
#define SLOT(name) (name_length == strlen (name) && strncmp (at + 1, name, name_length) == 0)
      if (end == NULL || name_length == 0 || name_length > 16)
        {
          g_string_append_c (out, '@');
          p = at + 1;
          continue;
        }
      if (SLOT ("Q"))
        fdnix_html_append_escaped (out, params->q);
      else if (SLOT ("SET"))
        fdnix_html_append_escaped (out, params->set);
      else if (SLOT ("BROKEN"))
        g_string_append (out, params->include_broken ? "checked" : "");
      else if (SLOT ("LICENSES"))
        append_options (out, licenses, G_N_ELEMENTS (licenses), params->license);
      else if (SLOT ("PLATFORMS"))
        append_options (out, platforms, G_N_ELEMENTS (platforms), params->platform);
      else if (SLOT ("STATUS"))
        fdnix_html_append_escaped (out, message);
      else if (SLOT ("RESULTS"))
        {
          for (guint i = 0; results != NULL && i < n_results; i++)
            fdnix_serve_append_result_html (out, &results[i], i);
        }
      else if (SLOT ("NEXT"))
        {
          if (more)
            append_next_link (out, params);
        }
      else
        {
          /* not a slot: the '@' is text, and the next '@' may open one */
          g_string_append_c (out, '@');
          p = at + 1;
          continue;
        }
#undef SLOT
      p = end + 1;
    }
  return g_string_free (out, FALSE);
}
