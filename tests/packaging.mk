# tests/packaging.mk: packaging tests (see tests/local.mk)
