# make install [PREFIX=/usr/local] [DESTDIR=]   and   make uninstall
# Included by the Makefile.  Installs the svl command, both libraries, the
# header, the pkg-config files (svl.pc, svl-static.pc), the stdlib modules,
# the man page, the Python module and the SQLite extension.  The installed svl (and any host) finds the stdlib in
# PREFIX/share/svl/stdlib relative to its own file (api/api_paths.c),
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
# the Python module (examples/embed/python/svl.py), found by python3 with
# PYTHONPATH=PREFIX/lib/python3/dist-packages (on /usr, Debian's python3
# searches it already); it finds libsvl.so.0 in PREFIX/lib beside it
pythondir ?= $(PREFIX)/lib/python3/dist-packages
# the SQLite extension (examples/embed/sqlite/): .load PREFIX/lib/svl/svl_sqlite
sqlitedir := $(PREFIX)/lib/svl

# built at install only: it needs sqlite3ext.h (libsqlite3-dev), which
# building SVL itself does not
$(B)/svl_sqlite.so: examples/embed/sqlite/svl_sqlite.c $(B)/libsvl.so include/svl.h
	$(CC) $(CSTD) $(WARN) $(OPT) $(SAN) -shared -fPIC -Iinclude -o $@ $< -L$(B) -lsvl -Wl,-rpath,$(libdir)

install: all $(B)/svl_sqlite.so
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig $(DESTDIR)$(includedir) \
	  $(DESTDIR)$(stdlibdir) $(DESTDIR)$(man1dir) $(DESTDIR)$(pythondir) $(DESTDIR)$(sqlitedir)
	$(INSTALL) -m 644 examples/embed/python/svl.py $(DESTDIR)$(pythondir)/svl.py
	$(INSTALL) -m 755 $(B)/svl_sqlite.so $(DESTDIR)$(sqlitedir)/svl_sqlite.so
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
	  $(DESTDIR)$(libdir)/pkgconfig/svl-static.pc $(DESTDIR)$(man1dir)/svl.1 \
	  $(DESTDIR)$(pythondir)/svl.py $(DESTDIR)$(sqlitedir)/svl_sqlite.so
	-rmdir $(DESTDIR)$(sqlitedir) 2>/dev/null
	rm -rf $(DESTDIR)$(PREFIX)/share/svl

.PHONY: install uninstall
