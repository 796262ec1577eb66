/* fdnix-client-stack.c: idle clients under a lock. */
#include "config.h"

#include "embed/fdnix-client-stack.h"

struct _FdnixClientStack {
  GMutex              lock;
  GPtrArray          *idle;
  FdnixClientNewFunc  new_func;
  GDestroyNotify      free_func;
  gpointer            user_data;
};

/**
 * fdnix_client_stack_new:
 * @new_func: makes a client (called without the lock held)
 * @free_func: frees one
 * @user_data: for @new_func
 *
 * Returns: (transfer full): an empty stack.
 */
FdnixClientStack *
fdnix_client_stack_new (FdnixClientNewFunc new_func, GDestroyNotify free_func, gpointer user_data)
{
  FdnixClientStack *self = g_new0 (FdnixClientStack, 1);

  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new_with_free_func (free_func);
  self->new_func = new_func;
  self->free_func = free_func;
  self->user_data = user_data;
  return self;
}

/**
 * fdnix_client_stack_take:
 * @self: a stack
 * @error: return location for @new_func's error
 *
 * Returns: (transfer full) (nullable): an idle client or a new one; give
 *   it back with fdnix_client_stack_give().
 */
gpointer
fdnix_client_stack_take (FdnixClientStack *self, GError **error)
{
  gpointer client = NULL;

  g_mutex_lock (&self->lock);
  if (self->idle->len > 0)
    client = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);
  if (client == NULL)
    client = self->new_func (self->user_data, error);
  return client;
}

/**
 * fdnix_client_stack_give:
 * @self: a stack
 * @client: (transfer full): a client taken from @self
 */
void
fdnix_client_stack_give (FdnixClientStack *self, gpointer client)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, client);
  g_mutex_unlock (&self->lock);
}

/**
 * fdnix_client_stack_free:
 * @self: (transfer full) (nullable): a stack; every client must be back
 */
void
fdnix_client_stack_free (FdnixClientStack *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->lock);
  g_free (self);
}
