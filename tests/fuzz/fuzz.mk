# Fuzzing with libFuzzer (clang), included by the Makefile.
#   make fuzz FUZZ_SECONDS=N   build the harnesses and run each for N seconds
#   make fuzz-smoke            15 seconds each (CI)
# Everything is built in $(FUZZ_B): the library with ASan, UBSan and
# libFuzzer's coverage instrumentation, then one binary per
# tests/fuzz/fuzz_*.c and its _arena twin (tests/fuzz/gc_arena.c).  Corpora
# grow in $(FUZZ_B)/corpus (never committed).
FUZZ_B ?= $(B)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(FUZZ_B)/,$(FUZZ_NAMES))

# The library is rebuilt by its own make (its flags differ from $(B)'s;
# FUZZ_B is moved aside there, or a FUZZ_B given on the command line would
# make this rule match its own target and recurse);
# the harnesses reach inside it (parse_source...), so they link the archive
# of all its objects, as the unit tests do.
$(FUZZ_B)/lib/obj/libsvl_internal.a: FORCE
	$(MAKE) B=$(FUZZ_B)/lib FUZZ_B=$(FUZZ_B)/lib/none CC=$(FUZZ_CC) OPT='-O1 -g' \
	  SAN='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' $(FUZZ_B)/lib/obj/libsvl_internal.a

$(FUZZ_BINS): $(FUZZ_B)/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(FUZZ_B)/lib/obj/libsvl_internal.a
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -D_GNU_SOURCE -I. -Iinclude \
	  -o $@ $< $(FUZZ_B)/lib/obj/libsvl_internal.a $(BIDLIB) $(LIBS)

# The same harnesses over tests/fuzz/gc_arena.c instead of the collector:
# every allocation is a malloc under ASan's eye (see that file).
FUZZ_ARENA_BINS := $(addsuffix _arena,$(FUZZ_BINS))
$(FUZZ_ARENA_BINS): $(FUZZ_B)/%_arena: tests/fuzz/%.c tests/fuzz/fuzz_common.h tests/fuzz/gc_arena.c $(FUZZ_B)/lib/obj/libsvl_internal.a
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -D_GNU_SOURCE -I. -Iinclude \
	  -o $@ $< tests/fuzz/gc_arena.c $(FUZZ_B)/lib/obj/libsvl_internal.a $(BIDLIB) $(LIBS)

fuzz-build: $(FUZZ_BINS) $(FUZZ_ARENA_BINS)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_NAMES) $(addsuffix _arena,$(FUZZ_NAMES))

fuzz-smoke: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_B) 15 $(FUZZ_NAMES) $(addsuffix _arena,$(FUZZ_NAMES))

FORCE:
.PHONY: fuzz fuzz-build fuzz-smoke FORCE
