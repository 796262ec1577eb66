# tests/store.mk: store back ends through the FdnixStore interface.
if HAVE_CHECK
check_PROGRAMS += tests/check-store
tests_check_store_SOURCES = tests/check-store.c tests/store-contract.c tests/store-contract.h
tests_check_store_CFLAGS = $(TEST_CFLAGS)
tests_check_store_LDADD = $(TEST_LDADD)
TESTS += tests/check-store
endif

if HAVE_CHECK
check_PROGRAMS += tests/check-sync
tests_check_sync_SOURCES = tests/check-sync.c
tests_check_sync_CFLAGS = $(TEST_CFLAGS)
tests_check_sync_LDADD = $(TEST_LDADD)
TESTS += tests/check-sync
endif
