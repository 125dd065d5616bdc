#!/usr/bin/env bash
# Build bundled/libs: the cam-policy-ls server and its dependencies as pure
# Python files, which any CPython 3.10 or newer can import from PYTHONPATH.
#
# Usage: scripts/bundle-python.sh PYTHON REPOSITORY_ROOT [CHECK_PYTHON ...]
# PYTHON runs pip; each CHECK_PYTHON (3.10 or newer) must import the result.
set -euo pipefail

python=$1
repository=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
wheels=$here/build/wheels
libs=$here/bundled/libs
# CI runs as root; --target installs touch no system packages, so pip's warning about root is turned off.
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
pip=("$python" -m pip)

rm -rf "$wheels" "$libs"
mkdir -p "$wheels"

# The server's own wheel, with its catalog inside.
"${pip[@]}" wheel --quiet --no-deps --wheel-dir "$wheels" "$repository"

# PyYAML publishes pure-Python files only in its source distribution. With
# PYYAML_FORCE_LIBYAML=0 its build skips the C extension and yields a
# py3-none-any wheel.
PYYAML_FORCE_LIBYAML=0 "${pip[@]}" wheel --quiet --no-deps --no-binary pyyaml --wheel-dir "$wheels" \
  "$(grep -i '^pyyaml==' "$here/python-requirements.txt")"

# --platform any accepts py3-none-any wheels only, so nothing compiled can
# slip in. --no-deps makes python-requirements.txt the complete list.
"${pip[@]}" install --quiet --no-deps --no-compile --target "$libs" \
  --only-binary=:all: --platform any --python-version 3.10 --implementation py \
  --find-links "$wheels" -r "$here/python-requirements.txt" "$wheels"/cam_policy_ls-*.whl
# pip writes the cam-policy-ls console script here, with the build interpreter in its first line.
rm -rf "$libs/bin"

compiled=$(find "$libs" -name '*.so' -o -name '*.pyd' -o -name '*.dylib')
if [ -n "$compiled" ]; then
  echo "bundled/libs must hold pure Python files only, but it has: $compiled" >&2
  exit 1
fi

# pip check in a new virtual environment checks only the bundled packages, and
# fails when the server needs a package or version that the list above lacks.
rm -rf "$here/build/check-venv"
"$python" -m venv "$here/build/check-venv"
PYTHONPATH=$libs PYTHONDONTWRITEBYTECODE=1 "$here/build/check-venv/bin/python" -m pip check

# python -S skips site-packages, so only the standard library and the bundle
# can be imported; -B keeps __pycache__ folders out of the bundle.
for check_python in "$python" "$@"; do
  PYTHONPATH=$libs "$check_python" -S -B -c '
import sys, yaml, cam_policy_ls.cli, cam_policy_ls.config, cam_policy_ls.server
from cam_policy_ls.catalog import load_catalog
assert not yaml.__with_libyaml__, "PyYAML loaded its C extension"
catalog = load_catalog()
print("bundled server loads its catalog (%d APIs) on Python %d.%d.%d" % ((catalog.api_count,) + tuple(sys.version_info[:3])))
'
done
