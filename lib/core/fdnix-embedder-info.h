/* fdnix-embedder-info.h: who makes the vectors, and the limits of a request.
 *
 * Each embedder back end (lib/embed) fills one of these when it is made and
 * never changes it.  It is a plain struct in core, not part of the embedder
 * interface, so that the snapshot step (lib/vectors), which records the
 * model in the index and checks dimensions, needs no embedder: the
 * dependencies keep pointing from embed to vectors, never back.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* "offline", "bedrock", "openai": counters, logs and the index */
  const gchar *service;
  /* the vector space: two embedders with the same model id make comparable
   * vectors.  Stored on each record and in the index, so changing it
   * (another model, another dimension) re-embeds everything. */
  gchar       *model;
  guint        dimension;   /* the length of every vector */
  guint        max_batch;   /* the most texts one request takes */
  guint        max_chars;   /* the longest text (in characters) the model accepts */
} FdnixEmbedderInfo;

G_END_DECLS
