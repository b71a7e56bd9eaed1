#!/usr/bin/env bash
# Set up everything the game and its tests need, on a fresh machine or an old one:
#   - find a Python >= 3.12 (PATH, then pyenv's versions, then /usr/local and /opt)
#   - make .venv with it and install the project with its dev tools (again only when
#     pyproject.toml changed)
#   - with --browser: Debian's chromium for the browser tests (installed with apt-get as root)
# Used by scripts/play.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

is_new_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  # Prefer 3.12 (what the project is tested on), then newer ones.
  local minor root candidate roots=("$HOME/.pyenv/versions" /root/.pyenv/versions /opt/python)
  command -v pyenv >/dev/null 2>&1 && roots=("$(pyenv root)/versions" "${roots[@]}")
  for minor in 12 13 14; do
    local candidates=("$(command -v "python3.$minor" 2>/dev/null || true)")
    for root in "${roots[@]}"; do
      candidates+=($(ls -d "$root/3.$minor".*/bin/python3 2>/dev/null | sort -rV))
    done
    candidates+=("/usr/local/bin/python3.$minor" "/usr/bin/python3.$minor")
    for candidate in "${candidates[@]}"; do
      if [[ -n $candidate && -x $candidate ]] && is_new_enough "$candidate"; then
        echo "$candidate"; return 0
      fi
    done
  done
  candidate=$(command -v python3 || true)
  if [[ -n $candidate ]] && is_new_enough "$candidate"; then echo "$candidate"; return 0; fi
  return 1
}

if [[ ! -x .venv/bin/python ]] || ! is_new_enough .venv/bin/python; then
  python=$(find_python) || {
    echo "setup: no Python >= 3.12 found (looked on PATH, in pyenv's versions, /usr/local, /opt)." >&2
    echo "setup: install one (e.g. 'pyenv install 3.12') and run this again." >&2
    exit 1
  }
  echo "setup: making .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi

stamp=.venv/.installed-pyproject
if [[ ! -f $stamp ]] || ! cmp -s pyproject.toml "$stamp"; then
  echo "setup: installing the project and its dependencies into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  cp pyproject.toml "$stamp"
fi

if (( want_browser )) && [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: the browser tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium'" >&2
    exit 1
  fi
fi
