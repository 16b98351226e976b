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
BIDLIB := /usr/lib/x86_64-linux-gnu/libbidgcc000.a
LIBS := -lgc -lpthread
RE2C ?= re2c
BISON ?= bison

LIB_SRC := $(wildcard lang/*.c runtime/*.c stdlib/*.c)
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) $(B)/obj/gen/lexer.o $(B)/obj/gen/parser.o
CLI_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard cli/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/*.c))

all: $(B)/svl $(B)/libsvl.a $(B)/libsvl.so $(UNIT_TESTS)

$(B)/gen/parser.c $(B)/gen/parser.h &: lang/parser.y
	@mkdir -p $(B)/gen
	$(BISON) -Wall -Werror -o $(B)/gen/parser.c --header=$(B)/gen/parser.h $<

$(B)/gen/lexer.c: lang/lexer.re
	@mkdir -p $(B)/gen
	$(RE2C) -W -Werror -o $@ $<

$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ilang -c $< -o $@

$(B)/obj/%.o: %.c $(B)/gen/parser.h $(wildcard */*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DSVL_STDLIB_DIR='"$(abspath stdlib)"' -c $< -o $@

$(B)/libsvl.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libsvl.so: $(LIB_OBJ)
	$(CC) $(SAN) -shared -Wl,-soname,libsvl.so.0 -o $@ $^ $(BIDLIB) $(LIBS)

$(B)/svl: $(CLI_OBJ) $(B)/libsvl.a
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(B)/libsvl.a $(BIDLIB) $(LIBS) -ledit

$(B)/tests/%: tests/unit/%.c $(B)/libsvl.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iruntime -o $@ $< $(B)/libsvl.a $(BIDLIB) $(LIBS)

test: all
	SVL=$(abspath $(B)/svl) SHARED=$(SHARED) UNIT_DIR=$(abspath $(B)/tests) prove -f tests/*.t tests/cli/*.t

check-asan:
	$(MAKE) B=build/asan SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' OPT='-O1 -g' test

# Install the Debian packages when something is missing (needs root or sudo).
deps:
	@if command -v re2c >/dev/null && command -v bison >/dev/null && command -v prove >/dev/null \
	    && [ -f /usr/include/gc/gc.h ] && [ -f /usr/include/bid_functions.h ] \
	    && [ -f /usr/include/editline/readline.h ]; then :; \
	  elif [ "$$(id -u)" = 0 ]; then sh .ci/deps; else sudo sh .ci/deps; fi

demo: deps
	$(MAKE) all
	$(B)/svl run examples/home_care/evaluation.svl --input bids=examples/home_care/bids.csv

clean:
	rm -rf build

.PHONY: all test check-asan demo deps clean
