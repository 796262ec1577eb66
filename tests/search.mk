# tests/search.mk: search tests (see tests/local.mk)
if HAVE_CHECK
check_PROGRAMS += tests/check-search-rank tests/check-search-load tests/check-search-run tests/check-search-keyword tests/check-search-filter
check_PROGRAMS += tests/check-search-bundle
tests_check_search_bundle_SOURCES = tests/check-search-bundle.c
tests_check_search_bundle_CFLAGS = $(TEST_CFLAGS)
tests_check_search_bundle_LDADD = $(TEST_LDADD)
tests_check_search_filter_SOURCES = tests/check-search-filter.c
tests_check_search_filter_CFLAGS = $(TEST_CFLAGS)
tests_check_search_filter_LDADD = $(TEST_LDADD)
tests_check_search_keyword_SOURCES = tests/check-search-keyword.c
tests_check_search_keyword_CFLAGS = $(TEST_CFLAGS)
tests_check_search_keyword_LDADD = $(TEST_LDADD)
tests_check_search_rank_SOURCES = tests/check-search-rank.c
tests_check_search_rank_CFLAGS = $(TEST_CFLAGS)
tests_check_search_rank_LDADD = $(TEST_LDADD)
tests_check_search_load_SOURCES = tests/check-search-load.c
tests_check_search_load_CFLAGS = $(TEST_CFLAGS)
tests_check_search_load_LDADD = $(TEST_LDADD)
tests_check_search_run_SOURCES = tests/check-search-run.c
tests_check_search_run_CFLAGS = $(TEST_CFLAGS)
tests_check_search_run_LDADD = $(TEST_LDADD)
TESTS += tests/check-search-rank tests/check-search-load tests/check-search-run tests/check-search-keyword tests/check-search-filter
TESTS += tests/check-search-bundle
endif

SEARCH_SHELL_TESTS = \
	tests/test-search-cli.sh \
	tests/test-search-s3.sh \
	tests/test-search-bundle.sh \
	tests/test-search-bundle-aws.sh \
	$(NULL)
TESTS += $(SEARCH_SHELL_TESTS)
EXTRA_DIST += \
	$(SEARCH_SHELL_TESTS) \
	bench/search.sh \
	bench/relevance/README \
	bench/relevance/check-queries.py \
	bench/relevance/queries.tsv \
	bench/relevance/score.py \
	bench/relevance/relevance.sh \
	$(NULL)
