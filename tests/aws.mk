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

# Run by tests/test-dynamodb-store.sh against dynalite and DynamoDB Local.
if HAVE_CHECK
check_PROGRAMS += tests/check-dynamodb-store
tests_check_dynamodb_store_SOURCES = tests/check-dynamodb-store.c tests/store-contract.c tests/store-contract.h
tests_check_dynamodb_store_CFLAGS = $(TEST_CFLAGS)
tests_check_dynamodb_store_LDADD = $(TEST_LDADD)
endif

TESTS += tests/test-dynamodb-store.sh
EXTRA_DIST += \
	tests/aws-servers.sh \
	tests/test-dynamodb-store.sh \
	tests/servers/dynalite-local.js \
	tests/servers/make_sigv4_vectors.py \
	$(NULL)

# A signed request from the command line, for the server-side tests.
check_PROGRAMS += tests/fdnix-aws-call
tests_fdnix_aws_call_SOURCES = tests/fdnix-aws-call.c
tests_fdnix_aws_call_CFLAGS = $(AM_CFLAGS)
tests_fdnix_aws_call_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

if HAVE_CHECK
check_PROGRAMS += tests/check-aws
tests_check_aws_SOURCES = tests/check-aws.c $(AWS_TEST_HTTPD)
tests_check_aws_CFLAGS = $(TEST_CFLAGS)
tests_check_aws_LDADD = $(TEST_LDADD)
TESTS += tests/check-aws
endif

if HAVE_CHECK
check_PROGRAMS += tests/check-aws-credentials
tests_check_aws_credentials_SOURCES = tests/check-aws-credentials.c $(AWS_TEST_HTTPD)
tests_check_aws_credentials_CFLAGS = $(TEST_CFLAGS)
tests_check_aws_credentials_LDADD = $(TEST_LDADD)
TESTS += tests/check-aws-credentials
endif

TESTS += tests/test-dynamodb-metadata.sh tests/test-sigv4-verifier.sh tests/test-dynamodb-faults.sh
TESTS += tests/test-dynamodb-safety.sh
EXTRA_DIST += tests/test-dynamodb-safety.sh
EXTRA_DIST += tests/test-dynamodb-metadata.sh tests/test-sigv4-verifier.sh tests/test-dynamodb-faults.sh tests/servers/ddb_items.py tests/servers/fault_proxy.py \
	tests/servers/sigv4_verifier.py

# Corpus scale (tests/corpus/run-all.sh runs it in .ci/run) and the benchmark.
EXTRA_DIST += tests/corpus/dynamodb-corpus.sh bench/dynamodb.sh bench/dynamodb-clients.py bench/latency-proxy.js
