/* fdnix-embedder-openai.c: the OpenAI-compatible embeddings endpoint. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-json-untrusted.h"
#include "core/fdnix-log.h"
#include "embed/fdnix-client-stack.h"
#include "embed/fdnix-embedder-openai.h"
#include "embed/fdnix-embedder-response.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"

/* Bytes a valid answer spends on one number at most ("-0.0123456789012345"
 * plus separator and a pretty-printer's indentation), and on everything
 * else (usage, model name, per-item keys): the cap on a response body. */
#define BYTES_PER_NUMBER 48
#define RESPONSE_SLACK (64 * 1024)

const FdnixSetting fdnix_openai_settings[] = {
  { "openai.base-url", FDNIX_SETTING_STRING, NULL, "OPENAI_BASE_URL", "openai-url", 0, "URL",
    "OpenAI-compatible API base, e.g. http://localhost:11434/v1 (selects that embedder)" },
  { "openai.model", FDNIX_SETTING_STRING, NULL, "FDNIX_OPENAI_MODEL", "openai-model", 0, "NAME",
    "Embedding model name the server knows (e.g. nomic-embed-text)" },
  { "openai.api-key", FDNIX_SETTING_STRING, NULL, "OPENAI_API_KEY", NULL, 0, NULL,
    "Bearer token, if the server wants one (a secret: never logged)" },
  { "openai.max-texts", FDNIX_SETTING_INT, "64", NULL, NULL, 0, NULL,
    "Texts per request at most",
    FDNIX_RANGE (1, 4096) },
  { "openai.max-chars", FDNIX_SETTING_INT, "8000", NULL, NULL, 0, NULL,
    "Characters per text at most (longer texts are cut)",
    FDNIX_RANGE (16, 1000000) },
  FDNIX_SETTING_END
};

struct _FdnixEmbedderOpenai {
  GObject            parent_instance;
  gchar             *url;
  gchar             *shown_url;    /* for messages: no password, no query */
  gchar             *model_name;
  FdnixEmbedderInfo  info;         /* model: the vector space id */
  gchar             *authorization;
  guint              send_dimension;  /* "dimensions" in requests, 0: none */
  FdnixHttpOptions   http_options;
  FdnixClientStack  *clients;
  gint               answered;     /* the server has sent a response (atomic) */
  gint               unreached;    /* connections failed before it did (atomic) */
};

static void fdnix_embedder_openai_iface_init (FdnixEmbedderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixEmbedderOpenai, fdnix_embedder_openai, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_EMBEDDER, fdnix_embedder_openai_iface_init))

/**
 * fdnix_openai_request_body:
 * @model: the model name
 * @texts: (array length=n_texts): texts, capped
 * @n_texts: number of texts
 * @dimensions: "dimensions" to ask for, 0 to leave it out
 *
 * Returns: (transfer full): the JSON body.
 */
gchar *
fdnix_openai_request_body (const gchar *model, const gchar * const *texts, guint n_texts, guint dimensions)
{
  GString *out = g_string_sized_new (256 * n_texts);

  g_string_append_c (out, '{');
  fdnix_json_member_string (out, "model", model);
  fdnix_json_member (out, "input");
  g_string_append_c (out, '[');
  for (guint i = 0; i < n_texts; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fdnix_json_append_string (out, texts[i]);
    }
  g_string_append_c (out, ']');
  fdnix_json_member_string (out, "encoding_format", "float");
  if (dimensions > 0)
    fdnix_json_member_int (out, "dimensions", dimensions);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Where a response's vectors go. */
typedef struct {
  guint    *inout_dimension;  /* 0 until the first vector sets it */
  gfloat   *out;
  gboolean *filled;           /* per text */
  gfloat   *scratch;          /* FDNIX_OPENAI_MAX_DIMENSION floats */
} Target;

/* {"index": i, "embedding": [...]}: text i's vector. */
static gboolean
read_item (FdnixJsonCursor *c, FdnixEmbedResponse *r, GError **error)
{
  Target *t = r->user_data;
  gint64 index = -1;
  guint length = 0;
  gboolean have_vector = FALSE;
  gchar *key = NULL;

  if (!fdnix_json_cursor_begin_object (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_member (c, &key, error))
    {
      g_autofree gchar *member = key;
      gboolean ok;

      if (g_strcmp0 (member, "embedding") == 0)
        {
          ok = fdnix_embed_read_vector (c, t->scratch, *t->inout_dimension, FDNIX_OPENAI_MAX_DIMENSION,
                                        &length, error);
          have_vector = ok;
        }
      else if (g_strcmp0 (member, "index") == 0)
        ok = fdnix_json_cursor_int (c, &index, error);
      else
        ok = fdnix_json_cursor_skip (c, error);
      if (!ok)
        return FALSE;
    }
  if (c->failed)
    return FALSE;
  if (!have_vector || index < 0 || index >= r->n_texts || t->filled[index])
    return fdnix_json_cursor_fail (c, "a data item without an embedding or a valid index", error);
  *t->inout_dimension = length;
  memcpy (t->out + (gsize) index * length, t->scratch, length * sizeof (gfloat));
  t->filled[index] = TRUE;
  r->count++;
  return TRUE;
}

static gboolean
read_usage (FdnixJsonCursor *c, gint64 *out_tokens, GError **error)
{
  gchar *key = NULL;

  if (fdnix_json_cursor_peek (c) != '{')
    return fdnix_json_cursor_skip (c, error);
  if (!fdnix_json_cursor_begin_object (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_member (c, &key, error))
    {
      g_autofree gchar *member = key;
      gboolean ok = (g_strcmp0 (member, "prompt_tokens") == 0 && fdnix_json_cursor_peek (c) != 'n')
                    ? fdnix_json_cursor_int (c, out_tokens, error)
                    : fdnix_json_cursor_skip (c, error);
      if (!ok)
        return FALSE;
    }
  return !c->failed;
}

static gboolean
read_member (FdnixJsonCursor *c, const gchar *member, FdnixEmbedResponse *r, GError **error)
{
  if (g_strcmp0 (member, "data") == 0)
    {
      if (!fdnix_json_cursor_begin_array (c, error))
        return FALSE;
      while (fdnix_json_cursor_next_element (c, error))
        if (!read_item (c, r, error))
          return FALSE;
      return !c->failed;
    }
  if (g_strcmp0 (member, "usage") == 0)
    return read_usage (c, &r->tokens, error);
  return fdnix_json_cursor_skip (c, error);
}

/**
 * fdnix_openai_parse_response:
 * @body: the response body
 * @length: its length
 * @n_texts: texts sent
 * @inout_dimension: (inout): the expected length, or 0 to learn it
 * @out_vectors: (out caller-allocates): room for @n_texts × dimension
 *   (× FDNIX_OPENAI_MAX_DIMENSION when learning)
 * @out_tokens: (out) (optional): prompt tokens the server counted, or 0
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: TRUE when every text got a vector.
 */
gboolean
fdnix_openai_parse_response (const gchar *body, gsize length, guint n_texts, guint *inout_dimension,
                             gfloat *out_vectors, guint64 *out_tokens, GError **error)
{
  g_autofree gboolean *filled = g_new0 (gboolean, n_texts);
  g_autofree gfloat *scratch = g_new (gfloat, FDNIX_OPENAI_MAX_DIMENSION);
  Target target = { inout_dimension, out_vectors, filled, scratch };
  FdnixEmbedResponse response = { .n_texts = n_texts, .user_data = &target };

  return fdnix_embed_parse_response ("embeddings response", body, length, &response, read_member,
                                     out_tokens, error);
}

/**
 * fdnix_openai_error_message:
 * @body: an error response body
 * @length: its length
 *
 * Reads {"error":{"message":...}} (OpenAI, vLLM), {"error":"..."}
 * (Ollama) and {"message"|"detail":...}, with the depth limit of
 * fdnix_json_parse_untrusted().
 *
 * Returns: (transfer full) (nullable): the server's message, if it gave
 *   one, fit for an error line (fdnix_http_server_message()).
 */
gchar *
fdnix_openai_error_message (const gchar *body, gsize length)
{
  g_autoptr(JsonObject) object = NULL;
  JsonObject *where;
  JsonNode *error_node;

  /* A server's error body is untrusted: nesting checked before parsing. */
  if (body == NULL || length == 0)
    return NULL;
  object = fdnix_json_parse_untrusted_object (body, length, "error body", NULL);
  if (object == NULL)
    return NULL;
  where = object;
  error_node = json_object_get_member (object, "error");
  if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
    where = json_node_get_object (error_node);
  else if (error_node != NULL && JSON_NODE_HOLDS_VALUE (error_node) &&
           json_node_get_value_type (error_node) == G_TYPE_STRING)
    return fdnix_http_server_message (json_node_get_string (error_node), -1);
  for (const gchar *const *name = (const gchar *const[]) { "message", "Message", "detail", NULL }; *name != NULL; name++)
    {
      JsonNode *node = json_object_get_member (where, *name);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return fdnix_http_server_message (json_node_get_string (node), -1);
    }
  return NULL;
}

static gpointer
new_client (gpointer user_data, GError **error)
{
  FdnixEmbedderOpenai *self = user_data;

  return fdnix_http_client_new (&self->http_options);
}

/* One request; @inout_dimension as for fdnix_openai_parse_response(). */
static gboolean
request (FdnixEmbedderOpenai *self, const gchar * const *texts, guint n_texts, guint *inout_dimension,
         gfloat *out_vectors, FdnixEmbedCost *out_cost, GError **error)
{
  g_autoptr(FdnixHttpRequest) req = fdnix_http_request_new ("POST", self->url);
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autofree gchar *body = fdnix_openai_request_body (self->model_name, texts, n_texts, self->send_dimension);
  FdnixHttpClient *client;
  const gchar *text;
  gsize length = 0;
  gboolean ok;

  fdnix_http_request_set_body_text (req, "application/json", body, -1);
  fdnix_http_request_set_header (req, "Accept", "application/json");
  /* Nothing valid is larger; a bigger answer is refused as it arrives. */
  req->max_body = (gsize) n_texts * (*inout_dimension > 0 ? *inout_dimension : FDNIX_OPENAI_MAX_DIMENSION) *
                  BYTES_PER_NUMBER + RESPONSE_SLACK;
  if (self->authorization != NULL)
    fdnix_http_request_set_header (req, "Authorization", self->authorization);
  client = fdnix_client_stack_take (self->clients, error);
  if (client == NULL)
    return FALSE;
  ok = fdnix_http_client_send (client, req, &response, error);
  fdnix_client_stack_give (self->clients, client);
  out_cost->requests = 1;
  if (!ok)
    {
      /* A server never reached is more likely a wrong URL than a glitch:
       * after as many failed attempts as the HTTP layer allows a first
       * contact, stop retrying (all requests in flight together). */
      if (g_error_matches (*error, FDNIX_ERROR, FDNIX_ERROR_NETWORK) && !g_atomic_int_get (&self->answered) &&
          g_atomic_int_add (&self->unreached, 1) + 1 >= FDNIX_RETRY_FIRST_CONTACT_ATTEMPTS)
        {
          g_autoptr(GError) cause = g_steal_pointer (error);
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                       "embeddings endpoint %s: cannot reach the server (%u attempts; check the URL): %s",
                       self->shown_url, (guint) g_atomic_int_get (&self->unreached), cause->message);
        }
      return FALSE;
    }
  g_atomic_int_set (&self->answered, 1);
  text = fdnix_http_response_get_text (response, &length);
  if (response->status < 200 || response->status > 299)
    {
      g_autofree gchar *message = fdnix_openai_error_message (text, length);
      g_autofree gchar *context = g_strdup_printf ("embeddings endpoint %s", self->shown_url);
      gint64 hint = fdnix_http_response_get_retry_after_ms (response);

      if (message == NULL && length > 0)
        message = fdnix_http_server_message (text, MIN (length, 200));
      out_cost->retry_after_ms = hint > 0 ? (guint) MIN (hint, G_MAXUINT) : 0;
      fdnix_http_status_set_error (error, response->status, context, message);
      return FALSE;
    }
  if (!fdnix_openai_parse_response (text, length, n_texts, inout_dimension, out_vectors, &out_cost->tokens,
                                    error))
    {
      g_autofree gchar *message = fdnix_openai_error_message (text, length);
      const gchar *type = fdnix_http_response_get_header (response, "content-type");

      if (message != NULL)
        {
          /* An error dressed as a success (some proxies and servers do
           * this when overloaded): the server's words, retried as a 5xx. */
          g_clear_error (error);
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_SERVER,
                       "embeddings endpoint %s: HTTP %u with an error instead of embeddings: %s",
                       self->shown_url, response->status, message);
        }
      else
        g_prefix_error (error, "embeddings endpoint %s: HTTP %u (%s, %" G_GSIZE_FORMAT " bytes) "
                        "is not an embeddings answer: ", self->shown_url, response->status,
                        type != NULL ? type : "no Content-Type", length);
      return FALSE;
    }
  return TRUE;
}

static gboolean
openai_embed (FdnixEmbedder *embedder, const gchar * const *texts, guint n_texts,
              FdnixInputType input_type, gfloat *out_vectors, FdnixEmbedCost *out_cost,
              GError **error)
{
  FdnixEmbedderOpenai *self = FDNIX_EMBEDDER_OPENAI (embedder);
  guint dimension = self->info.dimension;

  return request (self, texts, n_texts, &dimension, out_vectors, out_cost, error);
}

static const FdnixEmbedderInfo *
openai_get_info (FdnixEmbedder *embedder)
{
  return &FDNIX_EMBEDDER_OPENAI (embedder)->info;
}

static void
fdnix_embedder_openai_iface_init (FdnixEmbedderInterface *iface)
{
  iface->get_info = openai_get_info;
  iface->embed = openai_embed;
}

static void
fdnix_embedder_openai_finalize (GObject *object)
{
  FdnixEmbedderOpenai *self = FDNIX_EMBEDDER_OPENAI (object);

  fdnix_client_stack_free (self->clients);
  g_free (self->url);
  g_free (self->shown_url);
  g_free (self->model_name);
  g_free (self->info.model);
  g_free (self->authorization);
  fdnix_http_options_clear (&self->http_options);
  G_OBJECT_CLASS (fdnix_embedder_openai_parent_class)->finalize (object);
}

static void
fdnix_embedder_openai_class_init (FdnixEmbedderOpenaiClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_embedder_openai_finalize;
}

static void
fdnix_embedder_openai_init (FdnixEmbedderOpenai *self)
{
  fdnix_http_options_init (&self->http_options);
}

static gpointer
usage_error (GError **error, FdnixConfig *config, const gchar *key, const gchar *what)
{
  g_autofree gchar *origin = fdnix_config_describe_source (config, key);

  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "%s: %s", origin, what);
  return NULL;
}

/**
 * fdnix_embedder_openai_new:
 * @config: a configuration with fdnix_openai_settings, the embedder and
 *   HTTP settings registered
 * @error: return location for an error
 *
 * Without a configured dimension this sends one probe request to learn it.
 *
 * Returns: (transfer full) (nullable): the embedder.
 */
FdnixEmbedder *
fdnix_embedder_openai_new (FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixEmbedderOpenai) self = g_object_new (FDNIX_TYPE_EMBEDDER_OPENAI, NULL);
  const gchar *base = fdnix_config_get_string (config, "openai.base-url");
  const gchar *model = fdnix_config_get_string (config, "openai.model");
  const gchar *key = fdnix_config_get_string (config, "openai.api-key");
  gint64 dimension = fdnix_config_get_int (config, "embed.dimension");
  g_autoptr(GUri) uri = NULL;

  if (key != NULL && *key != '\0')
    {
      fdnix_log_add_secret (key);
      self->authorization = g_strconcat ("Bearer ", key, NULL);
      fdnix_log_add_secret (self->authorization);
    }
  if (base == NULL || *base == '\0')
    return usage_error (error, config, "openai.base-url", "the OpenAI-compatible embedder needs a base URL");
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return usage_error (error, config, "openai.base-url", "not an http(s) URL");
  if (model == NULL || *model == '\0')
    return usage_error (error, config, "openai.model", "the OpenAI-compatible embedder needs a model name");
  if (!fdnix_http_options_load (&self->http_options, config, error))
    return NULL;
  if (dimension > FDNIX_OPENAI_MAX_DIMENSION)
    return usage_error (error, config, "embed.dimension", "too large for this embedder");
  self->url = g_str_has_suffix (base, "/embeddings") ? g_strdup (base)
              : g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", "embeddings", NULL);
  self->shown_url = fdnix_http_url_describe (self->url);
  self->model_name = g_strdup (model);
  self->info.service = "openai";
  self->info.max_batch = (guint) fdnix_config_get_int (config, "openai.max-texts");
  self->info.max_chars = (guint) fdnix_config_get_int (config, "openai.max-chars");
  self->send_dimension = dimension > 0 ? (guint) dimension : 0;
  self->clients = fdnix_client_stack_new (new_client, (GDestroyNotify) fdnix_http_client_free, self);
  if (dimension > 0)
    self->info.dimension = (guint) dimension;
  else
    {
      /* the server knows the model's dimension; ask once */
      const gchar *probe[] = { "dimension probe" };
      g_autofree gfloat *vector = g_new (gfloat, FDNIX_OPENAI_MAX_DIMENSION);
      FdnixEmbedCost cost = { 0 };
      guint learned = 0;

      FdnixRetryOptions retry_options;
      g_autoptr(FdnixRetryPolicy) policy = NULL;
      FdnixRetryState state;

      /* A busy server may throttle this one too: a few tries, paced and
       * capped like every other retry, and cut short by a stop signal. */
      fdnix_retry_options_init (&retry_options);
      if (!fdnix_retry_options_load (&retry_options, config, error))
        return NULL;
      retry_options.max_attempts = MIN (retry_options.max_attempts, 5);
      policy = fdnix_retry_policy_new (&retry_options, "openai");
      fdnix_retry_state_init (&state, policy, "dimension probe");
      for (;;)
        {
          g_autoptr(GError) local_error = NULL;
          guint delay = 0;

          cost = (FdnixEmbedCost) { 0 };
          if (request (self, probe, 1, &learned, vector, &cost, &local_error))
            break;
          if (!fdnix_retry_state_next (&state, &local_error,
                                       cost.retry_after_ms > 0 ? (gint64) cost.retry_after_ms : -1, &delay) ||
              !fdnix_cancel_sleep (delay, &local_error))
            {
              fdnix_retry_state_clear (&state);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
      fdnix_retry_state_clear (&state);
      self->info.dimension = learned;
    }
  self->info.model = self->send_dimension > 0 ? g_strdup_printf ("%s@%u", model, self->send_dimension)
                                         : g_strdup (model);
  g_info ("OpenAI-compatible embeddings: %s, model %s, %u dimensions", self->shown_url, model, self->info.dimension);
  return FDNIX_EMBEDDER (g_steal_pointer (&self));
}
