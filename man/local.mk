# man: pages are shipped prebuilt (plain roff), so building needs no doc tools.
dist_man_MANS += man/fdnix-metadata.1 man/fdnix.conf.5
dist_man_MANS += man/fdnix-embed.1
dist_man_MANS += man/fdnix-search.1
