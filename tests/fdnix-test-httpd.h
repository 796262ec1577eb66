/* fdnix-test-httpd.h: a scripted HTTP/1.1 server for the check suites.
 *
 * Listens on 127.0.0.1 (free port) in a thread; each connection gets its
 * own thread and keep-alive.  Replies come from a handler function or,
 * without one, from a queue of canned replies (then "200 ok").  Every
 * request received is recorded for assertions, as curl's test suite names
 * the request a server must receive.
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gchar      *method;
  gchar      *path;       /* with query */
  GHashTable *headers;    /* lower-case name → value */
  GBytes     *body;
} FdnixTestRequest;

typedef struct {
  guint        status;
  const gchar *headers;   /* extra "Name: value\r\n" lines, or NULL */
  const gchar *body;      /* or NULL */
  guint        delay_ms;  /* before answering */
  gboolean     drop;      /* close without answering */
  gsize        body_repeat; /* send body this many times (large bodies); 0 = 1 */
} FdnixTestReply;

typedef struct _FdnixTestHttpd FdnixTestHttpd;

/* Fills @reply for @request; strings must outlive the call (static or
 * kept by the test). */
typedef void (*FdnixTestHandler) (const FdnixTestRequest *request,
                                  FdnixTestReply         *reply,
                                  gpointer                user_data);

FdnixTestHttpd *fdnix_test_httpd_new          (void);
void            fdnix_test_httpd_free         (FdnixTestHttpd       *self);
const gchar    *fdnix_test_httpd_get_url      (FdnixTestHttpd       *self);
void            fdnix_test_httpd_push         (FdnixTestHttpd       *self,
                                               const FdnixTestReply *reply);
void            fdnix_test_httpd_set_handler  (FdnixTestHttpd       *self,
                                               FdnixTestHandler      handler,
                                               gpointer              user_data);
guint           fdnix_test_httpd_get_n_requests (FdnixTestHttpd     *self);
FdnixTestRequest *fdnix_test_httpd_get_request (FdnixTestHttpd      *self,
                                               guint                 index);
guint           fdnix_test_httpd_get_n_connections (FdnixTestHttpd  *self);
guint           fdnix_test_httpd_get_max_concurrent (FdnixTestHttpd *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixTestHttpd, fdnix_test_httpd_free)

G_END_DECLS
