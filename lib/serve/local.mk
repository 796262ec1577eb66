# lib/serve: fdnix-search --serve, the HTTP search API and its page.
# The page, its script and style (data/web/) are compiled in as GResources.
libfdnix_la_SOURCES += \
	lib/serve/fdnix-serve.c lib/serve/fdnix-serve.h \
	lib/serve/fdnix-serve-cache.c lib/serve/fdnix-serve-cache.h \
	lib/serve/fdnix-serve-html.c lib/serve/fdnix-serve-html.h \
	lib/serve/fdnix-serve-limits.c lib/serve/fdnix-serve-limits.h \
	lib/serve/fdnix-serve-metrics.c lib/serve/fdnix-serve-metrics.h \
	lib/serve/fdnix-serve-params.c lib/serve/fdnix-serve-params.h \
	lib/serve/fdnix-serve-result.c lib/serve/fdnix-serve-result.h \
	lib/serve/fdnix-serve-snapshot.c lib/serve/fdnix-serve-snapshot.h \
	$(NULL)
nodist_libfdnix_la_SOURCES = lib/serve/fdnix-web-resources.c

web_resource_xml = $(top_srcdir)/data/web/fdnix-web.gresource.xml
web_resource_files = \
	data/web/index.html \
	data/web/app.js \
	data/web/style.css \
	$(NULL)

lib/serve/fdnix-web-resources.c: $(web_resource_xml) \
		$(top_srcdir)/data/web/index.html $(top_srcdir)/data/web/app.js $(top_srcdir)/data/web/style.css
	$(AM_V_GEN)$(MKDIR_P) lib/serve && \
	$(GLIB_COMPILE_RESOURCES) --target=$@ --sourcedir=$(top_srcdir)/data/web \
		--generate-source --c-name fdnix_web --manual-register $(web_resource_xml)

BUILT_SOURCES += lib/serve/fdnix-web-resources.c
CLEANFILES += lib/serve/fdnix-web-resources.c
EXTRA_DIST += data/web/fdnix-web.gresource.xml $(web_resource_files)
