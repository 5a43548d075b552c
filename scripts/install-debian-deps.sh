#!/usr/bin/env bash
# Installs the Debian packages virtnet needs, only those missing. Safe to run repeatedly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "virtnet needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

missing=()
while read -r pkg _; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done < "$list"

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian's etcd-server and haproxy enable and start a system service (etcd on :2379, haproxy on its default
# config). virtnet starts its own (tests, `--store etcd:`, the lab's API load balancer), so a service this script
# just installed is switched off again; one that was there before is left alone.
for pair in etcd-server:etcd.service haproxy:haproxy.service; do
  pkg=${pair%%:*} unit=${pair#*:}
  if printf '%s\n' "${missing[@]}" | grep -qx "$pkg" && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    echo "Disabling the $unit that $pkg installed (virtnet runs its own)"
    $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true
  fi
done
