# lib/ingest: turning nix package JSON into records.  The parsing side:
# stream splitter, entry parser, normalizer and the package reader that
# joins them (sources and sync build on the reader).
libfdnix_la_SOURCES += \
	lib/ingest/fdnix-json-scan.h \
	lib/ingest/fdnix-json-stream.c lib/ingest/fdnix-json-stream.h \
	lib/ingest/fdnix-json-value.c lib/ingest/fdnix-json-value.h \
	lib/ingest/fdnix-normalize.c lib/ingest/fdnix-normalize.h \
	lib/ingest/fdnix-package-reader.c lib/ingest/fdnix-package-reader.h \
	$(NULL)
