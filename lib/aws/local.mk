# lib/aws: SigV4, credentials chain, region/endpoints, signed requests with
# retries and AWS error parsing, the DynamoDB client.  Knows nothing of
# packages; builds on lib/net.
libfdnix_la_SOURCES += \
	lib/aws/fdnix-aws-actions.h \
	lib/aws/fdnix-aws-client.c lib/aws/fdnix-aws-client.h \
	lib/aws/fdnix-aws-config.c lib/aws/fdnix-aws-config.h \
	lib/aws/fdnix-aws-credentials.c lib/aws/fdnix-aws-credentials.h \
	lib/aws/fdnix-aws-error.c lib/aws/fdnix-aws-error.h \
	lib/aws/fdnix-aws-profile.c lib/aws/fdnix-aws-profile.h \
	lib/aws/fdnix-dynamodb.c lib/aws/fdnix-dynamodb.h \
	lib/aws/fdnix-dynamodb-io.c \
	lib/aws/fdnix-sigv4.c lib/aws/fdnix-sigv4.h \
	$(NULL)
