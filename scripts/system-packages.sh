#!/usr/bin/env bash
# Install the Debian packages Juwei needs, only those missing, only when root.
# fonts-noto-cjk: Chinese glyphs in PDFs and screenshots; libharfbuzz-subset0: fast
# font subsetting in WeasyPrint; pango: WeasyPrint's text layout; gettext: compilemessages;
# chromium: the browser tests; postgresql-15: the second test database; poppler-utils:
# pdffonts/pdftoppm to check and look at PDFs.
set -euo pipefail
wanted=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext chromium
        postgresql-15 poppler-utils)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root, or install them yourself)" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
