/* fdnix-search-terms.h: the words a keyword index and a query agree on.
 *
 * Text is cut at every byte that is not a letter or digit (ASCII; bytes of
 * UTF-8 sequences count as letters), ASCII letters are lowered, English
 * stop words are dropped and the rest stemmed with Snowball's English
 * stemmer (libstemmer), so that "formats", "formatting" and "formatted"
 * meet at "format", "encryption" and "encrypts" at "encrypt".  A term longer than FDNIX_SEARCH_TERM_MAX bytes is
 * junk (a hash, a URL run together) and is skipped.
 *
 * A FdnixTermizer keeps a stemmer and a cache of stems; it is not
 * thread-safe: give each thread (or each query) its own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_SEARCH_TERM_MAX 48

typedef struct _FdnixTermizer FdnixTermizer;

/* @term is NUL-terminated and lives as long as the termizer; @slot is the
 * caller's, one per word (see fdnix_termizer_split()). */
typedef void (*FdnixTermFunc) (const gchar *term, gsize length, gpointer *slot, gpointer user_data);

FdnixTermizer *fdnix_termizer_new        (void);
void           fdnix_termizer_free       (FdnixTermizer *self);
void           fdnix_termizer_split      (FdnixTermizer *self,
                                          const gchar   *text,
                                          FdnixTermFunc  func,
                                          gpointer       user_data);
gboolean       fdnix_search_is_stop_word (const gchar   *word);
gchar         *fdnix_search_position_words (const gchar *position);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixTermizer, fdnix_termizer_free)

G_END_DECLS
