#!/usr/bin/env bash
# Installs the browser the sandbox console's end-to-end test drives: Debian's chromium at /usr/bin/chromium, with
# fonts so its screenshots show text and emoji. Idempotent and non-interactive; nothing downloads a browser build.
# The test suite's global setup runs it when /usr/bin/chromium is missing; exit code 2 means "cannot install here".
set -euo pipefail

packages=(chromium fonts-liberation fonts-noto-color-emoji)
cannot() {
  echo "install-browser: $1" >&2
  echo "install-browser: install ${packages[*]} yourself (Chromium must be at /usr/bin/chromium), then re-run." >&2
  exit 2
}

command -v dpkg-query >/dev/null && command -v apt-get >/dev/null || cannot 'this is not a Debian or Ubuntu system (no dpkg/apt-get).'

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || cannot "not root and sudo is not installed; missing: ${missing[*]}."
    # -n: never prompt for a password (this runs inside the test command, with no terminal to answer it).
    sudo -n true 2>/dev/null || cannot "not root and sudo needs a password; missing: ${missing[*]}."
    sudo=(sudo -n)
  fi
  echo "install-browser: installing ${missing[*]} with apt-get (first run only)…"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || cannot 'apt-get finished but /usr/bin/chromium is still missing.'
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null) at /usr/bin/chromium"
