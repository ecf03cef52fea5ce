#!/usr/bin/env bash
# Screenshot an HTML page (the inspection report) with headless Chromium, offline.
#
#   carrier report inspection --format html --output report.html
#   scripts/screenshot-report.sh report.html report.png [WIDTH,HEIGHT]
#
# Needs Chromium (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).
# Chinese text needs a CJK font on the machine (Debian: fonts-wqy-zenhei or fonts-noto-cjk),
# else it shows as boxes; the charts and numbers render either way.
# A fresh profile each run, background networking, updates, sync and QUIC off: the page
# must render from the file alone (it has no script and no external reference).
# Exit status: 0 and a PNG at OUT.png, or 1 with one line on stderr.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
page=$1
out=$2
size=${3:-1280,2000}
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$browser" ]; then
  echo "error: Chromium not found: apt-get install chromium, or set CHROMIUM" >&2
  exit 1
fi
if [ ! -f "$page" ]; then
  echo "error: no such file: $page" >&2
  exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
out_abs=$(realpath -m "$out")
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --disable-quic --user-data-dir="$profile" --window-size="$size" \
  --screenshot="$out_abs" "file://$(realpath "$page")" >"$profile/chromium.log" 2>&1 || {
    echo "error: Chromium failed: $(tail -n 1 "$profile/chromium.log")" >&2
    exit 1
  }
if [ ! -s "$out_abs" ]; then
  echo "error: Chromium wrote no screenshot: $(tail -n 1 "$profile/chromium.log")" >&2
  exit 1
fi
echo "$out_abs"
