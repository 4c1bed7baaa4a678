#!/usr/bin/env bash
# Installs workbook and rope from BIN (a SwiftPM bin folder) under PREFIX:
#   PREFIX/bin/{workbook,rope}
#   PREFIX/share/workbook/theme/     the built-in theme (page template, pandoc fragment template and link filter, CSS, scripts)
#   PREFIX/share/workbook/helpers/   the helpers' sources, compiled into every book's runtime
#   PREFIX/share/workbook/COMMIT     the commit they were built from (workbook --version shows it)
#   PREFIX/lib/workbook/runtime/     the helpers compiled (release) for this tool and compiler: books without a
#                                    Package.swift link against it and build no runtime (`workbook runtime`)
#   PREFIX/share/bash-completion/completions/, zsh/site-functions/, fish/vendor_completions.d/: shell completions
#   PREFIX/share/man/man1/           the man pages in MAN_DIR (make install generates them), when given
# The installed tool finds its share/ folder from its own path, so it keeps working when this repository is gone.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then echo "usage: scripts/install.sh BIN_DIR PREFIX [MAN_DIR]" >&2; exit 2; fi
bin=$1 prefix=$2 man=${3:-}
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
git -C "$repo" rev-parse --short HEAD > "$staging/COMMIT" 2>/dev/null || : > "$staging/COMMIT"
for part in theme helpers COMMIT; do rm -rf "${share:?}/$part"; mv "$staging/$part" "$share/$part"; done
install -m 755 "$bin/workbook" "$bin/rope" "$prefix/bin/"
# The shared helpers runtime, built by the installed tool (with the installed helpers) for the compiler on PATH.
# A runtime of another tool version or compiler is left alone; the folders are small (≈ 40 MB each).
"$prefix/bin/workbook" runtime --install "$prefix/lib/workbook/runtime"
# Completions, written by the installed tools themselves (swift-argument-parser knows every option).
install -d "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
for tool in workbook rope; do
  "$prefix/bin/$tool" --generate-completion-script bash > "$prefix/share/bash-completion/completions/$tool"
  "$prefix/bin/$tool" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_$tool"
  "$prefix/bin/$tool" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/$tool.fish"
done
if [ -n "$man" ]; then
  install -d "$prefix/share/man/man1"
  install -m 644 "$man"/workbook.1 "$man"/rope.1 "$prefix/share/man/man1/"
fi
echo "installed $prefix/bin/workbook, $prefix/bin/rope, $share/, $prefix/lib/workbook/runtime/ and shell completions${man:+ and man pages}"
