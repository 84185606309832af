# Tiếng nói: build, run, test. See README.md.
CC      ?= cc
PKGS     = libpq jansson libsodium libutf8proc libqrencode libpng nettle xlsxwriter
CFLAGS  ?= -O2
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -g \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
LDLIBS   = -lfcgi $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpq -ljansson -lsodium -lutf8proc -lqrencode -lpng -lnettle -lxlsxwriter)

BUILD   ?= build
# Every fcgi/*.c is picked up by its prefix, so a new room needs no edit here:
# page_*.c, console.c, route.c, server.c -> the app; admin.c, cli*.c -> the CLI;
# auth.c -> both; everything else is the core shared by the app, the CLI and
# the unit tests.
SRCS     = $(notdir $(basename $(wildcard fcgi/*.c)))
APP_ONLY = $(filter page_% console route server,$(SRCS))
CLI_ONLY = $(filter admin cli cli_%,$(SRCS))
CORE     = $(filter-out $(APP_ONLY) $(CLI_ONLY) auth,$(SRCS))
APP      = $(CORE) auth $(APP_ONLY)
ADMIN    = $(CORE) auth $(CLI_ONLY)
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

# --- production: Debian package and FHS install (issue 9, packaging) ---

# --- production: high availability, Patroni + etcd (issue 9, HA) ---

# make ha-start: etcd, two PostgreSQL nodes under Patroni (leader and
# synchronous standby), two app hosts and nginx on PORT, under var/ha/
# (scripts/ha.sh; docs/operations.md "High availability").
.PHONY: ha-start ha-stop ha-status
ha-start: all
	scripts/ha.sh start
ha-stop:
	scripts/ha.sh stop
ha-status:
	@scripts/ha.sh status
