#!/usr/bin/env bash
# What the test suite needs beyond the Python environment, installed from Debian's packages
# when apt can (root, apt-get present) and the tool is missing:
#   - a PostgreSQL server binary (the store tests start a throwaway cluster themselves);
#   - LibreOffice Calc, headless (workbooks are opened in real spreadsheet software);
#   - Chromium, its WebDriver and poppler-utils (report.html printed and clicked in a real browser, checked with pdffonts).
# Where apt cannot run, the tests that need a missing tool skip and say which package to install.
set -uo pipefail
log() { printf '[test-deps] %s\n' "$*"; }
can_apt() { [ -z "${REPORTING_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }

wanted=()
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then wanted+=(postgresql); fi
command -v soffice >/dev/null 2>&1 || wanted+=(libreoffice-calc-nogui)
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
command -v chromedriver >/dev/null 2>&1 || wanted+=(chromium-driver)
command -v pdffonts >/dev/null 2>&1 || wanted+=(poppler-utils)
[ ${#wanted[@]} -eq 0 ] && exit 0
if ! can_apt; then
  log "not installing ${wanted[*]} (apt unavailable or not root): the tests that need them will skip and say why"
  exit 0
fi
log "installing ${wanted[*]}"
{ apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null; } \
  || log "could not install ${wanted[*]}: the tests that need them will skip and say why"
exit 0
