#!/usr/bin/env bash
# The Nu Html Checker that tests/natoblog/test_html_validity.py runs: Java (Debian's
# default-jre-headless, only if `java` is missing) and vnu.jar from npm's vnu-jar package, into
# .venv/vnu/ (ignored by git, removed by `make clean`). Does nothing when both are there.
# `make vnu` runs it; so does .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
VNU_VERSION=26.9.27
PREFIX=.venv/vnu
PACKAGE=$PREFIX/node_modules/vnu-jar

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing: $*; install it with: sudo apt-get install $*" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

command -v java >/dev/null 2>&1 || apt_install default-jre-headless
if ! grep -Eqs "\"version\": *\"$VNU_VERSION\"" "$PACKAGE/package.json" \
  || [ ! -f "$PACKAGE/build/dist/vnu.jar" ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm
  mkdir -p "$PREFIX"
  # --ignore-scripts: the package's postinstall would download a Java of its own
  npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "vnu-jar@$VNU_VERSION"
fi
printf 'vnu %s, %s\n' "$(java -jar "$PACKAGE/build/dist/vnu.jar" --version)" \
  "$(java -version 2>&1 | head -n 1)"
