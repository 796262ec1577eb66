# tests: one check suite per lib/ module, integration scripts, fixtures.
# Each area keeps its own fragment (tests/<area>.mk) so parallel work on
# different layers does not collide here.
AM_TESTS_ENVIRONMENT = \
	FDNIX_TESTS_SRCDIR='$(abs_top_srcdir)/tests'; export FDNIX_TESTS_SRCDIR; \
	FDNIX_TESTS_BUILDDIR='$(abs_top_builddir)/tests'; export FDNIX_TESTS_BUILDDIR; \
	FDNIX_BUILDDIR='$(abs_top_builddir)'; export FDNIX_BUILDDIR; \
	FDNIX_CONFIG=/dev/null; export FDNIX_CONFIG; \
	AWS_EC2_METADATA_DISABLED=true; export AWS_EC2_METADATA_DISABLED; \
	CK_VERBOSITY=normal; export CK_VERBOSITY; \
	CK_DEFAULT_TIMEOUT=120; export CK_DEFAULT_TIMEOUT; \
	$(NULL)

# Shell tests run with bash; exit 77 means skipped.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(BASH)
BASH = bash

TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -I$(top_srcdir)/tests
TEST_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS) $(CHECK_LIBS)

if HAVE_CHECK
check_PROGRAMS += tests/check-core
tests_check_core_SOURCES = tests/check-core.c tests/fdnix-test.h
tests_check_core_CFLAGS = $(TEST_CFLAGS)
tests_check_core_LDADD = $(TEST_LDADD)
TESTS += tests/check-core

check_PROGRAMS += tests/check-json-lex
tests_check_json_lex_SOURCES = tests/check-json-lex.c tests/fdnix-test.h
tests_check_json_lex_CFLAGS = $(TEST_CFLAGS)
tests_check_json_lex_LDADD = $(TEST_LDADD)
TESTS += tests/check-json-lex

check_PROGRAMS += tests/check-json-untrusted
tests_check_json_untrusted_SOURCES = tests/check-json-untrusted.c tests/fdnix-test.h
tests_check_json_untrusted_CFLAGS = $(TEST_CFLAGS)
tests_check_json_untrusted_LDADD = $(TEST_LDADD)
TESTS += tests/check-json-untrusted

check_PROGRAMS += tests/check-log
tests_check_log_SOURCES = tests/check-log.c tests/fdnix-test.h
tests_check_log_CFLAGS = $(TEST_CFLAGS)
tests_check_log_LDADD = $(TEST_LDADD)
TESTS += tests/check-log
endif

include tests/ingest.mk
include tests/store.mk
include tests/metadata.mk
include tests/aws.mk
include tests/embed.mk
include tests/search.mk
include tests/serve.mk
include tests/packaging.mk
include tests/deploy.mk
include tests/hostile.mk

EXTRA_DIST += \
	tests/fdnix-test.h \
	tests/lib.sh \
	tests/data \
	tests/servers/local_server.py \
	tests/servers/package.json \
	tests/servers/package-lock.json \
	$(NULL)

# Every default written once (the settings tables), and no module reading
# a table its program did not register.
if HAVE_CHECK
check_PROGRAMS += tests/check-settings
tests_check_settings_SOURCES = tests/check-settings.c tests/fdnix-test.h
tests_check_settings_CFLAGS = $(TEST_CFLAGS)
tests_check_settings_LDADD = $(TEST_LDADD)
TESTS += tests/check-settings
endif
