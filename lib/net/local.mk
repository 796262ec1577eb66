# lib/net: HTTP on libcurl's multi interface, CURLcode → GError, retry
# policy with back-off.  Knows nothing of AWS.
libfdnix_la_SOURCES += \
	lib/net/fdnix-curl.c lib/net/fdnix-curl.h \
	lib/net/fdnix-http.c lib/net/fdnix-http.h \
	lib/net/fdnix-http-request.c \
	lib/net/fdnix-retry.c lib/net/fdnix-retry.h \
	$(NULL)
