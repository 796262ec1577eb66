# tests/aws.mk: lib/net, lib/aws and the DynamoDB store (see tests/local.mk).
AWS_TEST_HTTPD = tests/fdnix-test-httpd.c tests/fdnix-test-httpd.h

if HAVE_CHECK
check_PROGRAMS += tests/check-http tests/check-retry
tests_check_http_SOURCES = tests/check-http.c $(AWS_TEST_HTTPD)
tests_check_http_CFLAGS = $(TEST_CFLAGS)
tests_check_http_LDADD = $(TEST_LDADD)
tests_check_retry_SOURCES = tests/check-retry.c $(AWS_TEST_HTTPD)
tests_check_retry_CFLAGS = $(TEST_CFLAGS)
tests_check_retry_LDADD = $(TEST_LDADD)
TESTS += tests/check-http tests/check-retry
endif

if HAVE_CHECK
check_PROGRAMS += tests/check-sigv4
tests_check_sigv4_SOURCES = tests/check-sigv4.c
tests_check_sigv4_CFLAGS = $(TEST_CFLAGS)
tests_check_sigv4_LDADD = $(TEST_LDADD)
TESTS += tests/check-sigv4
endif
