/* fdnix-embedder-bedrock.c: Cohere and Titan embeddings through InvokeModel. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-client.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "embed/fdnix-client-stack.h"
#include "embed/fdnix-embedder-bedrock.h"
#include "embed/fdnix-embedder-response.h"

const FdnixSetting fdnix_bedrock_settings[] = {
  { "bedrock.model-id", FDNIX_SETTING_STRING, NULL, "BEDROCK_MODEL_ID", "bedrock-model", 0, "ID",
    "Bedrock embedding model: cohere.embed-english-v3 (selects Bedrock) or amazon.titan-embed-text-v2:0" },
  FDNIX_SETTING_END
};

struct _FdnixEmbedderBedrock {
  GObject              parent_instance;
  FdnixBedrockFamily   family;
  gchar               *model_id;   /* as Bedrock names it */
  FdnixEmbedderInfo    info;       /* model: model_id, and the dimension if chosen */
  gchar               *path;       /* /model/<id>/invoke */
  FdnixAwsClient      *model_client; /* sends nothing: each thread's client is made like it */
  FdnixClientStack    *clients;
};

static void fdnix_embedder_bedrock_iface_init (FdnixEmbedderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixEmbedderBedrock, fdnix_embedder_bedrock, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_EMBEDDER, fdnix_embedder_bedrock_iface_init))

/**
 * fdnix_bedrock_model_info:
 * @model_id: a Bedrock model id (a cross-region prefix such as "us." is fine)
 * @requested_dimension: embed.dimension (0: the model's default)
 * @out_family: (out): the request format
 * @out_dimension: (out): the vector length
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: TRUE for a supported model and dimension.
 */
gboolean
fdnix_bedrock_model_info (const gchar *model_id, guint requested_dimension,
                          FdnixBedrockFamily *out_family, guint *out_dimension, GError **error)
{
  if (strstr (model_id, "cohere.embed") != NULL)
    {
      guint native = strstr (model_id, "light") != NULL ? 384 : 1024;

      if (requested_dimension != 0 && requested_dimension != native)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s makes vectors of %u dimensions, not %u", model_id, native, requested_dimension);
          return FALSE;
        }
      *out_family = FDNIX_BEDROCK_COHERE;
      *out_dimension = native;
      return TRUE;
    }
  if (strstr (model_id, "amazon.titan-embed-text-v2") != NULL)
    {
      guint dimension = requested_dimension != 0 ? requested_dimension : 1024;

      if (dimension != 256 && dimension != 512 && dimension != 1024)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s makes vectors of 256, 512 or 1024 dimensions, not %u", model_id, dimension);
          return FALSE;
        }
      *out_family = FDNIX_BEDROCK_TITAN;
      *out_dimension = dimension;
      return TRUE;
    }
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
               "unsupported Bedrock model '%s' (cohere.embed-english-v3, cohere.embed-multilingual-v3, "
               "amazon.titan-embed-text-v2:0)", model_id);
  return FALSE;
}

/**
 * fdnix_bedrock_request_body:
 * @family: the model family
 * @texts: (array length=n_texts): texts, capped
 * @n_texts: 1 to 96 (Cohere) or 1 (Titan)
 * @input_type: documents or a query
 * @dimension: Titan's "dimensions"
 *
 * Returns: (transfer full): the InvokeModel JSON body.
 */
gchar *
fdnix_bedrock_request_body (FdnixBedrockFamily family, const gchar * const *texts, guint n_texts,
                            FdnixInputType input_type, guint dimension)
{
  GString *out = g_string_sized_new (256 * n_texts);

  g_string_append_c (out, '{');
  if (family == FDNIX_BEDROCK_COHERE)
    {
      fdnix_json_member (out, "texts");
      g_string_append_c (out, '[');
      for (guint i = 0; i < n_texts; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          fdnix_json_append_string (out, texts[i]);
        }
      g_string_append_c (out, ']');
      fdnix_json_member_string (out, "input_type",
                                input_type == FDNIX_INPUT_QUERY ? "search_query" : "search_document");
      fdnix_json_member_string (out, "truncate", "END");
    }
  else
    {
      g_return_val_if_fail (n_texts == 1, NULL);
      fdnix_json_member_string (out, "inputText", texts[0]);
      fdnix_json_member_int (out, "dimensions", dimension);
      fdnix_json_member_bool (out, "normalize", TRUE);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Where a response's vectors go. */
typedef struct {
  FdnixBedrockFamily  family;
  guint               dimension;
  gfloat             *out;
} Target;

/* A list of vectors, at most as many as texts, into the target: it holds
 * them all, so it replaces any read before. */
static gboolean
read_vectors (FdnixJsonCursor *c, FdnixEmbedResponse *r, GError **error)
{
  Target *t = r->user_data;

  r->count = 0;
  if (!fdnix_json_cursor_begin_array (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_element (c, error))
    {
      if (r->count >= r->n_texts)
        return fdnix_json_cursor_fail (c, "more embeddings than texts", error);
      if (!fdnix_embed_read_vector (c, t->out + (gsize) r->count * t->dimension, t->dimension,
                                    t->dimension, NULL, error))
        return FALSE;
      r->count++;
    }
  return !c->failed;
}

/* {"float": [...], "int8": ...}: the floats, a list of vectors or one. */
static gboolean
read_typed (FdnixJsonCursor *c, gboolean list, FdnixEmbedResponse *r, GError **error)
{
  Target *t = r->user_data;
  gchar *key = NULL;

  if (!fdnix_json_cursor_begin_object (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_member (c, &key, error))
    {
      g_autofree gchar *member = key;

      if (g_strcmp0 (member, "float") != 0)
        {
          if (!fdnix_json_cursor_skip (c, error))
            return FALSE;
        }
      else if (list)
        {
          if (!read_vectors (c, r, error))
            return FALSE;
        }
      else
        {
          if (!fdnix_embed_read_vector (c, t->out, t->dimension, t->dimension, NULL, error))
            return FALSE;
          r->count = 1;
        }
    }
  return !c->failed;
}

static gboolean
read_member (FdnixJsonCursor *c, const gchar *member, FdnixEmbedResponse *r, GError **error)
{
  Target *t = r->user_data;
  gchar next = fdnix_json_cursor_peek (c);

  if (t->family == FDNIX_BEDROCK_COHERE && g_strcmp0 (member, "embeddings") == 0)
    return next == '{' ? read_typed (c, TRUE, r, error) : read_vectors (c, r, error);
  if (t->family == FDNIX_BEDROCK_COHERE && g_strcmp0 (member, "embeddings_by_type") == 0)
    return read_typed (c, TRUE, r, error);
  if (t->family == FDNIX_BEDROCK_TITAN && g_strcmp0 (member, "embedding") == 0 && next == '[')
    {
      r->count = 1;
      return fdnix_embed_read_vector (c, t->out, t->dimension, t->dimension, NULL, error);
    }
  if (t->family == FDNIX_BEDROCK_TITAN && g_strcmp0 (member, "embeddingsByType") == 0 && r->count == 0)
    return read_typed (c, FALSE, r, error);
  if (t->family == FDNIX_BEDROCK_TITAN && g_strcmp0 (member, "inputTextTokenCount") == 0)
    return fdnix_json_cursor_int (c, &r->tokens, error);
  return fdnix_json_cursor_skip (c, error);
}

/**
 * fdnix_bedrock_parse_response:
 * @family: the model family
 * @body: the response body
 * @length: its length
 * @n_texts: texts sent
 * @dimension: the vector length expected
 * @out_vectors: (out caller-allocates): room for @n_texts × @dimension
 * @out_tokens: (out) (optional): tokens the service counted, 0 if it did not say
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: TRUE when every vector was read.
 */
gboolean
fdnix_bedrock_parse_response (FdnixBedrockFamily family, const gchar *body, gsize length,
                              guint n_texts, guint dimension, gfloat *out_vectors,
                              guint64 *out_tokens, GError **error)
{
  Target target = { family, dimension, out_vectors };
  FdnixEmbedResponse response = { .n_texts = n_texts, .user_data = &target };

  return fdnix_embed_parse_response ("Bedrock response", body, length, &response, read_member,
                                     out_tokens, error);
}

static gpointer
new_client (gpointer user_data, GError **error)
{
  FdnixEmbedderBedrock *self = user_data;

  return fdnix_aws_client_new_like (self->model_client);
}

static gboolean
bedrock_embed (FdnixEmbedder *embedder, const gchar * const *texts, guint n_texts,
               FdnixInputType input_type, gfloat *out_vectors, FdnixEmbedCost *out_cost,
               GError **error)
{
  FdnixEmbedderBedrock *self = FDNIX_EMBEDDER_BEDROCK (embedder);
  gchar *body = fdnix_bedrock_request_body (self->family, texts, n_texts, input_type, self->info.dimension);
  g_autoptr(GBytes) payload = g_bytes_new_take (body, strlen (body));
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autoptr(FdnixAwsResponse) response = NULL;
  FdnixAwsRequest request = { 0 };
  FdnixAwsClient *client;
  gsize length = 0;
  const gchar *text;
  gboolean ok;

  g_ptr_array_add (headers, fdnix_http_header_new ("Content-Type", "application/json"));
  g_ptr_array_add (headers, fdnix_http_header_new ("Accept", "application/json"));
  request.operation = "InvokeModel";
  request.method = "POST";
  request.path = self->path;
  request.headers = headers;
  request.body = payload;
  /* No valid answer is larger (48 bytes a number at most, 64 KiB for the
   * rest): a bigger one is refused while it arrives, not after. */
  request.max_body = (gsize) n_texts * self->info.dimension * 48 + 64 * 1024;
  client = fdnix_client_stack_take (self->clients, error);
  if (client == NULL)
    return FALSE;
  ok = fdnix_aws_client_call (client, &request, &response, error);
  fdnix_client_stack_give (self->clients, client);
  out_cost->requests = 1;
  if (!ok)
    return FALSE;
  text = g_bytes_get_data (response->body, &length);
  return fdnix_bedrock_parse_response (self->family, text, length, n_texts, self->info.dimension,
                                       out_vectors, &out_cost->tokens, error);
}

static const FdnixEmbedderInfo *
bedrock_get_info (FdnixEmbedder *embedder)
{
  return &FDNIX_EMBEDDER_BEDROCK (embedder)->info;
}

static void
fdnix_embedder_bedrock_iface_init (FdnixEmbedderInterface *iface)
{
  iface->get_info = bedrock_get_info;
  iface->embed = bedrock_embed;
}

static void
fdnix_embedder_bedrock_finalize (GObject *object)
{
  FdnixEmbedderBedrock *self = FDNIX_EMBEDDER_BEDROCK (object);

  fdnix_client_stack_free (self->clients);
  g_free (self->model_id);
  g_free (self->info.model);
  g_free (self->path);
  fdnix_aws_client_free (self->model_client);
  G_OBJECT_CLASS (fdnix_embedder_bedrock_parent_class)->finalize (object);
}

static void
fdnix_embedder_bedrock_class_init (FdnixEmbedderBedrockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_embedder_bedrock_finalize;
}

static void
fdnix_embedder_bedrock_init (FdnixEmbedderBedrock *self)
{
}

/**
 * fdnix_embedder_bedrock_new:
 * @config: a configuration with fdnix_bedrock_settings, the embedder, AWS,
 *   HTTP and retry settings registered
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a Bedrock embedder for
 *   [bedrock] model-id (BEDROCK_MODEL_ID).
 */
FdnixEmbedder *
fdnix_embedder_bedrock_new (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixEmbedderBedrock) self = g_object_new (FDNIX_TYPE_EMBEDDER_BEDROCK, NULL);
  const gchar *model_id = fdnix_config_get_string (config, "bedrock.model-id");
  gint64 requested = fdnix_config_get_int (config, "embed.dimension");
  FdnixRetryOptions retry = { 0 };
  g_autoptr(FdnixRetryPolicy) policy = NULL;

  if (model_id == NULL || *model_id == '\0')
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                           "the Bedrock embedder needs a model: set BEDROCK_MODEL_ID or --bedrock-model");
      return NULL;
    }
  if (!fdnix_bedrock_model_info (model_id, (guint) MAX (requested, 0), &self->family, &self->info.dimension,
                                 error))
    return NULL;
  self->model_id = g_strdup (model_id);
  self->info.service = "bedrock";
  self->info.model = requested > 0 && self->family == FDNIX_BEDROCK_TITAN && self->info.dimension != 1024
                     ? g_strdup_printf ("%s@%u", model_id, self->info.dimension) : g_strdup (model_id);
  self->info.max_batch = self->family == FDNIX_BEDROCK_COHERE ? FDNIX_COHERE_MAX_TEXTS : 1;
  self->info.max_chars = self->family == FDNIX_BEDROCK_COHERE ? FDNIX_COHERE_MAX_CHARS : FDNIX_TITAN_MAX_CHARS;
  self->path = g_strdup_printf ("/model/%s/invoke", model_id);
  /* one attempt per call: the embed pool owns retries, so it sees every
   * throttle and can slow the whole run down */
  fdnix_retry_options_init (&retry);
  retry.max_attempts = 1;
  policy = fdnix_retry_policy_new (&retry, fdnix_aws_service_bedrock_runtime.counter);
  self->model_client = fdnix_aws_client_new_for_service (config, &fdnix_aws_service_bedrock_runtime,
                                                         NULL, policy, error);
  if (self->model_client == NULL)
    return NULL;
  self->clients = fdnix_client_stack_new (new_client, (GDestroyNotify) fdnix_aws_client_free, self);
  g_info ("Bedrock: %s at %s (region %s), %u dimensions", model_id,
          fdnix_aws_client_get_endpoint (self->model_client),
          fdnix_aws_client_get_region (self->model_client), self->info.dimension);
  return FDNIX_EMBEDDER (g_steal_pointer (&self));
}
