# lib/embed: embedders (offline, Bedrock, OpenAI-compatible), the pool that
# keeps requests in flight, object back ends (directory, S3), vector batch
# files, the index, and the embed/index steps of fdnix-embed.
libfdnix_la_SOURCES += \
	lib/embed/fdnix-batch-sink.c lib/embed/fdnix-batch-sink.h \
	lib/embed/fdnix-client-stack.c lib/embed/fdnix-client-stack.h \
	lib/embed/fdnix-crash-point.c lib/embed/fdnix-crash-point.h \
	lib/embed/fdnix-embed-pass.c lib/embed/fdnix-embed-pass.h \
	lib/embed/fdnix-embed-pool.c lib/embed/fdnix-embed-pool.h \
	lib/embed/fdnix-embed-run.c lib/embed/fdnix-embed-run.h \
	lib/embed/fdnix-embedder.c lib/embed/fdnix-embedder.h \
	lib/embed/fdnix-embedder-bedrock.c lib/embed/fdnix-embedder-bedrock.h \
	lib/embed/fdnix-embedder-factory.c \
	lib/embed/fdnix-embedder-offline.c lib/embed/fdnix-embedder-offline.h \
	lib/embed/fdnix-embedder-openai.c lib/embed/fdnix-embedder-openai.h \
	lib/embed/fdnix-gzip.c lib/embed/fdnix-gzip.h \
	lib/embed/fdnix-json-cursor.c lib/embed/fdnix-json-cursor.h \
	lib/embed/fdnix-objects.c lib/embed/fdnix-objects.h \
	lib/embed/fdnix-objects-dir.c lib/embed/fdnix-objects-dir.h \
	lib/embed/fdnix-objects-factory.c \
	lib/embed/fdnix-objects-s3.c lib/embed/fdnix-objects-s3.h \
	lib/embed/fdnix-snapshot.c lib/embed/fdnix-snapshot.h \
	lib/embed/fdnix-vector-file.c lib/embed/fdnix-vector-file.h \
	lib/embed/fdnix-vector-index.c lib/embed/fdnix-vector-index.h \
	$(NULL)
