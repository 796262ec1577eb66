# lib/ingest: sources, decompression, the JSON stream reader and normalizer,
# and the sync engine that diffs a reading against a store.  The parsing
# side: stream splitter, entry parser, normalizer and the package reader
# that joins them (sources feed it, sync consumes its records).
libfdnix_la_SOURCES += \
	lib/ingest/fdnix-channel.c lib/ingest/fdnix-channel.h \
	lib/ingest/fdnix-decoder.c lib/ingest/fdnix-decoder.h \
	lib/ingest/fdnix-metadata-run.c lib/ingest/fdnix-metadata-run.h \
	lib/ingest/fdnix-json-stream.c lib/ingest/fdnix-json-stream.h \
	lib/ingest/fdnix-nix-env.c lib/ingest/fdnix-nix-env.h \
	lib/ingest/fdnix-normalize.c lib/ingest/fdnix-normalize.h \
	lib/ingest/fdnix-package-reader.c lib/ingest/fdnix-package-reader.h \
	lib/ingest/fdnix-source.c lib/ingest/fdnix-source.h \
	lib/ingest/fdnix-sync.c lib/ingest/fdnix-sync.h \
	$(NULL)
