# lib/vectors: what fdnix-embed writes and fdnix-search reads: vector batch
# files, the index that lists them, the search bundle's container, the object
# back ends that hold them (directory, S3), and the consistent-snapshot publication.
libfdnix_la_SOURCES += \
	lib/vectors/fdnix-batch-sink.c lib/vectors/fdnix-batch-sink.h \
	lib/vectors/fdnix-bundle-file.c lib/vectors/fdnix-bundle-file.h \
	lib/vectors/fdnix-crash-point.c lib/vectors/fdnix-crash-point.h \
	lib/vectors/fdnix-objects.c lib/vectors/fdnix-objects.h \
	lib/vectors/fdnix-objects-dir.c lib/vectors/fdnix-objects-dir.h \
	lib/vectors/fdnix-objects-factory.c \
	lib/vectors/fdnix-objects-s3.c lib/vectors/fdnix-objects-s3.h \
	lib/vectors/fdnix-snapshot.c lib/vectors/fdnix-snapshot.h \
	lib/vectors/fdnix-vector-file.c lib/vectors/fdnix-vector-file.h \
	lib/vectors/fdnix-vector-index.c lib/vectors/fdnix-vector-index.h \
	$(NULL)
