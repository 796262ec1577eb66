# src: one file per program; options and wiring only, logic lives in lib/.
bin_PROGRAMS += fdnix-metadata

fdnix_metadata_SOURCES = src/fdnix-metadata.c
fdnix_metadata_CFLAGS = $(AM_CFLAGS)
fdnix_metadata_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

# fdnix-embed (lib/embed)
bin_PROGRAMS += fdnix-embed

fdnix_embed_SOURCES = src/fdnix-embed.c
fdnix_embed_CFLAGS = $(AM_CFLAGS)
fdnix_embed_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)

# fdnix-search (lib/search)
bin_PROGRAMS += fdnix-search

fdnix_search_SOURCES = src/fdnix-search.c
fdnix_search_CFLAGS = $(AM_CFLAGS)
fdnix_search_LDADD = libfdnix.la $(FDNIX_DEPS_LIBS)
