# fuzz: libFuzzer targets, built with
#   ./configure CC=clang --enable-fuzzing --enable-sanitizers
# The code under test is compiled into the target again with coverage
# instrumentation (-fsanitize=fuzzer-no-link); the rest of libfdnix links
# in uninstrumented.  `make fuzz-ingest-run` runs the ingest target for
# FUZZ_TIME seconds, keeping what it finds in fuzz-ingest-corpus/;
# `make fuzz-vectors-run` does the same for the index and batch file
# readers (fuzz-vectors-corpus/).
EXTRA_DIST += fuzz/fuzz-ingest.c fuzz/ingest.dict fuzz/corpus \
	fuzz/fuzz-vectors.c fuzz/vectors-check.c fuzz/vectors-check.h fuzz/vectors.dict

if ENABLE_FUZZING
noinst_PROGRAMS += fuzz/fuzz-ingest
fuzz_fuzz_ingest_SOURCES = \
	fuzz/fuzz-ingest.c \
	lib/ingest/fdnix-json-stream.c \
	lib/core/fdnix-json-lex.c \
	lib/core/fdnix-json-value.c \
	lib/ingest/fdnix-normalize.c \
	lib/ingest/fdnix-package-reader.c \
	lib/core/fdnix-embed-text.c \
	lib/core/fdnix-json.c \
	lib/core/fdnix-record.c \
	$(NULL)
fuzz_fuzz_ingest_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link
fuzz_fuzz_ingest_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_ingest_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

# what a bucket hands fdnix-search and fdnix-embed: the index, batch files
noinst_PROGRAMS += fuzz/fuzz-vectors
fuzz_fuzz_vectors_SOURCES = \
	fuzz/fuzz-vectors.c \
	fuzz/vectors-check.c \
	fuzz/vectors-check.h \
	lib/core/fdnix-json-untrusted.c \
	lib/core/fdnix-gzip.c \
	lib/core/fdnix-json-cursor.c \
	lib/core/fdnix-json-lex.c \
	lib/core/fdnix-float.c \
	lib/vectors/fdnix-vector-file.c \
	lib/vectors/fdnix-vector-index.c \
	$(NULL)
fuzz_fuzz_vectors_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link
fuzz_fuzz_vectors_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_vectors_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

FUZZ_TIME = 60
fuzz-ingest-run: fuzz/fuzz-ingest
	$(MKDIR_P) fuzz-ingest-corpus
	fuzz/fuzz-ingest -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=20 \
	  -dict=$(srcdir)/fuzz/ingest.dict fuzz-ingest-corpus \
	  $(srcdir)/fuzz/corpus/ingest $(srcdir)/tests/data/ingest
# inputs it found that once broke a reader are in tests/data/vectors-fuzz
# (check-vectors reads them back on every make check)
fuzz-vectors-run: fuzz/fuzz-vectors
	$(MKDIR_P) fuzz-vectors-corpus
	fuzz/fuzz-vectors -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
	  -dict=$(srcdir)/fuzz/vectors.dict fuzz-vectors-corpus \
	  $(srcdir)/fuzz/corpus/vectors $(srcdir)/tests/data/vectors-fuzz
endif
.PHONY: fuzz-ingest-run fuzz-vectors-run
