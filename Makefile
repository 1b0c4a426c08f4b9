# perch — see README.md. Plain GNU make; every library through pkg-config.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/perch
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
FUZZ_CC ?= clang
PKGS := libstrophe libevent libevent_openssl libssl libcurl libgsasl jansson inih expat libcrypto
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
               -DPERCH_VERSION='"$(VERSION)"' $(WARN)
CFLAGS ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer

CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c src/xmpp/*.c src/decode/*.c src/model/*.c src/sim/*.c))
MAIN_SRC := src/main.c
UI_SRC := $(wildcard ui/*.c)
UI_PKGS := ncursesw readline
UI_CFLAGS = $(shell pkg-config --cflags $(UI_PKGS)) -D_GNU_SOURCE -Isrc \
            -DPERCH_DATADIR='"$(DATADIR)"'
UI_LIBS = $(shell pkg-config --libs $(UI_PKGS))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

B := build
REL_OBJ := $(patsubst %.c,$(B)/rel/%.o,$(CORE_SRC) $(MAIN_SRC) $(UI_SRC))
CHK_CORE := $(patsubst %.c,$(B)/check/%.o,$(CORE_SRC))
CHK_MAIN := $(patsubst %.c,$(B)/check/%.o,$(MAIN_SRC) $(UI_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/check/unit/%,$(UNIT_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
TOOLS := $(B)/tools/freeport $(B)/tools/sink $(B)/tools/boshproxy \
         $(B)/tools/evilxmpp

# make V=1 shows the full command lines.
Q := $(if $(filter 1,$(V)),,@)

.PHONY: all deps check unit integration tui fuzz fuzz-smoke install \
        uninstall clean format demo bench

all: deps $(B)/perch

deps:
	@scripts/deps.sh

# --- release build ---
$(B)/perch: $(REL_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(UI_LIBS)

# The UI alone sees ncurses and readline (nothing under src/ does).
$(B)/rel/ui/%.o: ui/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# --- sanitizer build used by every test; warnings are errors ---
CHK_CFLAGS := $(BASE_CFLAGS) -Werror -O1 -g $(SAN)

$(B)/check/perch: $(CHK_CORE) $(CHK_MAIN)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(UI_LIBS)

$(B)/check/ui/%.o: ui/%.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) $(UI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/check/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/check/unit/%: tests/unit/%.c $(CHK_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(CHK_CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $< $(CHK_CORE) \
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

$(B)/tools/boshproxy: tests/tools/boshproxy.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libevent libcrypto) \
	    -o $@ $< $(shell pkg-config --libs libevent libcrypto)

$(B)/tools/count_receiver: tests/bench/count_receiver.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(shell pkg-config --cflags libstrophe) -o $@ $< \
	    $(shell pkg-config --libs libstrophe)

# Benchmarks print ratios against a baseline run in the same script.
bench: all $(B)/tools/freeport $(B)/tools/count_receiver
	tests/bench/ingest.sh
	tests/bench/tui.sh

# --- fuzz targets (libFuzzer) ---
FUZZ_CORE := $(filter-out src/cmd_%.c src/run.c src/app.c src/app_request.c,$(CORE_SRC))
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined \
	    $(PKG_CFLAGS) -Isrc -o $@ $< $(FUZZ_CORE) $(PKG_LIBS)

FUZZ_SECONDS ?= 60
fuzz: deps $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

fuzz-smoke: $(FUZZ_BIN)
	tests/fuzz/run.sh 10 $(FUZZ_BIN)

# --- the whole test suite ---
unit: $(UNIT_BIN)
	tests/unit/run.sh $(UNIT_BIN)

integration: $(B)/check/perch $(TOOLS)
	PERCH=$(B)/check/perch tests/integration/run.sh

# The console in a tmux server of its own (tmux -L perch-tui-PID).
tui: $(B)/check/perch $(TOOLS)
	PERCH=$(B)/check/perch tests/tui/run.sh

check: deps
	$(MAKE) --no-print-directory $(B)/check/perch $(UNIT_BIN) $(TOOLS) \
	    $(FUZZ_BIN)
	tests/check.sh

demo: all $(B)/tools/freeport
	scripts/demo.sh

# --- install ---
install: $(B)/perch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(B)/perch $(DESTDIR)$(BINDIR)/perch
	install -m 644 docs/perch.1 $(DESTDIR)$(MANDIR)/man1/perch.1
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
	    install -m 644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/perch $(DESTDIR)$(MANDIR)/man1/perch.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)

format:
	clang-format -i $(wildcard src/*.[ch] src/*/*.[ch] ui/*.[ch] tests/*/*.[ch])

-include $(shell find $(B) -name '*.d' 2>/dev/null)
