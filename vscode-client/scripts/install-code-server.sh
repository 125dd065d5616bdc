#!/usr/bin/env bash
# Install code-server from the npm registry into a folder, without the
# downloads that its install scripts would make (prebuilt binaries from GitHub,
# ripgrep, Node headers). Native modules are built from source instead.
#
# Usage: scripts/install-code-server.sh FOLDER VERSION
# Needs: build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev
# libsecret-1-dev ripgrep (Debian packages) and the Node headers in /usr/include/node.
# Version 4.100.3 is the last code-server release whose install accepts Node 20.
set -euo pipefail

folder=$1
version=$2
mkdir -p "$folder"
cd "$folder"

export npm_config_yes=true                 # node-pty's install runs npx node-gyp
export npm_config_build_from_source=true   # no prebuilt binaries from GitHub
export npm_config_audit=false npm_config_fund=false
if [ -d /usr/include/node ]; then
  export npm_config_nodedir=/usr           # Node headers from the system, not downloaded
fi

# npm init would take the folder's name, and ".code-server" is not a valid package name.
[ -f package.json ] || echo '{"name": "code-server-for-tests", "private": true}' > package.json
npm install --ignore-scripts "code-server@$version"
npm rebuild argon2

cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts
# @vscode/ripgrep downloads its binary in its install script; it skips that when bin/ exists.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild
# The packaged code-server expects these links, which its release build creates.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
cd extensions
npm install --omit=dev
