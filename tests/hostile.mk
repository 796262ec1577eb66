# tests/hostile.mk: issue 13, "trust nothing that comes from a server or a
# bucket": the programs against a hostile loopback server (deep error
# bodies, non-answers, huge or dripping bodies, Retry-After: 3600, echoed
# credentials, refused connections, plain-HTTP channels).
HOSTILE_SHELL_TESTS = \
	tests/test-embed-hostile.sh \
	tests/test-metadata-hostile-channel.sh \
	tests/test-search-hostile-s3.sh \
	$(NULL)
TESTS += $(HOSTILE_SHELL_TESTS)
EXTRA_DIST += \
	$(HOSTILE_SHELL_TESTS) \
	tests/servers/hostile-server.py \
	$(NULL)
