#!/usr/bin/env bash
# Install the Debian packages that `make test` drives or builds against, when missing:
# the editors of tests/editors, and Chromium plus the headers that code-server's native
# modules need for the VS Code extension's end-to-end test. Runs apt-get, so it needs root.
set -euo pipefail

# The editors are installed without their recommended packages, Chromium and the build
# headers with them: the two ways the tests were run with.
editors=(neovim emacs-nox elpa-eglot)
browser=(chromium ripgrep build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

missing_of() {
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    done
}
mapfile -t missing_editors < <(missing_of "${editors[@]}")
mapfile -t missing_browser < <(missing_of "${browser[@]}")
missing=("${missing_editors[@]}" "${missing_browser[@]}")
if ((${#missing[@]} == 0)); then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
if ((${#missing_editors[@]})); then
    apt-get install -y -qq --no-install-recommends "${missing_editors[@]}" >/dev/null
fi
if ((${#missing_browser[@]})); then
    apt-get install -y -qq "${missing_browser[@]}" >/dev/null
fi
