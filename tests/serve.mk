# tests/serve.mk: fdnix-search --serve (see tests/local.mk)
if HAVE_CHECK
check_PROGRAMS += tests/check-serve
tests_check_serve_SOURCES = tests/check-serve.c tests/fdnix-test.h
tests_check_serve_CFLAGS = $(TEST_CFLAGS)
tests_check_serve_LDADD = $(TEST_LDADD)
TESTS += tests/check-serve
endif

SERVE_SHELL_TESTS = \
	tests/test-serve-api.sh \
	tests/test-serve-reload.sh \
	tests/test-serve-hostile.sh \
	tests/test-serve-browser.sh \
	tests/test-serve-s3.sh \
	$(NULL)
TESTS += $(SERVE_SHELL_TESTS)
EXTRA_DIST += \
	$(SERVE_SHELL_TESTS) \
	tests/serve-lib.sh \
	tests/serve-hostile.py \
	tests/serve-browser.js \
	$(NULL)
CLEANFILES += tests/test-serve-browser.png tests/test-serve-browser-hostile.png tests/test-serve-browser-nojs.png
