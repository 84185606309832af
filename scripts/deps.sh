#!/bin/bash
# deps.sh: installs the Debian packages (and the npm test tooling) Tiếng nói needs; quick when all is present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
	gcc make pkg-config ca-certificates curl
	libfcgi-dev libpq-dev postgresql postgresql-contrib
	libqrencode-dev libpng-dev libjansson-dev libsodium-dev libutf8proc-dev nettle-dev
	libxlsxwriter-dev libcmocka-dev libcurl4-openssl-dev
	nginx-light zbar-tools wrk
	chromium libimage-exiftool-perl python3 python3-yaml time
	# notifications (issue 13): a real SMTP server on loopback for the tests
	python3-aiosmtpd
	# valid HTML (issue 12): the Nu HTML Checker (npm vnu-jar) runs on Debian's Java
	default-jre-headless
	# production (issue 9): packaging, service checks, TLS tests, backups, HA
	debhelper dpkg-dev fakeroot lintian systemd openssl gnupg
	pgbackrest patroni etcd-server etcd-client python3-psycopg2
	# exports (issue 12): the tests open the CSV and XLSX in LibreOffice Calc itself
	libreoffice-calc-nogui
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "deps: installing ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# browser-test tooling, pinned by package-lock.json
if [ -f tests/browser/package-lock.json ]; then
	if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
		echo "deps: npm ci (tests/browser)"
		(cd tests/browser && npm ci --no-audit --no-fund --silent)
	fi
fi
echo "deps: all present"
