/* fdnix-serve-limits.c: slow clients, bodies, the listening socket. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "serve/fdnix-serve-limits.h"

struct _FdnixServeGuard {
  SoupServer        *server;     /* borrowed */
  FdnixServeMetrics *metrics;    /* borrowed */
  gdouble            timeout;
  GHashTable        *reading;    /* SoupServerMessage* → GSource* of its read deadline */
};

/* After the headers, before any body: a search has no body, and libsoup
 * would read a body whole into memory before the handler runs, so a
 * request with one loses its connection at once. */
static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  FdnixServeGuard *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (h);

  if (encoding != SOUP_ENCODING_NONE &&
      !(encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (h) == 0))
    {
      GSocket *socket = soup_server_message_get_socket (msg);

      fdnix_serve_metrics_observe (self->metrics, FDNIX_ROUTE_OTHER, 413, 0);
      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
}

/* ---------------------------------------------------------------- slow clients */

/* A client that has not sent its whole request in time loses its
 * connection: a slow or idle client holds no more than the timeout.  The
 * deadline holds a reference to the message: libsoup may drop a message
 * it could not parse without a signal. */
typedef struct {
  FdnixServeGuard   *guard;
  SoupServerMessage *msg;
} Deadline;

static void
deadline_free (gpointer data)
{
  Deadline *deadline = data;

  g_object_unref (deadline->msg);
  g_free (deadline);
}

static gboolean
on_read_deadline (gpointer user_data)
{
  Deadline *deadline = user_data;
  GSocket *socket = soup_server_message_get_socket (deadline->msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  /* last: this frees @deadline */
  g_hash_table_remove (deadline->guard->reading, deadline->msg);
  return G_SOURCE_REMOVE;
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  FdnixServeGuard *self = user_data;
  GSource *source = g_timeout_source_new ((guint) (self->timeout * 1000));
  Deadline *deadline = g_new0 (Deadline, 1);

  deadline->guard = self;
  deadline->msg = g_object_ref (msg);
  g_source_set_callback (source, on_read_deadline, deadline, deadline_free);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_hash_table_replace (self->reading, msg, source);
}

static void
on_request_read (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  FdnixServeGuard *self = user_data;

  g_hash_table_remove (self->reading, msg);
}

static void
destroy_source (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}


/* ---------------------------------------------------------------- listening */

/**
 * fdnix_serve_parse_listen:
 * @text: "ADDR:PORT", IPv6 in brackets
 * @out_host: (out) (transfer full): the address
 * @out_port: (out): the port (0: any free one)
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: TRUE when @text is an IP address and a port.
 */
gboolean
fdnix_serve_parse_listen (const gchar *text, gchar **out_host, guint *out_port, GError **error)
{
  const gchar *colon = text != NULL ? strrchr (text, ':') : NULL;
  g_autofree gchar *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  guint64 port;
  gchar *end;

  if (colon == NULL || colon == text || colon[1] == '\0')
    goto bad;
  if (text[0] == '[' && colon[-1] == ']')
    host = g_strndup (text + 1, colon - text - 2);
  else
    host = g_strndup (text, colon - text);
  address = g_inet_address_new_from_string (host);
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (address == NULL || *end != '\0' || port > 65535 || !g_ascii_isdigit (colon[1]))
    goto bad;
  *out_host = g_steal_pointer (&host);
  *out_port = (guint) port;
  return TRUE;
bad:
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "--listen: '%s' is not ADDR:PORT (e.g. 127.0.0.1:8080)",
               text != NULL ? text : "");
  return FALSE;
}

/**
 * fdnix_serve_listen:
 * @server: a server
 * @host: an IP address
 * @port: a port (0: any free one)
 * @error: return location for an error
 *
 * Listens with a backlog of FDNIX_SERVE_LISTEN_BACKLOG (GSocketListener's
 * 10 drops the connections of a burst: clients wait seconds to retry
 * their SYNs).
 *
 * Returns: TRUE when listening.
 */
gboolean
fdnix_serve_listen (SoupServer *server, const gchar *host, guint port, GError **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (host, port);
  g_autoptr(GSocket) socket = NULL;

  if (address == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "'%s' is not an IP address", host);
      return FALSE;
    }
  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, FDNIX_SERVE_LISTEN_BACKLOG);
  return g_socket_bind (socket, address, TRUE, error) &&
         g_socket_listen (socket, error) &&
         soup_server_listen_socket (server, socket, 0, error);
}


/**
 * fdnix_serve_guard_new:
 * @server: the server to watch (borrowed; must outlive the guard)
 * @timeout: seconds a request has to arrive whole
 * @metrics: counts the requests refused for a body (borrowed)
 *
 * Returns: (transfer full): the guard, watching from now.
 */
FdnixServeGuard *
fdnix_serve_guard_new (SoupServer *server, gdouble timeout, FdnixServeMetrics *metrics)
{
  FdnixServeGuard *self = g_new0 (FdnixServeGuard, 1);

  self->server = server;
  self->metrics = metrics;
  self->timeout = timeout;
  self->reading = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, destroy_source);
  soup_server_add_early_handler (server, NULL, early_handler, self, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (server, "request-read", G_CALLBACK (on_request_read), self);
  g_signal_connect (server, "request-aborted", G_CALLBACK (on_request_read), self);
  g_signal_connect (server, "request-finished", G_CALLBACK (on_request_read), self);
  return self;
}

/**
 * fdnix_serve_guard_free:
 * @self: (transfer full) (nullable): a guard
 */
void
fdnix_serve_guard_free (FdnixServeGuard *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->server, self);
  g_hash_table_unref (self->reading);
  g_free (self);
}
