#!/usr/bin/env bash
# Set up everything a report run needs, on a fresh machine:
#   - a virtual environment in .venv with the package and its pinned dependencies;
#   - the system libraries WeasyPrint renders PDFs with (pango), when missing;
#   - a CJK font: Debian's fonts-noto-cjk when apt works, else a pip-installed Noto Sans SC.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
STAMP="$VENV/.installed"
log() { printf '[setup] %s\n' "$*"; }
# pip's output goes to a log, shown only when an install fails
pip_install() {
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" >"$VENV/pip.log" 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" "$VENV/pip.log" | tail -30 >&2
    echo "[setup] pip install failed (full log: $VENV/pip.log)" >&2
    exit 1
  fi
}

can_apt() { [ -z "${REPORTING_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }
apt_updated=""
apt_install() {
  can_apt || return 1
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null 2>&1 || return 1; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

# 1. the virtual environment
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the virtual environment $VENV"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv || { echo "[setup] cannot create a venv: install python3-venv (Debian) and retry" >&2; exit 1; }
    "$PYTHON" -m venv "$VENV"
  fi
fi

# 2. the package and its pinned dependencies (again only when the pins change)
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ requirements.lock -nt "$STAMP" ]; then
  log "installing the package and its pinned dependencies"
  pip_install --upgrade pip
  pip_install -c requirements.lock -e ".[dev]"
  touch "$STAMP"
fi

# 3. pango for WeasyPrint (present on most desktops and Debian images)
if ! "$VENV/bin/python" -c "import weasyprint" >/dev/null 2>&1; then
  log "installing pango for PDF rendering"
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    || { echo "[setup] WeasyPrint cannot load pango: install libpango-1.0-0 and libpangoft2-1.0-0, then retry" >&2; exit 1; }
fi

# 4. a CJK font, so Chinese renders in charts and the PDF
has_cjk_font() { "$VENV/bin/python" -c "from reporting.report.html.fonts import find_cjk_font; find_cjk_font()" >/dev/null 2>&1; }
if ! has_cjk_font; then
  log "installing a CJK font"
  if ! apt_install fonts-noto-cjk; then
    log "apt unavailable: installing the pip font package (Noto Sans SC)"
    pip_install -c requirements.lock -e ".[fonts]"
  fi
fi
"$VENV/bin/python" -c "from reporting.report.html.fonts import find_cjk_font; f = find_cjk_font(); print(f'[setup] CJK font: {f.family} ({f.path})')"
