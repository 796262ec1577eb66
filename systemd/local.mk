# systemd units: two oneshot services, the daily timer and the search
# server, installed into systemd's unit directory when configure found one
# (--with-systemdsystemunitdir).
# The services are templated so ExecStart names the installed programs.
fdnix_systemd_templates = \
	systemd/fdnix-metadata.service.in \
	systemd/fdnix-embed.service.in \
	systemd/fdnix-search.service.in \
	$(NULL)
fdnix_systemd_generated = $(fdnix_systemd_templates:.in=)

if HAVE_SYSTEMD
systemdsystemunit_DATA = $(fdnix_systemd_generated) systemd/fdnix.timer
endif

# Built for every configuration, so the tests can check them without systemd.pc.
noinst_DATA = $(fdnix_systemd_generated)

fdnix_subst = $(SED) \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g' \
	-e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'

systemd/%.service: systemd/%.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(fdnix_subst) $< > $@.tmp && mv $@.tmp $@

CLEANFILES += $(fdnix_systemd_generated)
EXTRA_DIST += $(fdnix_systemd_templates) systemd/fdnix.timer
