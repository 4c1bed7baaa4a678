#!/usr/bin/env bash
# Installs workbook and rope from BIN (a SwiftPM bin folder) under PREFIX:
#   PREFIX/bin/{workbook,rope}
#   PREFIX/share/workbook/theme/     the built-in theme (page template, pandoc fragment template and link filter, CSS, scripts)
#   PREFIX/share/workbook/helpers/   the helpers' sources, compiled into every book's runtime
# The installed tool finds its share/ folder from its own path, so it keeps working when this repository is gone.
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: scripts/install.sh BIN_DIR PREFIX" >&2; exit 2; fi
bin=$1 prefix=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
for tool in workbook rope; do
  [ -x "$bin/$tool" ] || { echo "install: $bin/$tool is missing; build it first (swift build -c release)" >&2; exit 1; }
done
share="$prefix/share/workbook"
install -d "$prefix/bin" "$share"
# Replace the old resources whole, so a file removed from the theme does not linger.
staging=$(mktemp -d "$share/.install-XXXXXX")
trap 'rm -rf "$staging"' EXIT
cp -R "$repo/Resources/theme" "$staging/theme"
install -d "$staging/helpers"
install -m 644 "$repo"/Sources/Presentation/*.swift "$staging/helpers/"
for part in theme helpers; do rm -rf "${share:?}/$part"; mv "$staging/$part" "$share/$part"; done
install -m 755 "$bin/workbook" "$bin/rope" "$prefix/bin/"
echo "installed $prefix/bin/workbook, $prefix/bin/rope and $share/"
