#!/usr/bin/env bash
# The whole suite, from a fresh machine: system servers, Python packages, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real-server tests need dnsmasq (a DNS server); install it when missing.
missing=()
{ command -v dnsmasq || [ -x /usr/sbin/dnsmasq ]; } >/dev/null 2>&1 || missing+=(dnsmasq-base)
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff format --check .
python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
