# tests/metadata.mk: metadata tests (see tests/local.mk)
