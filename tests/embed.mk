# tests/embed.mk: fdnix-embed's units (embedders, pool, vector files,
# objects, the embed and index steps) and integration scripts.
if HAVE_CHECK
check_PROGRAMS += tests/check-vectors tests/check-objects tests/check-embed-offline
tests_check_vectors_SOURCES = tests/check-vectors.c fuzz/vectors-check.c fuzz/vectors-check.h
tests_check_vectors_CFLAGS = $(TEST_CFLAGS) -I$(top_srcdir)/fuzz
tests_check_vectors_LDADD = $(TEST_LDADD)
tests_check_objects_SOURCES = tests/check-objects.c $(AWS_TEST_HTTPD)
tests_check_objects_CFLAGS = $(TEST_CFLAGS)
tests_check_objects_LDADD = $(TEST_LDADD)
tests_check_embed_offline_SOURCES = tests/check-embed-offline.c
tests_check_embed_offline_CFLAGS = $(TEST_CFLAGS)
tests_check_embed_offline_LDADD = $(TEST_LDADD)
TESTS += tests/check-vectors tests/check-objects tests/check-embed-offline
endif

if HAVE_CHECK
check_PROGRAMS += tests/check-embed-run
tests_check_embed_run_SOURCES = tests/check-embed-run.c tests/embed-verify.c tests/embed-verify.h
tests_check_embed_run_CFLAGS = $(TEST_CFLAGS)
tests_check_embed_run_LDADD = $(TEST_LDADD)
TESTS += tests/check-embed-run
endif

if HAVE_CHECK
check_PROGRAMS += tests/check-embed-remote
tests_check_embed_remote_SOURCES = tests/check-embed-remote.c
tests_check_embed_remote_CFLAGS = $(TEST_CFLAGS)
tests_check_embed_remote_LDADD = $(TEST_LDADD)
TESTS += tests/check-embed-remote
endif

# embed-tool: loads records and verifies snapshots for the scripts below
# (needs no check library)
check_PROGRAMS += tests/embed-tool
tests_embed_tool_SOURCES = tests/embed-tool.c tests/embed-verify.c tests/embed-verify.h
tests_embed_tool_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests
tests_embed_tool_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

EMBED_SHELL_TESTS = \
	tests/test-embed-cli.sh \
	tests/test-embed-crash.sh \
	tests/test-embed-shards.sh \
	tests/test-embed-bedrock.sh \
	tests/test-embed-openai.sh \
	tests/test-embed-s3.sh \
	tests/test-embed-aws.sh \
	$(NULL)
TESTS += $(EMBED_SHELL_TESTS)
EXTRA_DIST += \
	$(EMBED_SHELL_TESTS) \
	tests/servers/bedrock-server.py \
	tests/servers/openai-server.py \
	$(NULL)

# corpus scale (skipped without FDNIX_CORPUS) and the benchmark script
TESTS += tests/test-embed-corpus.sh
EXTRA_DIST += tests/test-embed-corpus.sh bench/embed.sh

# issue 13: tampered snapshots, and searches while fdnix-embed publishes
SNAPSHOT_SHELL_TESTS = \
	tests/test-snapshot-hostile.sh \
	tests/test-snapshot-concurrent.sh \
	$(NULL)
TESTS += $(SNAPSHOT_SHELL_TESTS)
EXTRA_DIST += $(SNAPSHOT_SHELL_TESTS)
