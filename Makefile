# Tiếng nói: build, run, test. See README.md.
CC      ?= cc
PKGS     = libpq jansson libsodium libutf8proc libqrencode libpng nettle xlsxwriter
CFLAGS  ?= -O2
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -g \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
LDLIBS   = -lfcgi $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpq -ljansson -lsodium -lutf8proc -lqrencode -lpng -lnettle -lxlsxwriter)

BUILD   ?= build
# the code shared by the app, the CLI and the unit tests
CORE     = arena buf config csrf db form html http i18n multipart photo qr ratelimit req text token totp export brief org poster dossier document privacy calendar stats dispute
APP      = $(CORE) auth route page_admin_brief page_admin_export page_admin_login page_admin_org page_admin_officers page_admin_queue page_admin_report page_admin_totp page_status page_system page_worker server page_admin_cases page_admin_dossier page_admin_stats page_admin_requests page_admin_calendar
ADMIN    = $(CORE) auth admin
CORE_O   = $(CORE:%=$(BUILD)/%.o)

.PHONY: all deps run start stop test unit integration lint bench clean
all: $(BUILD)/tiengnoi.fcgi $(BUILD)/tiengnoi-admin

$(BUILD)/%.o: fcgi/%.c fcgi/*.h | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $@

$(BUILD)/tiengnoi.fcgi: $(APP:%=$(BUILD)/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tiengnoi-admin: $(ADMIN:%=$(BUILD)/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# unit tests: one binary per tests/unit/test_*.c, linked with the core
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
$(BUILD)/test_%: tests/unit/test_%.c $(CORE_O)
	$(CC) $(CFLAGS) -Ifcgi -o $@ $< $(CORE_O) $(LDFLAGS) $(LDLIBS) -lcmocka
unit-bins: $(UNIT_BIN)

deps:
	scripts/deps.sh

run: all
	scripts/stack.sh run
start: all
	scripts/stack.sh start
stop:
	scripts/stack.sh stop

# every test: lint, unit tests (plain and ASan+UBSan), integration and browser tests
test:
	tests/run.sh

bench: all
	tests/bench/run.sh

clean:
	rm -rf build build-asan
