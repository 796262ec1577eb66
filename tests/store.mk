# tests/store.mk: store tests (see tests/local.mk)
