# firth - word vectors from raw text with small Unix filters.
#
#   make            build bin/firth and bin/firth-*
#   make check      build and run every test (bats, C unit tests, man lint)
#   make check-hard the long hardening suites: kill -9, damaged streams,
#                   1 GB lines, full disks (tests/hard; minutes)
#   make demo       the whole pipeline on the bundled sample corpus
#   make bench      throughput and peak memory on ../shared/data (long)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Every src/NAME.c is one tool, bin/firth-NAME (src/firth.c is bin/firth);
# lib/*.c is libfirth.a.  Adding a tool needs no edit here.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
ARCH ?= -march=native
OPT ?= -O3 -g
CFLAGS ?= $(OPT) $(ARCH)
SANITIZE ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-sign-compare \
	-MMD -MP -Ilib $(DEP_CFLAGS) $(CFLAGS) $(SANITIZE)
ALL_LDFLAGS = $(LDFLAGS) $(SANITIZE)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=build/%.o)
TOOL_SRC := $(filter-out src/firth.c,$(sort $(wildcard src/*.c)))
TOOLS := $(TOOL_SRC:src/%.c=bin/firth-%) bin/firth
TEST_SRC := $(sort $(wildcard tests/c/*.c))
TEST_BIN := $(TEST_SRC:tests/c/%.c=build/tests/%)
MAN := $(sort $(wildcard man/man*/*.[157]))

# Flags for the libraries come from pkg-config through build-aux/deps.sh,
# which also installs missing Debian packages (see README).
.DEFAULT_GOAL := all
NODEPS := $(filter clean distclean,$(MAKECMDGOALS))
ifeq ($(NODEPS),)
include build/config.mk
endif

build/config.mk: build-aux/deps.sh
	@mkdir -p build
	sh build-aux/deps.sh > $@.tmp && mv $@.tmp $@

.PHONY: all check check-hard check-deps demo bench install uninstall clean
all: $(TOOLS) $(TEST_BIN)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libfirth.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/firth-%: build/src/%.o build/libfirth.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libfirth.a $(DEP_LIBS)

bin/firth: build/src/firth.o build/libfirth.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libfirth.a $(DEP_LIBS)

build/tests/%: build/tests/c/%.o build/libfirth.a
	@mkdir -p build/tests
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libfirth.a $(DEP_LIBS)

check-deps:
	@sh build-aux/deps.sh --check > /dev/null

# The fresh binaries come first on PATH (tests/run does that).
check: all check-deps
	@bash tests/run

check-hard: all check-deps
	@bash tests/hard/run

demo: all
	@bash pipelines/demo.sh

bench: all
	@bash tests/bench/run

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	for m in $(MAN); do \
		s=$${m#man/man}; s=$${s%%/*}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; \
	done

uninstall:
	for t in $(notdir $(TOOLS)); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MAN); do \
		s=$${m#man/man}; s=$${s%%/*}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m); \
	done

clean:
	rm -rf build bin tests/tmp

.SECONDARY:
-include $(shell find build -name '*.d' 2>/dev/null)
