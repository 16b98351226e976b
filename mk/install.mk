# make install [PREFIX=/usr/local] [DESTDIR=]   and   make uninstall
# Included by the Makefile.  Installs the svl command, both libraries, the
# header, the pkg-config files (svl.pc, svl-static.pc), the stdlib modules
# and the man page.  The installed svl (and any host) finds the stdlib in
# PREFIX/share/svl/stdlib relative to its own file (runtime/api_paths.c),
# so nothing here is compiled for a particular PREFIX, and a DESTDIR stage
# works as it is.
VERSION := $(shell sed -n 's/^\#define SVL_VERSION "\(.*\)"$$/\1/p' include/svl.h)
SOMAJOR := 0
INSTALL ?= install
bindir := $(PREFIX)/bin
libdir := $(PREFIX)/lib
includedir := $(PREFIX)/include
stdlibdir := $(PREFIX)/share/svl/stdlib
man1dir := $(PREFIX)/share/man/man1

install: all
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig $(DESTDIR)$(includedir) \
	  $(DESTDIR)$(stdlibdir) $(DESTDIR)$(man1dir)
	$(INSTALL) -m 755 $(B)/svl $(DESTDIR)$(bindir)/svl
	$(INSTALL) -m 644 $(B)/libsvl.a $(DESTDIR)$(libdir)/libsvl.a
	$(INSTALL) -m 755 $(B)/libsvl.so $(DESTDIR)$(libdir)/libsvl.so.$(VERSION)
	ln -sf libsvl.so.$(VERSION) $(DESTDIR)$(libdir)/libsvl.so.$(SOMAJOR)
	ln -sf libsvl.so.$(SOMAJOR) $(DESTDIR)$(libdir)/libsvl.so
	$(INSTALL) -m 644 include/svl.h $(DESTDIR)$(includedir)/svl.h
	$(INSTALL) -m 644 stdlib/*.svl $(DESTDIR)$(stdlibdir)/
	$(INSTALL) -m 644 docs/svl.1 $(DESTDIR)$(man1dir)/svl.1
	for pc in svl svl-static; do \
	  sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' mk/$$pc.pc.in \
	    >$(DESTDIR)$(libdir)/pkgconfig/$$pc.pc || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(bindir)/svl $(DESTDIR)$(libdir)/libsvl.a $(DESTDIR)$(libdir)/libsvl.so \
	  $(DESTDIR)$(libdir)/libsvl.so.$(SOMAJOR) $(DESTDIR)$(libdir)/libsvl.so.$(VERSION) \
	  $(DESTDIR)$(includedir)/svl.h $(DESTDIR)$(libdir)/pkgconfig/svl.pc \
	  $(DESTDIR)$(libdir)/pkgconfig/svl-static.pc $(DESTDIR)$(man1dir)/svl.1
	rm -rf $(DESTDIR)$(PREFIX)/share/svl

.PHONY: install uninstall
