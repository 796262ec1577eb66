# tests/embed.mk: fdnix-embed's units (embedders, pool, vector files,
# objects, the embed and index steps) and integration scripts.
if HAVE_CHECK
check_PROGRAMS += tests/check-vectors tests/check-objects tests/check-embed-offline
tests_check_vectors_SOURCES = tests/check-vectors.c
tests_check_vectors_CFLAGS = $(TEST_CFLAGS)
tests_check_vectors_LDADD = $(TEST_LDADD)
tests_check_objects_SOURCES = tests/check-objects.c
tests_check_objects_CFLAGS = $(TEST_CFLAGS)
tests_check_objects_LDADD = $(TEST_LDADD)
tests_check_embed_offline_SOURCES = tests/check-embed-offline.c
tests_check_embed_offline_CFLAGS = $(TEST_CFLAGS)
tests_check_embed_offline_LDADD = $(TEST_LDADD)
TESTS += tests/check-vectors tests/check-objects tests/check-embed-offline
endif
