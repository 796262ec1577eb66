# tests/embed.mk: embed tests (see tests/local.mk)
