# tests/ingest.mk: the parsing side of lib/ingest (see tests/local.mk).
if HAVE_CHECK
check_PROGRAMS += tests/check-json-stream tests/check-normalize tests/check-package-reader
tests_check_json_stream_SOURCES = tests/check-json-stream.c tests/fdnix-test.h
tests_check_json_stream_CFLAGS = $(TEST_CFLAGS)
tests_check_json_stream_LDADD = $(TEST_LDADD)
tests_check_normalize_SOURCES = tests/check-normalize.c tests/fdnix-test.h
tests_check_normalize_CFLAGS = $(TEST_CFLAGS)
tests_check_normalize_LDADD = $(TEST_LDADD)
tests_check_package_reader_SOURCES = tests/check-package-reader.c tests/fdnix-test.h
tests_check_package_reader_CFLAGS = $(TEST_CFLAGS)
tests_check_package_reader_LDADD = $(TEST_LDADD)
TESTS += tests/check-json-stream tests/check-normalize tests/check-package-reader
endif

# A driver for the corpus scale check and the benchmark: the reader alone.
check_PROGRAMS += tests/fdnix-ingest-dump
tests_fdnix_ingest_dump_SOURCES = tests/fdnix-ingest-dump.c
tests_fdnix_ingest_dump_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

TESTS += tests/test-ingest-corpus.sh
EXTRA_DIST += tests/test-ingest-corpus.sh

if HAVE_CHECK
check_PROGRAMS += tests/check-source
tests_check_source_SOURCES = tests/check-source.c
tests_check_source_CFLAGS = $(TEST_CFLAGS)
tests_check_source_LDADD = $(TEST_LDADD)
TESTS += tests/check-source
endif
