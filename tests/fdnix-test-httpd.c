/* fdnix-test-httpd.c: scripted HTTP/1.1 server for the check suites. */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "fdnix-test-httpd.h"

struct _FdnixTestHttpd {
  GSocketListener *listener;
  GThread         *accept_thread;
  gchar           *url;
  GMutex           mutex;
  GQueue           replies;       /* FdnixTestReply* (copies) */
  FdnixTestHandler handler;
  gpointer         handler_data;
  GPtrArray       *requests;      /* FdnixTestRequest* */
  GPtrArray       *connections;   /* GSocketConnection* still open */
  GPtrArray       *threads;
  guint            n_connections;
  guint            active;        /* requests being answered now */
  guint            max_active;
  gboolean         stopping;
};

typedef struct {
  FdnixTestHttpd    *server;
  GSocketConnection *connection;
} Conn;

static void
request_free (gpointer data)
{
  FdnixTestRequest *r = data;

  g_free (r->method);
  g_free (r->path);
  g_hash_table_unref (r->headers);
  g_bytes_unref (r->body);
  g_free (r);
}

/* Reads one request; FALSE at end of connection. */
static FdnixTestRequest *
read_request (GDataInputStream *in, GInputStream *raw)
{
  g_autofree gchar *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  g_auto(GStrv) parts = NULL;
  FdnixTestRequest *r;
  const gchar *cl;
  gsize length = 0;

  if (line == NULL)
    return NULL;
  g_strchomp (line);
  parts = g_strsplit (line, " ", 3);
  if (g_strv_length (parts) < 2)
    return NULL;
  r = g_new0 (FdnixTestRequest, 1);
  r->method = g_strdup (parts[0]);
  r->path = g_strdup (parts[1]);
  r->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (;;)
    {
      g_autofree gchar *h = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      gchar *colon;
      if (h == NULL)
        {
          request_free (r);
          return NULL;
        }
      g_strchomp (h);
      if (*h == '\0')
        break;
      colon = strchr (h, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_replace (r->headers, g_ascii_strdown (h, -1), g_strdup (g_strstrip (colon + 1)));
    }
  cl = g_hash_table_lookup (r->headers, "content-length");
  if (cl != NULL)
    length = g_ascii_strtoull (cl, NULL, 10);
  {
    guint8 *buf = g_malloc (length + 1);
    gsize got = 0;
    if (length > 0 && !g_input_stream_read_all (G_INPUT_STREAM (in), buf, length, &got, NULL, NULL))
      got = 0;
    buf[got] = 0;
    r->body = g_bytes_new_take (buf, got);
  }
  return r;
}

static gpointer
serve_connection (gpointer data)
{
  Conn *c = data;
  FdnixTestHttpd *self = c->server;
  GInputStream *raw = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (raw);

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  for (;;)
    {
      FdnixTestRequest *r = read_request (in, raw);
      FdnixTestReply reply = { 200, NULL, "ok", 0, FALSE, 0 };
      FdnixTestReply *queued = NULL;
      g_autoptr(GString) head = NULL;
      gsize body_len, repeat;

      if (r == NULL)
        break;
      g_mutex_lock (&self->mutex);
      g_ptr_array_add (self->requests, r);
      self->active++;
      self->max_active = MAX (self->max_active, self->active);
      if (self->handler == NULL)
        queued = g_queue_pop_head (&self->replies);
      g_mutex_unlock (&self->mutex);
      if (self->handler != NULL)
        self->handler (r, &reply, self->handler_data);
      else if (queued != NULL)
        reply = *queued;
      if (reply.delay_ms > 0)
        g_usleep (reply.delay_ms * 1000);
      g_mutex_lock (&self->mutex);
      self->active--;
      g_mutex_unlock (&self->mutex);
      if (reply.drop)
        {
          g_free (queued);
          break;
        }
      body_len = reply.body != NULL ? strlen (reply.body) : 0;
      repeat = reply.body_repeat > 0 ? reply.body_repeat : 1;
      head = g_string_new (NULL);
      g_string_append_printf (head, "HTTP/1.1 %u X\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n%s\r\n",
                              reply.status, body_len * repeat,
                              reply.headers != NULL ? reply.headers : "");
      g_output_stream_write_all (out, head->str, head->len, NULL, NULL, NULL);
      for (gsize i = 0; i < repeat && body_len > 0; i++)
        if (!g_output_stream_write_all (out, reply.body, body_len, NULL, NULL, NULL))
          break;
      g_free (queued);
    }
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
  g_mutex_lock (&self->mutex);
  g_ptr_array_remove (self->connections, c->connection);
  g_mutex_unlock (&self->mutex);
  g_object_unref (c->connection);
  g_free (c);
  return NULL;
}

static gpointer
accept_loop (gpointer data)
{
  FdnixTestHttpd *self = data;

  for (;;)
    {
      GSocketConnection *connection = g_socket_listener_accept (self->listener, NULL, NULL, NULL);
      Conn *c;

      if (connection == NULL)
        break;
      g_mutex_lock (&self->mutex);
      if (self->stopping)
        {
          g_mutex_unlock (&self->mutex);
          g_object_unref (connection);
          break;
        }
      self->n_connections++;
      /* head and body go out in separate writes: without this, Nagle's
       * algorithm and delayed ACKs add 40 ms to every answer */
      g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      g_ptr_array_add (self->connections, connection);
      c = g_new0 (Conn, 1);
      c->server = self;
      c->connection = g_object_ref (connection);
      g_ptr_array_add (self->threads, g_thread_new ("httpd-conn", serve_connection, c));
      g_mutex_unlock (&self->mutex);
      g_object_unref (connection);
    }
  return NULL;
}

FdnixTestHttpd *
fdnix_test_httpd_new (void)
{
  FdnixTestHttpd *self = g_new0 (FdnixTestHttpd, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&self->mutex);
  g_queue_init (&self->replies);
  self->requests = g_ptr_array_new_with_free_func (request_free);
  self->connections = g_ptr_array_new ();
  self->threads = g_ptr_array_new ();
  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    g_error ("test httpd: %s", error->message);
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  self->accept_thread = g_thread_new ("httpd-accept", accept_loop, self);
  return self;
}

void
fdnix_test_httpd_free (FdnixTestHttpd *self)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) wake = NULL;

  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  for (guint i = 0; i < self->connections->len; i++)
    {
      GSocket *socket = g_socket_connection_get_socket (self->connections->pdata[i]);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  g_mutex_unlock (&self->mutex);
  /* accept() does not notice close() from another thread: connect once. */
  wake = g_socket_client_connect_to_uri (client, self->url, 80, NULL, NULL);
  g_thread_join (self->accept_thread);
  g_socket_listener_close (self->listener);
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (self->threads->pdata[i]);
  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->connections);
  g_object_unref (self->listener);
  g_ptr_array_unref (self->requests);
  g_queue_clear_full (&self->replies, g_free);
  g_mutex_clear (&self->mutex);
  g_free (self->url);
  g_free (self);
}

const gchar *
fdnix_test_httpd_get_url (FdnixTestHttpd *self)
{
  return self->url;
}

void
fdnix_test_httpd_push (FdnixTestHttpd *self, const FdnixTestReply *reply)
{
  g_mutex_lock (&self->mutex);
  FdnixTestReply *copy = g_new (FdnixTestReply, 1);

  *copy = *reply;
  g_queue_push_tail (&self->replies, copy);
  g_mutex_unlock (&self->mutex);
}

void
fdnix_test_httpd_set_handler (FdnixTestHttpd *self, FdnixTestHandler handler, gpointer user_data)
{
  g_mutex_lock (&self->mutex);
  self->handler = handler;
  self->handler_data = user_data;
  g_mutex_unlock (&self->mutex);
}

guint
fdnix_test_httpd_get_n_requests (FdnixTestHttpd *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->requests->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

FdnixTestRequest *
fdnix_test_httpd_get_request (FdnixTestHttpd *self, guint index)
{
  FdnixTestRequest *r;

  g_mutex_lock (&self->mutex);
  r = index < self->requests->len ? self->requests->pdata[index] : NULL;
  g_mutex_unlock (&self->mutex);
  return r;
}

guint
fdnix_test_httpd_get_n_connections (FdnixTestHttpd *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->n_connections;
  g_mutex_unlock (&self->mutex);
  return n;
}

guint
fdnix_test_httpd_get_max_concurrent (FdnixTestHttpd *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->max_active;
  g_mutex_unlock (&self->mutex);
  return n;
}
