# perch — see README.md. Plain GNU make; every library through pkg-config.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/perch
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
FUZZ_CC ?= clang
PKGS := libstrophe libevent libevent_openssl libssl jansson inih expat libcrypto
# loaded at their first use (src/base/lazylib.h): headers only at build time
LAZY_PKGS := libcurl libarchive libgsasl
# and the loader asks for the soname of the library built against (else
# the one in src/base/lazy_*.c).
soname_of = $(shell objdump -p $(shell pkg-config --variable=libdir $(1))/$(1).so \
                2>/dev/null | awk '/SONAME/ {print $$2}')
lazy_soname = $(if $(call soname_of,$(1)),-D$(2)='"$(call soname_of,$(1))"')
LAZY_CFLAGS = $(call lazy_soname,libcurl,PERCH_SONAME_CURL) \
              $(call lazy_soname,libarchive,PERCH_SONAME_ARCHIVE) \
              $(call lazy_soname,libgsasl,PERCH_SONAME_GSASL)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(LAZY_PKGS)) $(LAZY_CFLAGS) \
             -DPERCH_STROPHE_VERSION='"$(shell pkg-config --modversion libstrophe)"'
# wslay: Debian's libwslay-dev ships no .pc file; pkg-config where there is
# one, else the library by name.
WSLAY_LIBS = $(shell pkg-config --libs libwslay 2>/dev/null || echo -lwslay)
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) $(WSLAY_LIBS) -lm -ldl

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
               -DPERCH_VERSION='"$(VERSION)"' $(WARN) -Isrc \
               -DPERCH_DATADIR='"$(DATADIR)"' \
               -DPERCH_BASHCOMPDIR='"$(BASHCOMPDIR)"' \
               -DPERCH_ZSHCOMPDIR='"$(ZSHCOMPDIR)"'
CFLAGS ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer

# src/ the core (no ncurses, nothing of ui/), ui/ the console, main/ the
# command table above both. UI_PURE: the UI's curses-free logic, linked into
# the unit tests (and the fuzz targets) as well.
CORE_SRC := $(wildcard src/*/*.c)
MAIN_SRC := $(wildcard main/*.c)
UI_SRC := $(wildcard ui/*.c)
UI_PURE := ui/theme.c ui/list.c ui/duration.c ui/agent_order.c ui/dialog_view.c \
           ui/console_gist.c ui/pace.c
UI_PKGS := ncursesw readline
UI_CFLAGS = $(shell pkg-config --cflags $(UI_PKGS)) -D_GNU_SOURCE
UI_LIBS = $(shell pkg-config --libs $(UI_PKGS))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

B := build
REL_OBJ := $(patsubst %.c,$(B)/rel/%.o,$(CORE_SRC) $(MAIN_SRC) $(UI_SRC))
CHK_CORE := $(patsubst %.c,$(B)/check/%.o,$(CORE_SRC))
CHK_PURE := $(patsubst %.c,$(B)/check/%.o,$(UI_PURE))
CHK_MAIN := $(patsubst %.c,$(B)/check/%.o,$(MAIN_SRC) \
                                           $(filter-out $(UI_PURE),$(UI_SRC)))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/check/unit/%,$(UNIT_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
TOOLS := $(B)/tools/freeport $(B)/tools/sink $(B)/tools/boshproxy \
         $(B)/tools/wsproxy \
         $(B)/tools/evilxmpp

# make V=1 shows the full command lines.
Q := $(if $(filter 1,$(V)),,@)

.PHONY: all deps build-deps test-deps bench-deps demo-deps check unit \
        integration tui fuzz fuzz-smoke install uninstall clean format demo \
        bench bench-more FORCE

all: $(B)/perch

# --- dependencies (Debian packages, scripts/deps.sh) ---
# Plain `make` needs the build ones only; check, the test suites and fuzz
# install the test ones, bench and bench-more the bench ones (the peers
# and meters they use), demo the demo ones. Order-only: installing never
# makes anything out of date.
build-deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

bench-deps:
	@scripts/deps.sh bench

demo-deps:
	@scripts/deps.sh demo

deps:
	@scripts/deps.sh all

# --- flags: objects rebuild when the flags they were built with change ---
# Each build keeps its flags in a file, rewritten (and so newer than the
# objects) only when they differ; every object depends on it.
REL_FLAGS = $(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS)
CHK_CFLAGS := $(BASE_CFLAGS) -Werror -O1 -g $(SAN)
CHK_FLAGS = $(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS)
FUZZ_FLAGS = $(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CHK) $(PKG_CFLAGS)
write_flags = mkdir -p $(@D) && printf '%s\n' '$(subst ','\'',$(1))' >$@.new && \
    { cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@; }

FORCE:

$(B)/rel/flags: FORCE | build-deps
	@$(call write_flags,$(REL_FLAGS))

$(B)/check/flags: FORCE | build-deps
	@$(call write_flags,$(CHK_FLAGS))

$(B)/fuzz/flags: FORCE | test-deps
	@$(call write_flags,$(FUZZ_FLAGS))

# --- release build ---
$(B)/perch: $(REL_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(UI_LIBS)

# The UI alone sees ncurses and readline (nothing under src/ does).
$(B)/rel/ui/%.o: ui/%.c $(B)/rel/flags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS) -MMD -MP -c -o $@ $<

# main.c alone sees both src/ and ui/.
$(B)/rel/main/%.o: main/%.c $(B)/rel/flags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -I. -MMD -MP -c -o $@ $<

$(B)/rel/%.o: %.c $(B)/rel/flags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# --- sanitizer build used by every test; warnings are errors ---
$(B)/check/perch: $(CHK_CORE) $(CHK_PURE) $(CHK_MAIN)
	@echo "  LD san  $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(UI_LIBS)

$(B)/check/ui/%.o: ui/%.c $(B)/check/flags
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/check/main/%.o: main/%.c $(B)/check/flags
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) -I. -MMD -MP -c -o $@ $<

$(B)/check/%.o: %.c $(B)/check/flags
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# Unit tests link the core and the UI's curses-free files, no ncurses.
# (Their header dependencies go to unit-deps/: unit/ holds only tests.)
$(B)/check/unit/%: tests/unit/%.c $(CHK_CORE) $(CHK_PURE) $(B)/check/flags \
                   | test-deps
	@mkdir -p $(dir $@) $(B)/check/unit-deps
	@echo "  LD san  $@"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) -I. -MMD -MP \
	    -MF $(B)/check/unit-deps/$*.d -o $@ $< $(CHK_CORE) $(CHK_PURE) \
	    $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(B)/tools/freeport: tests/tools/freeport.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $<

$(B)/tools/sink: tests/tools/sink.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libstrophe) -o $@ $< \
	    $(shell pkg-config --libs libstrophe)

$(B)/tools/evilxmpp: tests/tools/evilxmpp.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 -o $@ $<

$(B)/tools/wsproxy: tests/tools/wsproxy.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libevent) -o $@ $< \
	    $(shell pkg-config --libs libevent)

$(B)/tools/boshproxy: tests/tools/boshproxy.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libevent libcrypto) \
	    -o $@ $< $(shell pkg-config --libs libevent libcrypto)

$(B)/tools/count_receiver $(B)/tools/pace_pub: $(B)/tools/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libstrophe) -o $@ $< \
	    $(shell pkg-config --libs libstrophe)

# Benchmarks print ratios against a baseline run in the same script:
# bench the one table of docs/performance.md (about 4 minutes), bench-more
# the older ones (ingest rate, console under simulate, a flood) and the
# console's and watch's instructions per event (callgrind).
BENCH_TOOLS := all $(B)/tools/freeport $(B)/tools/count_receiver \
               $(B)/tools/pace_pub $(B)/tools/evilxmpp
bench: bench-deps
	$(MAKE) --no-print-directory $(BENCH_TOOLS)
	tests/bench/perf.sh

bench-more: bench-deps
	$(MAKE) --no-print-directory $(BENCH_TOOLS)
	tests/bench/ingest.sh
	tests/bench/tui.sh
	tests/bench/flood.sh
	tests/bench/instr.sh

# --- fuzz targets (libFuzzer) ---
# The core is compiled once for all targets (with the fuzzer's coverage but
# not its main), each target is its own file linked against those objects.
# (ui/console_gist.c says events as the app does: src/app/app_gist.c)
FUZZ_CORE := $(filter-out src/cmd/%.c src/app/%.c,$(CORE_SRC)) \
             src/app/app_gist.c $(UI_PURE)
FUZZ_OBJ := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(FUZZ_CORE))
FUZZ_CHK := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
.SECONDARY: $(FUZZ_OBJ)
$(B)/fuzz/obj/%.o: %.c $(B)/fuzz/flags
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CHK) -fsanitize=fuzzer-no-link \
	    $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) $(B)/fuzz/flags
	@mkdir -p $(dir $@) $(B)/fuzz/deps
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CHK) -fsanitize=fuzzer $(PKG_CFLAGS) \
	    -I. -MMD -MP -MF $(B)/fuzz/deps/$*.d -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

# fuzz_replay drives the console's core on a capture: src/app too.
FUZZ_APP_OBJ := $(patsubst %.c,$(B)/fuzz/obj/%.o, \
                  $(filter-out $(FUZZ_CORE),$(wildcard src/app/*.c)))
.SECONDARY: $(FUZZ_APP_OBJ)
$(B)/fuzz/fuzz_replay: tests/fuzz/fuzz_replay.c $(FUZZ_OBJ) $(FUZZ_APP_OBJ) \
                       $(B)/fuzz/flags
	@mkdir -p $(dir $@) $(B)/fuzz/deps
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CHK) -fsanitize=fuzzer $(PKG_CFLAGS) \
	    -I. -MMD -MP -MF $(B)/fuzz/deps/fuzz_replay.d -o $@ $< $(FUZZ_OBJ) \
	    $(FUZZ_APP_OBJ) $(PKG_LIBS)

FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

fuzz-smoke: $(FUZZ_BIN)
	tests/fuzz/run.sh 10 $(FUZZ_BIN)

# --- the whole test suite ---
unit: $(UNIT_BIN)
	tests/unit/run.sh $(UNIT_BIN)

integration: $(B)/check/perch $(TOOLS) | test-deps
	PERCH=$(B)/check/perch tests/integration/run.sh

# The console in a tmux server of its own (tmux -L perch-tui-PID).
tui: $(B)/check/perch $(TOOLS) | test-deps
	PERCH=$(B)/check/perch tests/tui/run.sh

# The build uses every core (JOBS=N to choose); the tests then run as
# tests/check.sh says.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: test-deps
	$(MAKE) --no-print-directory -j$(JOBS) $(B)/check/perch $(UNIT_BIN) $(TOOLS) \
	    $(FUZZ_BIN)
	tests/check.sh

demo: demo-deps
	$(MAKE) --no-print-directory all $(B)/tools/freeport
	scripts/demo.sh

# --- install ---
install: $(B)/perch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(B)/perch $(DESTDIR)$(BINDIR)/perch
	install -m 644 docs/perch.1 $(DESTDIR)$(MANDIR)/man1/perch.1
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
	    install -m 644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done
	install -m 644 completions/perch.bash $(DESTDIR)$(BASHCOMPDIR)/perch
	install -m 644 completions/_perch $(DESTDIR)$(ZSHCOMPDIR)/_perch

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/perch $(DESTDIR)$(MANDIR)/man1/perch.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/perch $(DESTDIR)$(ZSHCOMPDIR)/_perch
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)

format:
	clang-format -i $(wildcard src/*/*.[ch] main/*.c ui/*.[ch] tests/*/*.[ch])

-include $(shell find $(B) -name '*.d' 2>/dev/null)
