# tests/metadata.mk: fdnix-metadata end to end (real nix-env, CLI, man pages).
if HAVE_CHECK
check_PROGRAMS += tests/check-metadata-run
tests_check_metadata_run_SOURCES = tests/check-metadata-run.c
tests_check_metadata_run_CFLAGS = $(TEST_CFLAGS)
tests_check_metadata_run_LDADD = $(TEST_LDADD)
TESTS += tests/check-metadata-run
endif

TESTS += \
	tests/test-metadata-channel.sh \
	tests/test-metadata-cli.sh \
	tests/test-metadata-nix.sh \
	tests/test-man-settings.sh \
	tests/test-man-lint.sh \
	tests/test-layout.sh \
	tests/test-store-safety.sh \
	$(NULL)
EXTRA_DIST += \
	tests/servers/https-file-server.py \
	tests/test-metadata-channel.sh \
	tests/test-metadata-cli.sh \
	tests/test-metadata-nix.sh \
	tests/test-man-settings.sh \
	tests/test-man-lint.sh \
	tests/test-layout.sh \
	tests/test-store-safety.sh \
	$(NULL)

# Corpus-scale checks: run by .ci/run (tests/corpus/run-all.sh) with
# FDNIX_CORPUS pointing at a real nixpkgs evaluation; not part of make check.
EXTRA_DIST += \
	tests/corpus/run-all.sh \
	tests/corpus/make-variant.py \
	tests/corpus/metadata-corpus.sh \
	$(NULL)
