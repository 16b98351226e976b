# SVL — plain Makefile, out-of-tree build in build/.
#   make            build/svl, build/libsvl.a, build/libsvl.so
#   make test       every TAP test through prove
#   make check-asan the suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo       build and run an example rule file
CC ?= cc
B ?= build
PREFIX ?= /usr/local
SHARED := $(abspath $(CURDIR)/../shared)
CSTD := -std=c17
WARN := -Wall -Wextra -Werror
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) $(SAN) -fPIC -fvisibility=hidden -D_GNU_SOURCE \
  -I$(B)/gen -Iinclude -I. $(CFLAGS)
# Intel's decimal library (Debian's libintelrdfpmath-dev), found where the
# compiler looks for libraries rather than at a path fixed here.
BIDLIB := $(shell $(CC) -print-file-name=libbidgcc000.a)
LIBS := -lgc -lpthread
RE2C ?= re2c
OBJCOPY ?= objcopy
BISON ?= bison

LIB_SRC := $(wildcard core/*.c lang/*.c eval/*.c stdlib/*.c api/*.c tools/*.c)
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) $(B)/obj/gen/lexer.o $(B)/obj/gen/parser.o
CLI_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard cli/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/*.c))
# every library object, internals included, for unit tests and fuzzers
LIB_INTERNAL := $(B)/obj/libsvl_internal.a

# each fuzz harness again, without libFuzzer, to replay tests/fuzz/regress/
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(B)/tests/replay_%,$(wildcard tests/fuzz/fuzz_*.c))

# all builds what is installed; the test programs are built by make test.
all: $(B)/svl $(B)/libsvl.a $(B)/libsvl.so $(B)/share/svl/stdlib $(B)/obj/layers.ok

# The build directory mirrors an installed prefix, so the library finds the
# stdlib from where it runs (api/api_paths.c) with no checkout path
# compiled into it.
$(B)/share/svl/stdlib:
	@mkdir -p $(B)/share/svl
	ln -sfn $(abspath stdlib) $@

$(B)/gen/parser.c $(B)/gen/parser.h &: lang/parser.y
	@mkdir -p $(B)/gen
	$(BISON) -Wall -Werror -o $(B)/gen/parser.c --header=$(B)/gen/parser.h $<

$(B)/gen/lexer.c: lang/lexer.re
	@mkdir -p $(B)/gen
	$(RE2C) -W -Werror -o $@ $<

# the error catalogue, from docs/errors.md (svl help CODE)
$(B)/gen/errors.inc: docs/errors.md core/errors.awk
	@mkdir -p $(B)/gen
	awk -f core/errors.awk $< >$@.tmp && mv $@.tmp $@
$(B)/obj/core/errors.o: $(B)/gen/errors.inc

# Each object depends on the headers it includes (-MMD -MP writes them to
# its .d file); the generated parser.h must exist before the first build.
# A build directory from before the .d files has objects whose headers
# are not known: the stamp, made once, is newer than all of them, so they
# are rebuilt (a stale object with an old struct layout crashed explain).
$(B)/obj/.deps-mmd:
	@mkdir -p $(dir $@)
	@touch $@

$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h $(B)/obj/.deps-mmd
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Ilang -c $< -o $@

$(B)/obj/%.o: %.c $(B)/obj/.deps-mmd | $(B)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# The evaluator reads the tree and never writes into it (issue 19: what it
# learns per node lives in its sites, eval/eval.h): a cast that drops a
# const is an error in eval/.
$(patsubst %.c,$(B)/obj/%.o,$(wildcard eval/*.c)): CFLAGS_ALL += -Wcast-qual

# The layers depend one way (docs/internals.md, "Layers"): checked on the
# objects' symbols and the sources' includes every time one changes.
$(B)/obj/layers.ok: $(LIB_OBJ) mk/layers.sh
	sh mk/layers.sh $(B)/obj . $(LIB_OBJ)
	@touch $@

$(LIB_INTERNAL): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The static library a host links is one object, prelinked with libbid, in
# which every symbol but the public API (what the .so exports) is local:
# a host's own read_file or eval never clashes with ours (docs/embedding.md).
$(B)/libsvl.a: $(LIB_OBJ) $(B)/libsvl.so
	$(LD) -r -o $(B)/obj/svl-prelink.o $(LIB_OBJ) $(BIDLIB)
	nm -D --defined-only $(B)/libsvl.so | awk '{ print $$3 }' >$(B)/obj/svl.syms
	$(OBJCOPY) --keep-global-symbols=$(B)/obj/svl.syms $(B)/obj/svl-prelink.o $(B)/obj/svl.o
	@rm -f $@
	ar rcs $@ $(B)/obj/svl.o

# Only svl_* is exported (mk/svl.map hides libbid, linked in statically).
$(B)/libsvl.so: $(LIB_OBJ) mk/svl.map
	$(CC) $(SAN) -shared -Wl,-soname,libsvl.so.0 -Wl,--version-script=mk/svl.map -o $@ $(LIB_OBJ) $(BIDLIB) $(LIBS)
	ln -sf libsvl.so $(B)/libsvl.so.0

# Signed audit records (cli/sign.c) use libsodium's Ed25519, in the svl
# command only: the library has no crypto dependency.  make SODIUM=0
# builds an svl without signing (--sign, --key and keygen then exit 2).
SODIUM ?= 1
ifeq ($(SODIUM),1)
$(CLI_OBJ): CFLAGS_ALL += -DSVL_SODIUM=1
CLI_LIBS := -lsodium
endif

# svl lsp (cli/lsp.c) speaks JSON-RPC through jansson, in the svl command
# only: the library's answers are JSON text it writes itself.
#
# The svl command links its libraries statically where Debian ships the
# archive (libgc-dev, libedit-dev, libjansson-dev, libsodium-dev and what
# libedit needs): loading and relocating seven shared objects was about a
# third of a one-line run's start-up (docs/performance.md, "Start-up").
# libsvl.so and the other hosts keep linking them dynamically.  make
# STATIC_LIBS=0 links every one dynamically; a library whose archive the
# compiler cannot find is linked dynamically anyway.
STATIC_LIBS ?= 1
ifeq ($(STATIC_LIBS),1)
archive_or_lib = $(if $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a)),$(shell $(CC) -print-file-name=lib$(1).a),-l$(1))
SVL_LIBS := $(foreach l,gc edit tinfo bsd md jansson $(CLI_LIBS:-l%=%),$(call archive_or_lib,$(l))) -lpthread
# The collector's heap in 2 MiB pages (cli/gc_pages.c): only where libgc
# is linked in, whose calls of GC_unix_get_mem the linker can reroute.
ifneq ($(filter /%,$(call archive_or_lib,gc)),)
SVL_LIBS += -Wl,--wrap=GC_unix_get_mem
endif
else
SVL_LIBS := $(LIBS) -ledit -ljansson $(CLI_LIBS)
endif
$(B)/svl: $(CLI_OBJ) $(B)/libsvl.a
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(B)/libsvl.a $(BIDLIB) $(SVL_LIBS)

$(B)/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(LIB_INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< tests/fuzz/replay.c $(LIB_INTERNAL) $(BIDLIB) $(LIBS)

$(B)/tests/%: tests/unit/%.c $(LIB_INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LIB_INTERNAL) $(BIDLIB) $(LIBS)

-include $(UNIT_TESTS:=.d) $(FUZZ_REPLAY:=.d)

test: all $(UNIT_TESTS) $(FUZZ_REPLAY)
	SVL=$(abspath $(B)/svl) SHARED=$(SHARED) UNIT_DIR=$(abspath $(B)/tests) BUILD_DIR=$(abspath $(B)) \
	  HOST_CC='$(CC)' HOST_CFLAGS='$(SAN)' prove -f tests/*.t tests/cli/*.t

check-asan:
	$(MAKE) B=build/asan SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' OPT='-O1 -g' test

# Install the Debian packages when something is missing (needs root or sudo).
deps:
	@if command -v re2c >/dev/null && command -v bison >/dev/null && command -v prove >/dev/null \
	    && [ -f /usr/include/gc/gc.h ] && [ -f /usr/include/bid_functions.h ] \
	    && [ -f /usr/include/editline/readline.h ] && command -v groff >/dev/null \
	    && [ -f /usr/include/sodium.h ] && [ -f /usr/include/jansson.h ]; then :; \
	  elif [ "$$(id -u)" = 0 ]; then sh .ci/deps; else sudo sh .ci/deps; fi

demo: deps
	$(MAKE) all
	$(B)/svl run examples/home_care/evaluation.svl --input bids=examples/home_care/bids.csv

clean:
	rm -rf build

# The PostgreSQL extension (pg/, docs/postgresql.md), built with PGXS in
# $(B)/pg against $(B)/libsvl.a: make pg, then make pg-install (as root, into
# the server of PG_CONFIG; DESTDIR= stages it).  Not part of all: it needs
# postgresql-server-dev-15.
PG_CONFIG ?= pg_config
PG_MAKE = $(MAKE) -C $(B)/pg -f $(abspath pg/Makefile) VPATH=$(abspath pg) SVL_BUILD=$(abspath $(B)) \
  PG_CONFIG=$(PG_CONFIG) SVL_PG_CFLAGS='$(SAN)'
pg: $(B)/libsvl.a
	@mkdir -p $(B)/pg
	+$(PG_MAKE)

pg-install: pg
	+$(PG_MAKE) install

pg-uninstall:
	@mkdir -p $(B)/pg
	+$(PG_MAKE) uninstall

# Benchmarks against peers (tests/bench/run): rewrites docs/performance.md.
# Not part of test.  bench-deps installs the peers' Debian packages.
bench: all
	SVL=$(abspath $(B)/svl) SHARED=$(SHARED) BIDLIB=$(BIDLIB) CC=$(CC) python3 tests/bench/run
	python3 tests/bench/lsp_bench.py $(abspath $(B)/svl)
	SVL=$(abspath $(B)/svl) python3 tests/bench/report_bench.py
	SVL=$(abspath $(B)/svl) WORK=$(abspath $(B))/bench/ocds python3 tests/bench/ocds_bench.py
	$(MAKE) bench-stream
	$(MAKE) bench-pg

# Only the streaming of a 1 GiB JSON Lines file (tests/bench/stream.py):
# rewrites the "Streams" section of docs/performance.md.
bench-stream: all
	SVL=$(abspath $(B)/svl) WORK=$(abspath $(B))/bench python3 tests/bench/stream.py

# Only the 200-bidder report in print (Chromium, make report-deps): rewrites
# that section of docs/performance.md.
bench-report: all
	SVL=$(abspath $(B)/svl) python3 tests/bench/report_bench.py

# Only the OCDS package (tests/bench/ocds_bench.py, docs/ocds.md "Benchmark"):
# a ×40 real-shaped package merged and analysed, against Python json + decimal.
bench-ocds: all
	SVL=$(abspath $(B)/svl) WORK=$(abspath $(B))/bench/ocds python3 tests/bench/ocds_bench.py

# Only the svl lsp diagnostics latency (a 2,000-line file): rewrites that
# section of docs/performance.md.
bench-lsp: all
	python3 tests/bench/lsp_bench.py $(abspath $(B)/svl)

# Only the PostgreSQL extension (tests/bench/pg.sh, docs/postgresql.md):
# throw-away clusters, 1,000,000 bids; rewrites its section of
# docs/performance.md and the figures of docs/postgresql.md.
bench-pg: all
	SVL=$(abspath $(B)/svl) SHARED=$(SHARED) BUILD_DIR=$(abspath $(B)) bash tests/bench/pg.sh

# Only the svl check timings (1,000 / 10,000 / 100,000-row tables): rewrites
# that section of docs/performance.md.
bench-check: all
	SVL=$(abspath $(B)/svl) python3 tests/bench/run --only check

bench-deps:
	@if command -v lua5.4 >/dev/null && [ -x /usr/bin/time ] && command -v node >/dev/null \
	    && command -v npm >/dev/null; then :; \
	  else pkgs="lua5.4 time $$(command -v node >/dev/null || echo nodejs) $$(command -v npm >/dev/null || echo npm)"; \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$sudo sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $$pkgs"; fi

# The browser tests of svl report (tests/cli/report_browser.t, part of
# make test, skipped without Chromium) and its HTML validity check.
report-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && [ -f /usr/lib/python3/dist-packages/html5lib/__init__.py ]; then :; \
	  else sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$sudo sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium python3-html5lib poppler-utils"; fi

.PHONY: all test check-asan demo deps clean bench bench-report bench-check bench-lsp bench-ocds bench-deps report-deps pg pg-install pg-uninstall bench-pg bench-stream

# make fuzz, make fuzz-smoke, make coverage
include tests/fuzz/fuzz.mk tests/coverage.mk
# make install PREFIX=... DESTDIR=..., make uninstall (mk/install.mk)
include mk/install.mk
