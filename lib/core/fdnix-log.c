/* fdnix-log.c: structured log writer, redaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-log.h"

/* Secrets shorter than this are not registered: masking "a" everywhere
 * would make logs unreadable and such a value is not a real credential. */
#define MIN_SECRET_LENGTH 4

static GMutex       log_mutex;
static gchar       *log_program;
static FdnixLogFormat log_format = FDNIX_LOG_FORMAT_AUTO;
static gint         log_verbosity;
static GPtrArray   *log_secrets;
static FILE        *log_stream;

static gint
compare_length (gconstpointer a, gconstpointer b)
{
  gsize la = strlen (*(const gchar *const *) a), lb = strlen (*(const gchar *const *) b);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

static FILE *
stream (void)
{
  return log_stream != NULL ? log_stream : stderr;
}

/**
 * fdnix_log_is_terminal:
 *
 * Returns: whether the log stream is a terminal that can take a progress bar.
 */
gboolean
fdnix_log_is_terminal (void)
{
  const gchar *term = g_getenv ("TERM");

  if (term != NULL && g_strcmp0 (term, "dumb") == 0)
    return FALSE;
  return isatty (fileno (stream ()));
}

/**
 * fdnix_log_is_json:
 *
 * Returns: whether log lines are written as JSON (the format is resolved, so
 * AUTO answers for the current stream).
 */
gboolean
fdnix_log_is_json (void)
{
  if (log_format == FDNIX_LOG_FORMAT_AUTO)
    return !fdnix_log_is_terminal ();
  return log_format == FDNIX_LOG_FORMAT_JSON;
}

static const gchar *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "notice";
  if (level & G_LOG_LEVEL_INFO)
    return "info";
  return "debug";
}

static gboolean
level_enabled (GLogLevelFlags level)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
               G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    return TRUE;
  if (level & G_LOG_LEVEL_INFO)
    return log_verbosity >= 1;
  return log_verbosity >= 2;
}

/* What a credential looks like wherever a server may echo it (an S3
 * error quoting our request, a proxy's page, a presigned URL): the value
 * after these names is masked whether or not it was registered. */
static const gchar *const redact_patterns[] = {
  /* SigV4 query and header parts: X-Amz-Signature=, Signature=<hex>,
   * X-Amz-Credential=, Credential=AKID/..., X-Amz-Security-Token=,
   * x-amz-security-token: ..., in a URL, a header or JSON */
  "(?i)(\\b(?:X-Amz-Signature|Signature|X-Amz-Credential|Credential|X-Amz-Security-Token|"
  "X-Amz-Session-Token|AWSAccessKeyId|Security-Token)[\"']?\\s*(?:=|:|%3D)\\s*[\"']?)"
  "[^\\s&\"'<>,;]+",
  /* Authorization header values, whatever the scheme */
  "(?i)(\\bAuthorization[\"']?\\s*[:=]\\s*[\"']?(?:Bearer\\s+|Basic\\s+|Token\\s+|AWS\\s+)?)"
  "[^\\s\"'<>,;&]+",
  /* a bearer token quoted without its header name */
  "(?i)(\\bBearer\\s+)[A-Za-z0-9._~+/=-]{16,}",
  NULL
};

static GPtrArray *
compiled_patterns (void)
{
  static gsize once;
  static GPtrArray *patterns;

  if (g_once_init_enter (&once))
    {
      GPtrArray *list = g_ptr_array_new ();

      for (guint i = 0; redact_patterns[i] != NULL; i++)
        {
          GRegex *regex = g_regex_new (redact_patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
          g_assert (regex != NULL);
          g_ptr_array_add (list, regex);
        }
      patterns = list;
      g_once_init_leave (&once, 1);
    }
  return patterns;
}

/* g_string_replace() came with GLib 2.68; configure allows 2.66's API. */
static void
replace_all (GString *text, const gchar *find, const gchar *replacement)
{
  gsize find_length = strlen (find);
  gsize replacement_length = strlen (replacement);
  gsize at = 0;
  const gchar *hit;

  if (find_length == 0)
    return;
  while ((hit = strstr (text->str + at, find)) != NULL)
    {
      at = (gsize) (hit - text->str);
      g_string_erase (text, (gssize) at, (gssize) find_length);
      g_string_insert_len (text, (gssize) at, replacement, (gssize) replacement_length);
      at += replacement_length;
    }
}

/**
 * fdnix_log_redact:
 * @text: a string that may contain a secret
 *
 * Masks every registered secret, in every encoding a server may echo it
 * in (raw, URL-encoded with upper- or lower-case hex, JSON-escaped,
 * base64), and whatever looks like a credential by its name: SigV4
 * signatures, credentials and security tokens in URLs, headers or JSON,
 * and Authorization header values (Bearer, Basic).  Every log line, the
 * error line and the run summary pass through here.
 *
 * Returns: (transfer full): @text with each of those replaced by
 *   "[REDACTED]".
 */
gchar *
fdnix_log_redact (const gchar *text)
{
  g_autoptr(GString) out = NULL;
  GPtrArray *patterns = compiled_patterns ();

  if (text == NULL)
    return NULL;
  out = g_string_new (text);
  g_mutex_lock (&log_mutex);
  for (guint i = 0; log_secrets != NULL && i < log_secrets->len; i++)
    {
      const gchar *secret = g_ptr_array_index (log_secrets, i);
      replace_all (out, secret, "[REDACTED]");
    }
  g_mutex_unlock (&log_mutex);
  for (guint i = 0; i < patterns->len; i++)
    {
      g_autofree gchar *replaced = g_regex_replace (patterns->pdata[i], out->str, out->len, 0,
                                                    "\\1[REDACTED]", 0, NULL);
      if (replaced != NULL)
        g_string_assign (out, replaced);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Percent-encodes everything but RFC 3986's unreserved characters, as
 * SigV4 and most URL builders do. */
static gchar *
url_encode (const gchar *secret, gboolean lower)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) secret; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
      g_string_append_c (out, *p);
    else
      g_string_append_printf (out, lower ? "%%%02x" : "%%%02X", *p);
  return g_string_free (out, FALSE);
}

/* How a JSON writer may have escaped it ("/" as "\/", quotes, backslashes). */
static gchar *
json_escape (const gchar *secret, gboolean slash)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = secret; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\' || (slash && *p == '/'))
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
add_one (const gchar *variant)
{
  for (guint i = 0; i < log_secrets->len; i++)
    if (g_str_equal (g_ptr_array_index (log_secrets, i), variant))
      return;
  g_ptr_array_add (log_secrets, g_strdup (variant));
}

/**
 * fdnix_log_add_secret:
 * @secret: (nullable): a credential, token or signature
 *
 * Registers @secret so that no later log line or error line shows it, in
 * any of the encodings fdnix_log_redact() knows.
 */
void
fdnix_log_add_secret (const gchar *secret)
{
  g_autofree gchar *upper = NULL;
  g_autofree gchar *lower = NULL;
  g_autofree gchar *json = NULL;
  g_autofree gchar *json_slash = NULL;
  g_autofree gchar *base64 = NULL;

  if (secret == NULL || strlen (secret) < MIN_SECRET_LENGTH)
    return;
  upper = url_encode (secret, FALSE);
  lower = url_encode (secret, TRUE);
  json = json_escape (secret, FALSE);
  json_slash = json_escape (secret, TRUE);
  base64 = g_base64_encode ((const guchar *) secret, strlen (secret));
  g_mutex_lock (&log_mutex);
  if (log_secrets == NULL)
    log_secrets = g_ptr_array_new_with_free_func (g_free);
  add_one (secret);
  add_one (upper);
  add_one (lower);
  add_one (json);
  add_one (json_slash);
  /* a base64 form ends in padding that depends on the length; what
   * precedes the padding is what a longer encoding contains too */
  g_strchomp (g_strdelimit (base64, "=", ' '));
  if (strlen (base64) >= MIN_SECRET_LENGTH * 2)
    add_one (base64);
  /* longest first, so that a secret inside another is not masked half */
  g_ptr_array_sort (log_secrets, compare_length);
  g_mutex_unlock (&log_mutex);
}

static void
write_text_line (const gchar *level, const gchar *message)
{
  FILE *out = stream ();

  fprintf (out, "%s: %s: %s\n", log_program != NULL ? log_program : g_get_prgname (),
           level, message);
  fflush (out);
}

static void
write_json_line (const gchar *level, const gchar *message,
                 const GLogField *fields, gsize n_fields)
{
  g_autoptr(GString) line = g_string_new ("{");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *stamp = g_date_time_format_iso8601 (now);

  fdnix_json_member_string (line, "time", stamp);
  fdnix_json_member_string (line, "level", level);
  fdnix_json_member_string (line, "program",
                            log_program != NULL ? log_program : g_get_prgname ());
  fdnix_json_member_string (line, "message", message);
  for (gsize i = 0; i < n_fields; i++)
    {
      const GLogField *f = &fields[i];
      g_autofree gchar *name = NULL;
      g_autofree gchar *value = NULL;

      /* Only the caller's own fields (lower-case FDNIX_ prefix stripped) */
      if (!g_str_has_prefix (f->key, "FDNIX_") || f->length >= 0)
        continue;
      name = g_ascii_strdown (f->key + strlen ("FDNIX_"), -1);
      value = fdnix_log_redact (f->value);
      fdnix_json_member_string (line, name, value);
    }
  g_string_append_c (line, '}');
  fprintf (stream (), "%s\n", line->str);
  fflush (stream ());
}

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const gchar *message = NULL;
  g_autofree gchar *clean = NULL;

  if (!level_enabled (level))
    return G_LOG_WRITER_HANDLED;
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  clean = fdnix_log_redact (message != NULL ? message : "");

  g_mutex_lock (&log_mutex);
  if (fdnix_log_is_json ())
    write_json_line (level_name (level), clean, fields, n_fields);
  else
    write_text_line (level_name (level), clean);
  g_mutex_unlock (&log_mutex);
  return G_LOG_WRITER_HANDLED;
}

/**
 * fdnix_log_init:
 * @program_name: name shown on every line
 * @format: text, JSON or automatic
 * @verbosity: 0 notices and above, 1 adds info, 2 adds debug
 *
 * Installs the writer for the whole process.  Call once, early.
 */
void
fdnix_log_init (const gchar *program_name, FdnixLogFormat format, gint verbosity)
{
  g_free (log_program);
  log_program = g_strdup (program_name);
  log_format = format;
  log_verbosity = verbosity;
  g_log_set_writer_func (writer, NULL, NULL);
}

/**
 * fdnix_log_set_format:
 * @format: the new format
 */
void
fdnix_log_set_format (FdnixLogFormat format)
{
  log_format = format;
}

/**
 * fdnix_log_set_verbosity:
 * @verbosity: 0, 1 (-v) or 2 (-vv)
 */
void
fdnix_log_set_verbosity (gint verbosity)
{
  log_verbosity = verbosity;
}

/**
 * fdnix_log_get_verbosity:
 *
 * Returns: the current verbosity.
 */
gint
fdnix_log_get_verbosity (void)
{
  return log_verbosity;
}

/**
 * fdnix_log_set_stream:
 * @stream: (nullable): where lines go; NULL for stderr (tests use a file)
 */
void
fdnix_log_set_stream (FILE *new_stream)
{
  log_stream = new_stream;
}

/**
 * fdnix_log_lock:
 *
 * Holds the log output, so that a progress bar redraw does not interleave
 * with a log line.
 */
void
fdnix_log_lock (void)
{
  g_mutex_lock (&log_mutex);
}

/**
 * fdnix_log_unlock:
 */
void
fdnix_log_unlock (void)
{
  g_mutex_unlock (&log_mutex);
}

/**
 * fdnix_log_parse_format:
 * @text: "text", "json" or "auto"
 * @out_format: (out): the format
 * @error: return location for a usage error
 *
 * Returns: TRUE when @text names a format.
 */
gboolean
fdnix_log_parse_format (const gchar *text, FdnixLogFormat *out_format, GError **error)
{
  if (g_strcmp0 (text, "text") == 0)
    *out_format = FDNIX_LOG_FORMAT_TEXT;
  else if (g_strcmp0 (text, "json") == 0)
    *out_format = FDNIX_LOG_FORMAT_JSON;
  else if (g_strcmp0 (text, "auto") == 0)
    *out_format = FDNIX_LOG_FORMAT_AUTO;
  else
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "invalid log format '%s' (expected text, json or auto)", text);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_log_error_line:
 * @message: what failed, naming what and where
 *
 * Writes the single "error:" line of a failed run, in the current format,
 * whatever the verbosity: redacted, and with line breaks (a subprocess's
 * stderr, a server's message) turned into spaces.
 */
void
fdnix_log_error_line (const gchar *message)
{
  g_autofree gchar *clean = fdnix_log_redact (message);

  /* One line, whatever a tool or a server put in the message. */
  g_strdelimit (clean, "\r\n", ' ');

  g_mutex_lock (&log_mutex);
  if (fdnix_log_is_json ())
    write_json_line ("error", clean, NULL, 0);
  else
    write_text_line ("error", clean);
  g_mutex_unlock (&log_mutex);
}
