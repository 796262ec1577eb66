# lib/ingest: sources, decompression, the JSON stream reader and normalizer,
# and the sync engine that diffs a reading against a store.
libfdnix_la_SOURCES += \
	lib/ingest/fdnix-decoder.c lib/ingest/fdnix-decoder.h \
	lib/ingest/fdnix-nix-env.c lib/ingest/fdnix-nix-env.h \
	lib/ingest/fdnix-source.c lib/ingest/fdnix-source.h \
	lib/ingest/fdnix-sync.c lib/ingest/fdnix-sync.h \
	$(NULL)
