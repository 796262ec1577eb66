/* fdnix-client-stack.h: one network client per request in flight.
 *
 * HTTP and AWS clients are used by one thread at a time, while the embed
 * pool calls an embedder from several threads.  An embedder keeps its idle
 * clients here: a call takes one (making a new one when none is idle) and
 * puts it back, so there are never more clients than requests in flight,
 * and each keeps its connections alive between calls.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gpointer (*FdnixClientNewFunc) (gpointer user_data, GError **error);

typedef struct _FdnixClientStack FdnixClientStack;

FdnixClientStack *fdnix_client_stack_new  (FdnixClientNewFunc  new_func,
                                           GDestroyNotify      free_func,
                                           gpointer            user_data);
gpointer          fdnix_client_stack_take (FdnixClientStack   *self,
                                           GError            **error);
void              fdnix_client_stack_give (FdnixClientStack   *self,
                                           gpointer            client);
void              fdnix_client_stack_free (FdnixClientStack   *self);

G_END_DECLS
