# tests/deploy.mk: the AWS deployment end to end (see tests/local.mk).
# containers/aws-apply.sh renders the state machine, task definitions and
# IAM policies; tests/deploy/run-pipeline.mjs runs the state machine in an
# ASL interpreter, each ECS task as its task definition says (uid 10001,
# container credentials only), every AWS request checked against the rendered
# IAM policies.  Needs root, node with tests/servers' npm modules,
# python3-botocore and awscli; it uses tests/embed-tool (tests/embed.mk).
fdnix_deploy_tests = \
	tests/test-deploy-stepfunctions.sh \
	$(NULL)

TESTS += $(fdnix_deploy_tests)
EXTRA_DIST += \
	$(fdnix_deploy_tests) \
	tests/deploy/run-pipeline.mjs \
	tests/deploy/iam_policy.py \
	tests/deploy/iam-proxy.py \
	tests/deploy/container-credentials.py \
	tests/deploy/s3rver-roles.js \
	tests/deploy/make-packages.py \
	$(NULL)
