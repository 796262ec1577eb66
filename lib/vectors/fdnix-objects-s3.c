/* fdnix-objects-s3.c: PutObject, GetObject, ListObjectsV2, DeleteObject. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-client.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "vectors/fdnix-objects-s3.h"

struct _FdnixObjectsS3 {
  GObject          parent_instance;
  gchar           *bucket;
  gchar           *prefix;        /* "" or ends in "/" */
  gboolean         path_style;
  gchar           *description;
  FdnixAwsClient  *client;
};

static void fdnix_objects_s3_iface_init (FdnixObjectsInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixObjectsS3, fdnix_objects_s3, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_OBJECTS, fdnix_objects_s3_iface_init))

/* The decoded request path of an object (or of the bucket, for NULL). */
static gchar *
object_path (FdnixObjectsS3 *self, const gchar *key)
{
  if (self->path_style)
    return key != NULL ? g_strconcat ("/", self->bucket, "/", self->prefix, key, NULL)
                       : g_strconcat ("/", self->bucket, NULL);
  return key != NULL ? g_strconcat ("/", self->prefix, key, NULL) : g_strdup ("/");
}

static gboolean
call_capped (FdnixObjectsS3 *self, const gchar *operation, const gchar *method, const gchar *key,
             GPtrArray *query, GPtrArray *headers, GBytes *body, gsize max_body,
             FdnixAwsResponse **out_response, GError **error)
{
  g_autofree gchar *path = object_path (self, key);
  FdnixAwsRequest request = { 0 };

  request.operation = operation;
  /* ListObjectsV2 is allowed by s3:ListBucket; the others by their names */
  request.action = g_strcmp0 (operation, "ListObjectsV2") == 0 ? "s3:ListBucket" : NULL;
  request.method = method;
  request.path = path;
  request.query = query;
  request.headers = headers;
  request.body = body;
  request.max_body = max_body;
  return fdnix_aws_client_call (self->client, &request, out_response, error);
}

static gboolean
call (FdnixObjectsS3 *self, const gchar *operation, const gchar *method, const gchar *key,
      GPtrArray *query, GPtrArray *headers, GBytes *body, FdnixAwsResponse **out_response,
      GError **error)
{
  return call_capped (self, operation, method, key, query, headers, body, 0, out_response, error);
}

static gboolean
s3_put (FdnixObjects *objects, const gchar *key, GBytes *data, GError **error)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (objects);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autoptr(FdnixAwsResponse) response = NULL;

  /* batch files and the index are gzip files, served as such */
  g_ptr_array_add (headers, fdnix_http_header_new ("Content-Type",
                                                   g_str_has_suffix (key, ".gz") ? "application/gzip"
                                                                                 : "application/octet-stream"));
  return call (self, "PutObject", "PUT", key, NULL, headers, data, &response, error);
}

/* The body is refused while it arrives once it passes @max_size (or the
 * HTTP client's 256 MiB, the same as FDNIX_OBJECTS_MAX_SIZE);
 * fdnix_objects_get_capped() checks @max_size again. */
static GBytes *
s3_get (FdnixObjects *objects, const gchar *key, guint64 max_size, GError **error)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (objects);
  g_autoptr(FdnixAwsResponse) response = NULL;
  gsize cap = max_size > 0 && max_size < FDNIX_OBJECTS_MAX_SIZE ? (gsize) max_size : 0;

  if (!call_capped (self, "GetObject", "GET", key, NULL, NULL, NULL, cap, &response, error))
    return NULL;
  return g_bytes_ref (response->body);
}

/* GetObject with If-None-Match: 304 is "unchanged", without a body. */
static gboolean
s3_get_if_changed (FdnixObjects *objects, const gchar *key, const gchar *tag, guint64 max_size,
                   GBytes **out_data, gchar **out_tag, GError **error)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (objects);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autoptr(FdnixAwsResponse) response = NULL;
  g_autofree gchar *path = object_path (self, key);
  static const gchar *const not_modified[] = { "HTTP 304", "NotModified", NULL };
  FdnixAwsRequest request = { 0 };
  const gchar *etag = NULL;

  if (tag != NULL)
    g_ptr_array_add (headers, fdnix_http_header_new ("If-None-Match", tag));
  request.operation = "GetObject";
  request.method = "GET";
  request.path = path;
  request.headers = headers;
  request.accept_errors = not_modified;
  request.max_body = max_size > 0 && max_size < FDNIX_OBJECTS_MAX_SIZE ? (gsize) max_size : 0;
  if (!fdnix_aws_client_call (self->client, &request, &response, error))
    return FALSE;
  if (response->status == 304)
    {
      *out_tag = g_strdup (tag);
      return TRUE;
    }
  if (response->error_code != NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_REJECTED, "%s (HTTP %u)", response->error_code,
                   response->status);
      return FALSE;
    }
  for (guint i = 0; response->headers != NULL && i < response->headers->len; i++)
    {
      FdnixHttpHeader *h = response->headers->pdata[i];

      if (g_ascii_strcasecmp (h->name, "etag") == 0)
        etag = h->value;
    }
  *out_data = g_bytes_ref (response->body);
  /* a server without ETags: the bytes tell whether the object changed */
  *out_tag = etag != NULL && *etag != '\0'
               ? g_strdup (etag)
               : fdnix_sha256_hex (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
  if (etag == NULL && g_strcmp0 (*out_tag, tag) == 0)
    g_clear_pointer (out_data, g_bytes_unref);
  return TRUE;
}

static gboolean
s3_delete (FdnixObjects *objects, const gchar *key, GError **error)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (objects);
  g_autoptr(FdnixAwsResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;

  /* S3 answers 204 for a missing key too; other servers may say 404 */
  if (!call (self, "DeleteObject", "DELETE", key, NULL, NULL, NULL, &response, &local_error) &&
      !g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ListObjectsV2's XML, read with GMarkup: Contents/Key, Contents/Size,
 * IsTruncated, NextContinuationToken. */
typedef struct {
  GPtrArray       *objects;
  GString         *text;
  FdnixObjectInfo *current;
  gboolean         truncated;
  gchar           *continuation;
  gint             depth;
  gint             contents_depth;
} ListParse;

static void
on_start (GMarkupParseContext *context, const gchar *element, const gchar **names,
          const gchar **values, gpointer user_data, GError **error)
{
  ListParse *p = user_data;

  p->depth++;
  g_string_truncate (p->text, 0);
  if (g_strcmp0 (element, "Contents") == 0 && p->current == NULL)
    {
      p->current = g_new0 (FdnixObjectInfo, 1);
      p->contents_depth = p->depth;
    }
}

static void
on_end (GMarkupParseContext *context, const gchar *element, gpointer user_data, GError **error)
{
  ListParse *p = user_data;

  if (p->current != NULL && p->depth == p->contents_depth + 1)
    {
      if (g_strcmp0 (element, "Key") == 0)
        {
          g_free (p->current->key);
          p->current->key = g_strdup (p->text->str);
        }
      else if (g_strcmp0 (element, "Size") == 0)
        p->current->size = g_ascii_strtoull (p->text->str, NULL, 10);
    }
  else if (p->current != NULL && p->depth == p->contents_depth && g_strcmp0 (element, "Contents") == 0)
    {
      /* one huge page must not outgrow the listing cap either */
      if (p->objects->len >= FDNIX_OBJECTS_MAX_KEYS)
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "more than %u keys", FDNIX_OBJECTS_MAX_KEYS);
      else if (p->current->key != NULL)
        g_ptr_array_add (p->objects, g_steal_pointer (&p->current));
      g_clear_pointer (&p->current, fdnix_object_info_free);
    }
  else if (p->depth == 2 && g_strcmp0 (element, "IsTruncated") == 0)
    p->truncated = g_strcmp0 (p->text->str, "true") == 0;
  else if (p->depth == 2 && g_strcmp0 (element, "NextContinuationToken") == 0)
    {
      g_free (p->continuation);
      p->continuation = g_strdup (p->text->str);
    }
  g_string_truncate (p->text, 0);
  p->depth--;
}

static void
on_text (GMarkupParseContext *context, const gchar *text, gsize length, gpointer user_data,
         GError **error)
{
  ListParse *p = user_data;

  g_string_append_len (p->text, text, length);
}

/**
 * fdnix_s3_parse_list:
 * @xml: a ListObjectsV2 response body
 * @length: its length
 * @out_objects: (element-type FdnixObjectInfo): where the objects are added
 * @out_truncated: (out): whether more pages follow
 * @out_continuation: (out) (transfer full) (nullable): the next page's token
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_s3_parse_list (const gchar *xml, gsize length, GPtrArray *out_objects, gboolean *out_truncated,
                     gchar **out_continuation, GError **error)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  ListParse p = { 0 };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean ok;

  p.objects = out_objects;
  p.text = text;
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &p, NULL);
  /* GMarkup rejects the XML declaration's neighbours only if malformed;
   * it accepts <?xml ...?> as a processing instruction */
  ok = g_markup_parse_context_parse (context, xml, (gssize) length, &local_error) &&
       g_markup_parse_context_end_parse (context, &local_error);
  g_clear_pointer (&p.current, fdnix_object_info_free);
  if (!ok)
    {
      g_free (p.continuation);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "ListObjectsV2 response: %s",
                   local_error->message);
      return FALSE;
    }
  *out_truncated = p.truncated;
  *out_continuation = p.continuation;
  return TRUE;
}

static gint
compare_infos (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(FdnixObjectInfo * const *) a)->key, (*(FdnixObjectInfo * const *) b)->key);
}

static GPtrArray *
s3_list (FdnixObjects *objects, const gchar *prefix, GError **error)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (objects);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autofree gchar *full_prefix = g_strconcat (self->prefix, prefix, NULL);
  g_autofree gchar *continuation = NULL;
  gboolean truncated = TRUE;

  /* A hostile or broken server can answer "truncated" forever, with a
   * new token each time: pages and keys are capped (fdnix-embed(1)), and
   * a token that repeats the last one is refused at once. */
  for (guint page = 0; truncated; page++)
    {
      g_autoptr(GPtrArray) query = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
      g_autoptr(FdnixAwsResponse) response = NULL;
      g_autofree gchar *next = NULL;
      gsize length = 0;
      const gchar *body;

      if (page >= FDNIX_OBJECTS_MAX_LIST_PAGES)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "ListObjectsV2: still truncated after %u pages (%u keys): the listing is "
                       "capped at %u pages", page, all->len, FDNIX_OBJECTS_MAX_LIST_PAGES);
          return NULL;
        }
      g_ptr_array_add (query, fdnix_http_header_new ("list-type", "2"));
      g_ptr_array_add (query, fdnix_http_header_new ("prefix", full_prefix));
      g_ptr_array_add (query, fdnix_http_header_new ("delimiter", "/"));
      if (continuation != NULL)
        g_ptr_array_add (query, fdnix_http_header_new ("continuation-token", continuation));
      if (!call (self, "ListObjectsV2", "GET", NULL, query, NULL, NULL, &response, error))
        return NULL;
      body = g_bytes_get_data (response->body, &length);
      if (!fdnix_s3_parse_list (body, length, all, &truncated, &next, error))
        return NULL;
      if (all->len > FDNIX_OBJECTS_MAX_KEYS)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "ListObjectsV2: more than %u keys under %s (after %u pages)",
                       FDNIX_OBJECTS_MAX_KEYS, full_prefix, page + 1);
          return NULL;
        }
      if (truncated && (next == NULL || *next == '\0'))
        {
          g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                               "ListObjectsV2: truncated without a continuation token");
          return NULL;
        }
      if (truncated && g_strcmp0 (next, continuation) == 0)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "ListObjectsV2: page %u gives the same continuation token as the page "
                       "before (the listing would never end)", page + 1);
          return NULL;
        }
      g_free (continuation);
      continuation = g_steal_pointer (&next);
    }
  /* keys relative to our prefix; the delimiter kept deeper keys out
   * (they come back as CommonPrefixes, which are not read) */
  for (guint i = 0; i < all->len; i++)
    {
      FdnixObjectInfo *info = all->pdata[i];
      FdnixObjectInfo *copy;

      if (!g_str_has_prefix (info->key, self->prefix))
        continue;
      copy = g_new0 (FdnixObjectInfo, 1);
      copy->key = g_strdup (info->key + strlen (self->prefix));
      copy->size = info->size;
      g_ptr_array_add (list, copy);
    }
  g_ptr_array_sort (list, compare_infos);
  return g_steal_pointer (&list);
}

static const gchar *
s3_describe (FdnixObjects *objects)
{
  return FDNIX_OBJECTS_S3 (objects)->description;
}

static void
fdnix_objects_s3_iface_init (FdnixObjectsInterface *iface)
{
  iface->describe = s3_describe;
  iface->put = s3_put;
  iface->get = s3_get;
  iface->list = s3_list;
  iface->delete_object = s3_delete;
  iface->clean_partial = NULL;  /* puts are atomic: nothing is left over */
  iface->get_if_changed = s3_get_if_changed;
}

static void
fdnix_objects_s3_finalize (GObject *object)
{
  FdnixObjectsS3 *self = FDNIX_OBJECTS_S3 (object);

  fdnix_aws_client_free (self->client);
  g_free (self->bucket);
  g_free (self->prefix);
  g_free (self->description);
  G_OBJECT_CLASS (fdnix_objects_s3_parent_class)->finalize (object);
}

static void
fdnix_objects_s3_class_init (FdnixObjectsS3Class *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_objects_s3_finalize;
}

static void
fdnix_objects_s3_init (FdnixObjectsS3 *self)
{
}

/**
 * fdnix_objects_s3_new:
 * @config: a configuration with the AWS, HTTP and retry settings
 * @bucket: the bucket
 * @prefix: (nullable): a key prefix ("fdnix/" or "fdnix"), or NULL
 * @path_style: address the bucket in the path even against AWS
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the object store.
 */
FdnixObjects *
fdnix_objects_s3_new (FdnixConfig *config, const gchar *bucket, const gchar *prefix,
                      gboolean path_style, GError **error)
{
  g_autoptr(FdnixObjectsS3) self = g_object_new (FDNIX_TYPE_OBJECTS_S3, NULL);
  g_autofree gchar *region = NULL;
  g_autofree gchar *endpoint = NULL;
  g_autofree gchar *aws_endpoint = NULL;

  if (bucket == NULL || *bucket == '\0' || strchr (bucket, '/') != NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "invalid S3 bucket name '%s'",
                   bucket != NULL ? bucket : "");
      return NULL;
    }
  self->bucket = g_strdup (bucket);
  self->prefix = prefix == NULL || *prefix == '\0' ? g_strdup ("")
                 : g_str_has_suffix (prefix, "/") ? g_strdup (prefix) : g_strconcat (prefix, "/", NULL);
  while (self->prefix[0] == '/')
    memmove (self->prefix, self->prefix + 1, strlen (self->prefix));
  if (!fdnix_aws_resolve_region (config, &region, error) ||
      !fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_s3, region, &endpoint, error))
    return NULL;
  aws_endpoint = g_strdup_printf ("https://s3.%s.amazonaws.com", region);
  /* AWS itself: virtual-host style, unless the name breaks TLS (dots) */
  self->path_style = path_style || g_strcmp0 (endpoint, aws_endpoint) != 0 || strchr (bucket, '.') != NULL;
  if (!self->path_style)
    {
      g_free (endpoint);
      endpoint = g_strdup_printf ("https://%s.s3.%s.amazonaws.com", bucket, region);
    }
  self->client = fdnix_aws_client_new_for_service (config, &fdnix_aws_service_s3, endpoint, NULL, error);
  if (self->client == NULL)
    return NULL;
  self->description = g_strdup_printf ("s3://%s/%s (%s)", bucket, self->prefix, endpoint);
  return FDNIX_OBJECTS (g_steal_pointer (&self));
}
