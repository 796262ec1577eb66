# lib/core: configuration, logging, program frame, progress, hashing, the
# package record.  Everything else in lib/ builds on it; it knows nothing of
# networks, AWS or stores.
noinst_LTLIBRARIES += libfdnix.la

libfdnix_la_SOURCES = \
	lib/core/fdnix-bytes.h \
	lib/core/fdnix-cancel.c lib/core/fdnix-cancel.h \
	lib/core/fdnix-config.c lib/core/fdnix-config.h \
	lib/core/fdnix-embed-text.c \
	lib/core/fdnix-embedder-info.h \
	lib/core/fdnix-error.c lib/core/fdnix-error.h \
	lib/core/fdnix-float.c lib/core/fdnix-float.h \
	lib/core/fdnix-floor.c lib/core/fdnix-floor.h \
	lib/core/fdnix-gzip.c lib/core/fdnix-gzip.h \
	lib/core/fdnix-hash.c lib/core/fdnix-hash.h \
	lib/core/fdnix-json.c lib/core/fdnix-json.h \
	lib/core/fdnix-json-cursor.c lib/core/fdnix-json-cursor.h \
	lib/core/fdnix-json-lex.c lib/core/fdnix-json-lex.h \
	lib/core/fdnix-json-untrusted.c lib/core/fdnix-json-untrusted.h \
	lib/core/fdnix-json-value.c lib/core/fdnix-json-value.h \
	lib/core/fdnix-log.c lib/core/fdnix-log.h \
	lib/core/fdnix-program.c lib/core/fdnix-program.h \
	lib/core/fdnix-progress.c lib/core/fdnix-progress.h \
	lib/core/fdnix-record.c lib/core/fdnix-record.h \
	lib/core/fdnix-summary.c lib/core/fdnix-summary.h \
	$(NULL)
libfdnix_la_CFLAGS = $(AM_CFLAGS)
libfdnix_la_LIBADD = $(FDNIX_DEPS_LIBS) $(STEMMER_LIBS) -lm
