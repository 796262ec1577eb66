# etc: the commented default configuration, installed as
# $(sysconfdir)/fdnix/fdnix.conf.  An existing file is an administrator's
# and is kept; uninstall removes the file only while it is still the default.
fdnixconfdir = $(sysconfdir)/fdnix

install-data-local: install-fdnix-conf
uninstall-local: uninstall-fdnix-conf

install-fdnix-conf:
	$(MKDIR_P) '$(DESTDIR)$(fdnixconfdir)'
	@if test -f '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'; then \
	  echo "keeping the existing $(DESTDIR)$(fdnixconfdir)/fdnix.conf"; \
	else \
	  echo " $(INSTALL_DATA) $(srcdir)/etc/fdnix.conf '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'"; \
	  $(INSTALL_DATA) $(srcdir)/etc/fdnix.conf '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'; \
	fi

uninstall-fdnix-conf:
	@if cmp -s $(srcdir)/etc/fdnix.conf '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'; then \
	  echo " rm -f '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'"; \
	  rm -f '$(DESTDIR)$(fdnixconfdir)/fdnix.conf'; \
	fi

.PHONY: install-fdnix-conf uninstall-fdnix-conf
EXTRA_DIST += etc/fdnix.conf etc/fdnix.env.example
