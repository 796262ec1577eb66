# lib/search: loading vectors and ranking for fdnix-search
libfdnix_la_SOURCES += \
	lib/search/fdnix-keyword-index.c lib/search/fdnix-keyword-index.h \
	lib/search/fdnix-keyword-index-private.h \
	lib/search/fdnix-search-bundle.c lib/search/fdnix-search-bundle.h \
	lib/search/fdnix-search-terms.c lib/search/fdnix-search-terms.h \
	lib/search/fdnix-search-group.c lib/search/fdnix-search-group.h \
	lib/search/fdnix-search-filter.c lib/search/fdnix-search-filter.h \
	lib/search/fdnix-search-index.c lib/search/fdnix-search-index.h \
	lib/search/fdnix-search-index-private.h \
	lib/search/fdnix-search-load.c lib/search/fdnix-search-load.h \
	lib/search/fdnix-search-output.c lib/search/fdnix-search-output.h \
	lib/search/fdnix-search-run.c lib/search/fdnix-search-run.h \
	lib/search/fdnix-search-rank.c lib/search/fdnix-search-rank.h \
	lib/search/fdnix-searcher.c lib/search/fdnix-searcher.h \
	$(NULL)
