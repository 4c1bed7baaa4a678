#!/usr/bin/env bash
# Prints the Debian packages among the arguments that are not installed, one per line.
# Installed means dpkg's status "install ok installed": `dpkg -s` also succeeds for a package that was removed
# but left its configuration files ("deinstall ok config-files"), which is not installed.
for package in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || echo "$package"
done
