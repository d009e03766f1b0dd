# firth - word vectors from raw text with small Unix filters.
#
#   make            build bin/firth and bin/firth-*
#   make check      build and run every test (bats, C unit tests, man lint)
#   make check-hard the long hardening suites: kill -9, damaged streams,
#                   1 GB lines, full disks (tests/hard; minutes)
#   make demo       the whole pipeline on the bundled sample corpus
#   make bench      throughput and peak memory on ../shared/data (long)
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (clang)
#   make check-sanitize  the whole suite built with ASan and UBSan
#   make install    PREFIX=/usr/local DESTDIR=
#
# Every src/NAME.c is one tool, bin/firth-NAME (src/firth.c is bin/firth);
# lib/*.c is libfirth.a.  Adding a tool needs no edit here.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
PKG_CONFIG ?= pkg-config
# -march=native by default, for speed on the machine that runs the tools;
# make PORTABLE=1 builds for any machine of the architecture.
ifeq ($(PORTABLE),1)
ARCH ?=
else
ARCH ?= -march=native
endif
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

# Flags for the libraries come from $(PKG_CONFIG) through build-aux/deps.sh.
# Plain make only builds: a missing package stops it with the apt-get line
# to run.  The README's two set-up commands (make demo, make check, and the
# other check targets) may install what is missing, as root, saying what.
.DEFAULT_GOAL := all
NODEPS := $(filter clean distclean,$(MAKECMDGOALS))
ifneq ($(filter demo check check-hard check-sanitize check-deps,$(MAKECMDGOALS)),)
export FIRTH_INSTALL_DEPS := 1
endif
export PKG_CONFIG
ifeq ($(NODEPS),)
include build/config.mk
endif

build/config.mk: build-aux/deps.sh
	@mkdir -p build
	sh build-aux/deps.sh > $@.tmp && mv $@.tmp $@

.PHONY: all check check-hard check-deps demo bench install uninstall clean \
	fuzz check-sanitize
all: $(TOOLS) $(TEST_BIN) build/tests/test_fuzz

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

# ---- Fuzzing (tests/fuzz/fuzz.h says how the targets are built) ----
#
# The library's objects are copied with their calls to malloc, free,
# getline, inflateInit2_... renamed to fuzz_malloc... (objcopy), so the
# harness can release what a rejected input left behind.  make check
# replays the seed and regression inputs through build/tests/test_fuzz,
# built by $(CC); make fuzz builds build/fuzz/fuzz-NAME with clang and
# libFuzzer and runs each for FUZZ_SECONDS.
FUZZ_NAMES := $(shell sed -n 's/^TARGET(\(.*\))$$/\1/p' tests/fuzz/targets.def)
FUZZ_TGT := $(filter-out tests/fuzz/harness.c tests/fuzz/libfuzzer.c \
	tests/fuzz/replay.c,$(sort $(wildcard tests/fuzz/*.c)))
FUZZ_SYMS := malloc calloc realloc reallocarray free strdup getline getdelim \
	__getdelim \
	inflateInit2_ inflateEnd deflateInit2_ deflateEnd gzopen gzdopen gzclose
FUZZ_REDEF := $(foreach s,$(FUZZ_SYMS),--redefine-sym $(s)=fuzz_$(s))
OBJCOPY ?= objcopy
FUZZ_CC ?= clang
FUZZ_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS ?= -O1 -g -fno-omit-frame-pointer $(ARCH)
FUZZ_ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-sign-compare \
	-MMD -MP -Ilib $(DEP_CFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN)
FUZZ_SECONDS ?= 60

build/ren/%.o: build/%.o Makefile
	@mkdir -p $(dir $@)
	$(OBJCOPY) $(FUZZ_REDEF) $< $@

build/tests/test_fuzz: $(FUZZ_TGT:%.c=build/ren/%.o) \
    $(LIB_OBJ:build/%=build/ren/%) build/tests/fuzz/harness.o \
    build/tests/fuzz/replay.o
	@mkdir -p build/tests
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/ren/%.o: build/fuzz/obj/%.o Makefile
	@mkdir -p $(dir $@)
	$(OBJCOPY) $(FUZZ_REDEF) $< $@

build/fuzz/obj/main-%.o: tests/fuzz/libfuzzer.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -DFUZZ_FN=fuzz_$* -c -o $@ $<

build/fuzz/fuzz-%: build/fuzz/obj/main-%.o $(FUZZ_TGT:%.c=build/fuzz/ren/%.o) \
    $(LIB_SRC:%.c=build/fuzz/ren/%.o) build/fuzz/obj/tests/fuzz/harness.o
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(DEP_LIBS)

fuzz: $(FUZZ_NAMES:%=build/fuzz/fuzz-%)
	@bash tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

# The whole suite against binaries built with ASan and UBSan in build/san.
check-sanitize: check-deps
	@bash tests/sanitize

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
