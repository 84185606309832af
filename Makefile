# Tiếng nói: build, run, test. See README.md.
CC      ?= cc
PKGS     = libpq jansson libsodium libutf8proc libqrencode libpng nettle xlsxwriter libcurl
CFLAGS  ?= -O2
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -g \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
LDLIBS   = -lfcgi $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpq -ljansson -lsodium -lutf8proc -lqrencode -lpng -lnettle -lxlsxwriter -lcurl)

BUILD   ?= build
# Every fcgi/*.c is picked up by its prefix, so a new room needs no edit here:
# page_*.c, console*.c, api*.c, route.c, server.c -> the app; admin.c, cli*.c -> the CLI;
# sender*.c -> tiengnoi-sender (the outbox's mail and webhook deliveries);
# auth.c -> the app and the CLI; everything else is the core shared by the
# app, the CLI, the sender and the unit tests.
SRCS     = $(notdir $(basename $(wildcard fcgi/*.c)))
APP_ONLY = $(filter page_% console console_% api api_% route server,$(SRCS))
CLI_ONLY = $(filter admin cli cli_%,$(SRCS))
SENDER_ONLY = $(filter sender sender_%,$(SRCS))
CORE     = $(filter-out $(APP_ONLY) $(CLI_ONLY) $(SENDER_ONLY) auth,$(SRCS))
APP      = $(CORE) auth $(APP_ONLY)
ADMIN    = $(CORE) auth $(CLI_ONLY)
SENDER   = $(CORE) $(SENDER_ONLY)
CORE_O   = $(CORE:%=$(BUILD)/%.o)

.PHONY: all deps run start stop test unit integration lint bench clean
all: $(BUILD)/tiengnoi.fcgi $(BUILD)/tiengnoi-admin $(BUILD)/tiengnoi-sender

# Pages link static files as /static/VERSION/NAME, which nginx lets browsers
# keep for a year; VERSION is a hash of static/*, so it changes whenever one
# of those files does (STATIC_VERSION in the C sources, a string literal).
# The objects that use it depend on a file that changes only with it.
STATIC_VERSION := $(shell cat $(sort $(wildcard static/*)) /dev/null | sha256sum | cut -c1-10)
override CFLAGS += -DSTATIC_VERSION='"$(STATIC_VERSION)"'
STATIC_STAMP   := $(BUILD)/static-version
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(STATIC_STAMP) 2>/dev/null)" = $(STATIC_VERSION) ] || echo $(STATIC_VERSION) >$(STATIC_STAMP); })
$(patsubst fcgi/%.c,$(BUILD)/%.o,$(shell grep -l STATIC_VERSION fcgi/*.c)): $(STATIC_STAMP)

$(BUILD)/%.o: fcgi/%.c fcgi/*.h | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $@

$(BUILD)/tiengnoi.fcgi: $(APP:%=$(BUILD)/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tiengnoi-admin: $(ADMIN:%=$(BUILD)/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tiengnoi-sender: $(SENDER:%=$(BUILD)/%.o)
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
# `make install [DESTDIR=...] [PREFIX=/usr]` builds the installed flavour in
# build/release, whose paths are compiled in (config /etc/tiengnoi/tiengnoi.conf,
# forms and migrations under $(PREFIX)/share/tiengnoi, state /var/lib/tiengnoi,
# socket /run/tiengnoi), and lays out the tree; `make deb` builds
# build/tiengnoi_VERSION_ARCH.deb with dpkg-buildpackage from a copy of the
# tracked files (debian/rules calls release and install). See docs/operations.md.
.PHONY: release install deb
PREFIX        ?= /usr
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
RUNSTATEDIR   ?= /run
UNITDIR       ?= /lib/systemd/system
BINDIR         = $(PREFIX)/bin
LIBEXECDIR     = $(PREFIX)/lib/tiengnoi
DATADIR        = $(PREFIX)/share/tiengnoi
DOCDIR         = $(PREFIX)/share/doc/tiengnoi
RELEASE       ?= build/release
RELEASE_CFLAGS ?= -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
RELEASE_DEFS   = -DTIENGNOI_SYSCONFDIR=\"$(SYSCONFDIR)/tiengnoi\" -DTIENGNOI_DATADIR=\"$(DATADIR)\" \
                 -DTIENGNOI_STATEDIR=\"$(LOCALSTATEDIR)/lib/tiengnoi\" -DTIENGNOI_RUNDIR=\"$(RUNSTATEDIR)/tiengnoi\"

# Rebuilds from scratch when the flags or paths changed since the last time.
release:
	@mkdir -p $(RELEASE)
	@echo '$(RELEASE_CFLAGS) $(RELEASE_DEFS) $(LDFLAGS)' >$(RELEASE)/flags.new
	@cmp -s $(RELEASE)/flags.new $(RELEASE)/flags || rm -f $(RELEASE)/*.o $(RELEASE)/tiengnoi.fcgi $(RELEASE)/tiengnoi-admin $(RELEASE)/tiengnoi-sender
	@mv $(RELEASE)/flags.new $(RELEASE)/flags
	$(MAKE) BUILD=$(RELEASE) CFLAGS='$(RELEASE_CFLAGS) $(RELEASE_DEFS)' all

install: release
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/forms $(DESTDIR)$(DATADIR)/sql \
		$(DESTDIR)$(DATADIR)/static $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/tiengnoi $(DESTDIR)$(UNITDIR)
	install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/tiengnoi/secrets
	install -d -m 0750 $(DESTDIR)$(LOCALSTATEDIR)/lib/tiengnoi
	install -m 0755 $(RELEASE)/tiengnoi-admin $(DESTDIR)$(BINDIR)/tiengnoi-admin
	install -m 0755 $(RELEASE)/tiengnoi.fcgi $(DESTDIR)$(LIBEXECDIR)/tiengnoi.fcgi
	install -m 0755 $(RELEASE)/tiengnoi-sender $(DESTDIR)$(LIBEXECDIR)/tiengnoi-sender
	install -m 0644 forms/*.json $(DESTDIR)$(DATADIR)/forms/
	install -m 0644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 0644 $$(find static -maxdepth 1 -type f) $(DESTDIR)$(DATADIR)/static/
	install -m 0644 README.md docs/operations.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 docs/tiengnoi-admin.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 etc/tiengnoi.conf $(DESTDIR)$(SYSCONFDIR)/tiengnoi/
	# pgBackRest, Patroni...: examples for the operator to adapt, not live configuration
	install -d $(DESTDIR)$(DOCDIR)/examples
	set -e; for f in etc/*; do [ "$$f" = etc/tiengnoi.conf ] || install -m 0644 "$$f" $(DESTDIR)$(DOCDIR)/examples/; done
	set -e; for u in systemd/*.service systemd/*.timer; do \
		sed -e 's|/usr/lib/tiengnoi/|$(LIBEXECDIR)/|g; s|/usr/bin/tiengnoi-admin|$(BINDIR)/tiengnoi-admin|g' \
		    -e 's|/usr/share/doc/tiengnoi/|$(DOCDIR)/|g' $$u >$(DESTDIR)$(UNITDIR)/$${u#systemd/}; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u#systemd/}; done
	if [ -f nginx/tiengnoi-site.conf ]; then install -d $(DESTDIR)$(SYSCONFDIR)/nginx/sites-available && \
		install -m 0644 nginx/tiengnoi-site.conf $(DESTDIR)$(SYSCONFDIR)/nginx/sites-available/tiengnoi; fi

DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH    = $(shell dpkg --print-architecture 2>/dev/null)
deb:
	rm -rf build/deb && mkdir -p build/deb/src
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null --ignore-failed-read -T - -cf - | tar -xf - -C build/deb/src; \
	else \
		tar --exclude=./build --exclude=./build-asan --exclude=./var --exclude=node_modules --exclude=./tests/output \
			-cf - . | tar -xf - -C build/deb/src; \
	fi
	cd build/deb/src && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
	cp build/deb/tiengnoi_$(DEB_VERSION)_$(DEB_ARCH).deb build/
	@echo "built build/tiengnoi_$(DEB_VERSION)_$(DEB_ARCH).deb"


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
