# tests/packaging.mk: packaging tests (see tests/local.mk).
# They check the files in containers/, systemd/ and etc/ against the programs
# that are built: JSON, the state machine, environment variables, IAM actions,
# the systemd units and the default configuration; the deployment's names,
# and its first step (table and bucket) against dynalite and s3rver.
fdnix_packaging_tests = \
	tests/test-packaging-json.sh \
	tests/test-packaging-asl.sh \
	tests/test-packaging-env.sh \
	tests/test-packaging-iam.sh \
	tests/test-packaging-systemd.sh \
	tests/test-packaging-conf.sh \
	tests/test-packaging-names.sh \
	tests/test-packaging-storage.sh \
	$(NULL)

TESTS += $(fdnix_packaging_tests)
EXTRA_DIST += $(fdnix_packaging_tests)
