#!/usr/bin/env bash
# needed-symbols.sh SONAME LIB...  - prints, sorted, the functions that the given shared libraries
# import from SONAME with the symbol version SONAME (e.g. cudnnCreate@libcudnn.so.8), i.e. the names
# a forwarding library with that soname must export. Uses readelf --dyn-syms -W.
set -euo pipefail
soname=$1; shift
for lib in "$@"; do
  readelf --dyn-syms -W "$lib"
done | awk -v ver="@$soname" '$7 == "UND" && index($8, ver) > 0 { name = $8; sub(/@.*/, "", name); print name }' | sort -u
