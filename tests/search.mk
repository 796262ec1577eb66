# tests/search.mk: search tests (see tests/local.mk)
