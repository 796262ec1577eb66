# lib/embed: embedders (offline, Bedrock, OpenAI-compatible), the pool that
# keeps requests in flight, and the embed/index steps of fdnix-embed.  What
# it writes (vector files, the index, objects) lives in lib/vectors.
libfdnix_la_SOURCES += \
	lib/embed/fdnix-client-stack.c lib/embed/fdnix-client-stack.h \
	lib/embed/fdnix-embed-pass.c lib/embed/fdnix-embed-pass.h \
	lib/embed/fdnix-embed-pool.c lib/embed/fdnix-embed-pool.h \
	lib/embed/fdnix-embed-run.c lib/embed/fdnix-embed-run.h \
	lib/embed/fdnix-embedder.c lib/embed/fdnix-embedder.h \
	lib/embed/fdnix-embedder-bedrock.c lib/embed/fdnix-embedder-bedrock.h \
	lib/embed/fdnix-embedder-factory.c lib/embed/fdnix-embedder-factory.h \
	lib/embed/fdnix-embedder-offline.c lib/embed/fdnix-embedder-offline.h \
	lib/embed/fdnix-embedder-openai.c lib/embed/fdnix-embedder-openai.h \
	lib/embed/fdnix-embedder-response.c lib/embed/fdnix-embedder-response.h \
	$(NULL)
