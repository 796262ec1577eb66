# containers: Dockerfiles (metadata, embed, search), the AWS pipeline (ECS
# task definitions, Step Functions state machine, EventBridge schedule, IAM),
# the scripts that push images and apply the pipeline, and the
# minimal-Debian runtime check.
# Shipped in the tarball; nothing here is built or installed.
EXTRA_DIST += \
	containers/README.md \
	containers/metadata.Dockerfile \
	containers/metadata.Dockerfile.dockerignore \
	containers/embed.Dockerfile \
	containers/embed.Dockerfile.dockerignore \
	containers/search.Dockerfile \
	containers/search.Dockerfile.dockerignore \
	containers/ecs/fdnix-metadata.task.json \
	containers/ecs/fdnix-embed.task.json \
	containers/stepfunctions/fdnix-daily-pipeline.asl.json \
	containers/events/fdnix-daily-pipeline-trigger.rule.json \
	containers/events/fdnix-daily-pipeline-trigger.targets.json \
	containers/iam/ecs-tasks.trust.json \
	containers/iam/states.trust.json \
	containers/iam/events.trust.json \
	containers/iam/fdnix-task-execution.policy.json \
	containers/iam/fdnix-metadata-task.policy.json \
	containers/iam/fdnix-embed-task.policy.json \
	containers/iam/fdnix-states.policy.json \
	containers/iam/fdnix-events.policy.json \
	containers/aws-apply.sh \
	containers/push-ecr.sh \
	containers/test-minimal-root.sh \
	$(NULL)
