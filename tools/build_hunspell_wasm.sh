#!/usr/bin/env bash
# Rebuilds spellcheck/wasm/hunspell.wasm from Debian's hunspell sources with Debian's emscripten.
#
#   tools/build_hunspell_wasm.sh [--check]
#
# Needs root (apt). Adds a deb-src entry for bookworm, fetches hunspell's .orig tarball and
# Debian's patches with `apt-get source` (dpkg-source applies the patches), swaps hunspell's
# file reader for the in-memory one in spellcheck/wasm/src/, and compiles at -O2 to a standalone
# module (WASI imports only; no emscripten JavaScript). Writes hunspell.wasm and BUILD.json
# (source package, versions, flags, sha256). With --check it builds into a temporary directory
# and exits 1 when the bytes differ from the committed artifact.
set -euo pipefail
cd "$(dirname "$0")/.."

HUNSPELL_VERSION="1.7.1-1"
OUT_DIR="spellcheck/wasm"
GLUE_DIR="$OUT_DIR/src"
EXPORTS="_ses_create,_ses_destroy,_ses_encoding,_ses_spell,_ses_spell_many,_ses_suggest,_ses_malloc,_ses_free"
FLAGS=(-O2 -std=c++11 -fno-exceptions -DHUNSPELL_STATIC
  -sSTANDALONE_WASM=1 --no-entry -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=16777216 -sTOTAL_STACK=1048576 -sERROR_ON_UNDEFINED_SYMBOLS=1
  "-sEXPORTED_FUNCTIONS=$EXPORTS")

check=0
[ "${1:-}" = "--check" ] && check=1

export DEBIAN_FRONTEND=noninteractive
need_update=0
if ! command -v em++ >/dev/null || ! command -v dpkg-source >/dev/null; then need_update=1; fi
src_list=/etc/apt/sources.list.d/ses-hunspell-src.sources
if [ ! -f "$src_list" ]; then
  cat >"$src_list" <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  need_update=1
fi
if [ "$need_update" = 1 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends emscripten dpkg-dev >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq "hunspell=$HUNSPELL_VERSION" >/dev/null 2>&1)
upstream="$work/hunspell-${HUNSPELL_VERSION%-*}/src/hunspell"
build="$work/build"
mkdir -p "$build"
cp "$upstream"/*.cxx "$upstream"/*.hxx "$upstream"/*.h "$build/"
# hunzip (.hz files) is reached only through the disk reader this build replaces.
rm "$build/hunzip.cxx" "$build/filemgr.cxx" "$build/filemgr.hxx"
cp "$GLUE_DIR/filemgr.hxx" "$GLUE_DIR/filemgr.cxx" "$GLUE_DIR/ses_hunspell.cxx" "$build/"
for patch in "$GLUE_DIR"/*.patch; do patch -s -d "$build" -p0 <"$patch"; done

target="$OUT_DIR/hunspell.wasm"
[ "$check" = 1 ] && target="$work/hunspell.wasm"
# Relative paths and a fixed cache keep the bytes independent of where the build ran.
(cd "$build" && em++ "${FLAGS[@]}" ./*.cxx -o hunspell.wasm)
cp "$build/hunspell.wasm" "$target"

if [ "$check" = 1 ]; then
  if cmp -s "$target" "$OUT_DIR/hunspell.wasm"; then
    echo "hunspell.wasm matches a rebuild"
    exit 0
  fi
  echo "hunspell.wasm differs from a rebuild of hunspell $HUNSPELL_VERSION" >&2
  exit 1
fi

emcc_version=$(em++ --version | head -n 1)
sha=$(sha256sum "$target" | cut -d' ' -f1)
flags_json=$(printf '"%s",' "${FLAGS[@]}")
cat >"$OUT_DIR/BUILD.json" <<JSON
{
  "source": "Debian source package hunspell $HUNSPELL_VERSION (apt-get source, bookworm; upstream 1.7.1 + Debian patches)",
  "replaced": ["src/hunspell/filemgr.hxx", "src/hunspell/filemgr.cxx (in-memory files)", "src/hunspell/hunzip.cxx (dropped)"],
  "added": ["spellcheck/wasm/src/ses_hunspell.cxx"],
  "patches": [
    "spellcheck/wasm/src/hashmgr_64bit_hash.patch (the word hash in 64 bits, as on Debian's amd64 build, for the same suggestion order)",
    "spellcheck/wasm/src/ngsuggest_root_index.patch (the n-gram suggestion pass skips dictionary words whose score bound cannot enter the kept roots, from an array of their gram sets; same suggestions)"
  ],
  "compiler": "$emcc_version (Debian package emscripten $(dpkg-query -W -f='${Version}' emscripten))",
  "flags": [${flags_json%,}],
  "sha256": "$sha",
  "bytes": $(stat -c %s "$target")
}
JSON
# The repository's formatter owns JSON layout (deno fmt --check runs in CI).
if [ -x node_modules/.bin/deno ]; then node_modules/.bin/deno fmt --quiet "$OUT_DIR/BUILD.json"; fi
echo "wrote $target ($sha)"
