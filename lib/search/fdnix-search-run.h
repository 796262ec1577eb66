/* fdnix-search-run.h: one fdnix-search run: load the snapshot once, then
 * answer each query, printing a table or JSON lines, and count latencies
 * for the run summary. */
#pragma once

#include <stdio.h>

#include "core/fdnix-config.h"
#include "core/fdnix-summary.h"

G_BEGIN_DECLS

typedef struct {
  gboolean json;      /* JSON lines instead of a table */
  gboolean explain;   /* the parts of each score */
  gboolean batch;     /* queries from a file: headed, and no match is no failure */
  guint    width;     /* table width; 0 for no limit */
} FdnixSearchRunOptions;

typedef struct {
  gdouble median;
  gdouble p90;
  gdouble max;
  gdouble p99;
} FdnixLatencyStats;

GPtrArray *fdnix_search_read_queries (const gchar                 *path,
                                      GError                     **error);
gboolean   fdnix_latency_stats       (GArray                      *milliseconds,
                                      FdnixLatencyStats           *out_stats);
gboolean   fdnix_search_run          (FdnixConfig                 *config,
                                      GPtrArray                   *queries,
                                      const FdnixSearchRunOptions *options,
                                      FdnixSummary                *summary,
                                      FILE                        *out,
                                      GError                     **error);

G_END_DECLS
