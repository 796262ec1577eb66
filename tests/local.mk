# tests: one check suite per lib/ module, integration scripts, fixtures.
AM_TESTS_ENVIRONMENT = \
	FDNIX_TESTS_SRCDIR='$(abs_top_srcdir)/tests'; export FDNIX_TESTS_SRCDIR; \
	FDNIX_TESTS_BUILDDIR='$(abs_top_builddir)/tests'; export FDNIX_TESTS_BUILDDIR; \
	FDNIX_BUILDDIR='$(abs_top_builddir)'; export FDNIX_BUILDDIR; \
	FDNIX_CONFIG=/dev/null; export FDNIX_CONFIG; \
	CK_VERBOSITY=normal; export CK_VERBOSITY; \
	$(NULL)

if HAVE_CHECK
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -I$(top_srcdir)/tests
TEST_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/check-core
tests_check_core_SOURCES = tests/check-core.c tests/fdnix-test.h
tests_check_core_CFLAGS = $(TEST_CFLAGS)
tests_check_core_LDADD = $(TEST_LDADD)
TESTS += tests/check-core
endif

EXTRA_DIST += tests/fdnix-test.h tests/data
