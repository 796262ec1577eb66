# tests/ingest.mk: ingest tests (see tests/local.mk)
