/* fdnix-serve-params.h: a search request's query string, checked.
 *
 * The query string is decoded here, strictly: '+' is a space, a '%' must
 * be followed by two hex digits, and every name and value must be UTF-8
 * without NUL or other control characters (a query is shown back in the
 * page and logged).  What a client may ask is capped, so that one request
 * costs a bounded amount of work: the query text, the filters, limit and
 * offset.  Unknown parameters are ignored (a form may send more).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_SERVE_MAX_QUERY_STRING 4096  /* raw bytes after '?' */
#define FDNIX_SERVE_MAX_QUERY        256   /* bytes of q, decoded */
#define FDNIX_SERVE_MAX_FILTER       128   /* bytes of license, platform, set */
#define FDNIX_SERVE_MAX_LIMIT        100
#define FDNIX_SERVE_MAX_OFFSET       1000
#define FDNIX_SERVE_DEFAULT_LIMIT    20
#define FDNIX_SERVE_MAX_PARAMS       32

typedef struct {
  gchar    *q;               /* stripped; "" when absent */
  gchar    *license;         /* (nullable) */
  gchar    *platform;        /* (nullable) */
  gchar    *set;             /* (nullable) */
  guint     limit;
  guint     offset;
  gboolean  include_broken;
  gboolean  explain;
} FdnixServeParams;

gchar      *fdnix_serve_decode_component (const gchar      *text,
                                          gssize            length,
                                          gboolean          plus_is_space,
                                          GError          **error);
GHashTable *fdnix_serve_parse_query      (const gchar      *query_string,
                                          GError          **error);
gboolean    fdnix_serve_params_parse     (const gchar      *query_string,
                                          FdnixServeParams *out_params,
                                          GError          **error);
void        fdnix_serve_params_clear     (FdnixServeParams *params);
void        fdnix_serve_append_encoded   (GString          *out,
                                          const gchar      *text);

G_END_DECLS
