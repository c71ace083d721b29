#!/usr/bin/env bash
# Installs the browser the sandbox console's end-to-end test drives: Debian's chromium at /usr/bin/chromium, with
# fonts so its screenshots show text and emoji. Idempotent and non-interactive; nothing downloads a browser build.
set -euo pipefail

packages=(chromium fonts-liberation fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=''
  if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null) at /usr/bin/chromium"
