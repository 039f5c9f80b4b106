#!/usr/bin/env bash
# Installs the Debian packages the services call as programs. Installs only what is
# missing, so running it again changes nothing.
#
# Usage: sudo deploy/setup-system.sh
set -euo pipefail

# customer-service: offline speech recognition (PocketSphinx with its US English model)
# and espeak-ng, which makes the speech the voice tests recognise.
PACKAGES=(pocketsphinx pocketsphinx-en-us espeak-ng)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
