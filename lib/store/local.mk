# lib/store: the package table behind one interface; SQLite (embedded
# default) and DynamoDB back ends; the factory that picks one.
libfdnix_la_SOURCES += \
	lib/store/fdnix-sqlite.c lib/store/fdnix-sqlite.h \
	lib/store/fdnix-sqlite-store.c lib/store/fdnix-sqlite-store.h \
	lib/store/fdnix-store.c lib/store/fdnix-store.h \
	lib/store/fdnix-store-factory.c lib/store/fdnix-store-factory.h \
	$(NULL)

# DynamoDB back end (helper "aws"): chosen when dynamodb.table / DYNAMODB_TABLE is set.
libfdnix_la_SOURCES += \
	lib/store/fdnix-dynamodb-item.c lib/store/fdnix-dynamodb-item.h \
	lib/store/fdnix-dynamodb-store.c lib/store/fdnix-dynamodb-store.h \
	lib/store/fdnix-dynamodb-store-embed.c lib/store/fdnix-dynamodb-store-private.h \
	$(NULL)
