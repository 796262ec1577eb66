/* fdnix-error.h: the one error domain of the suite.
 *
 * Every failing function in lib/ returns FALSE (or NULL) with a GError in
 * FDNIX_ERROR set; callers add context with g_prefix_error().  The codes are
 * few on purpose: they decide what a caller does (retry, skip, give up), not
 * what the message says.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_ERROR (fdnix_error_quark ())

typedef enum {
  FDNIX_ERROR_FAILED,         /* anything without a better code */
  FDNIX_ERROR_USAGE,          /* bad option, key or value given by the user: exit 2 */
  FDNIX_ERROR_INVALID_DATA,   /* input that cannot be parsed or made valid */
  FDNIX_ERROR_IO,             /* file, pipe or process failure */
  FDNIX_ERROR_NETWORK,        /* connection, TLS or transfer failure (retryable) */
  FDNIX_ERROR_THROTTLED,      /* the service asked us to slow down (retryable) */
  FDNIX_ERROR_SERVER,         /* 5xx from a service (retryable) */
  FDNIX_ERROR_AUTH,           /* credentials missing, expired or refused */
  FDNIX_ERROR_REJECTED,       /* 4xx validation error: never retried */
  FDNIX_ERROR_NOT_FOUND,      /* a named thing does not exist */
  FDNIX_ERROR_TIMEOUT,        /* a deadline passed */
  FDNIX_ERROR_UNSAFE,         /* refused because it could lose data (e.g. package floor) */
  FDNIX_ERROR_CANCELLED,      /* stopped by a signal or a caller */
} FdnixErrorCode;

GQuark   fdnix_error_quark (void);

gboolean fdnix_error_is_retryable (const GError *error);

G_END_DECLS
