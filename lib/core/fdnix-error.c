/* fdnix-error.c: the FDNIX_ERROR domain. */
#include "config.h"

#include "core/fdnix-error.h"

G_DEFINE_QUARK (fdnix-error-quark, fdnix_error)

/**
 * fdnix_error_is_retryable:
 * @error: (nullable): an error
 *
 * Whether the operation that failed with @error may succeed if tried again
 * unchanged.  Only FDNIX_ERROR codes for transient conditions qualify.
 *
 * Returns: TRUE for network, throttling, server and timeout errors.
 */
gboolean
fdnix_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != FDNIX_ERROR)
    return FALSE;
  switch ((FdnixErrorCode) error->code)
    {
    case FDNIX_ERROR_NETWORK:
    case FDNIX_ERROR_THROTTLED:
    case FDNIX_ERROR_SERVER:
    case FDNIX_ERROR_TIMEOUT:
      return TRUE;
    default:
      return FALSE;
    }
}
