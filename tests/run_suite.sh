#!/usr/bin/env bash
# The whole suite, from a fresh machine: system servers, Python packages, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real-server tests need dnsmasq (a DNS server); install it when missing.
missing=()
{ command -v dnsmasq || [ -x /usr/sbin/dnsmasq ]; } >/dev/null 2>&1 || missing+=(dnsmasq-base)
# The monitoring export is loaded by the real engines: blackbox_exporter and check_smtp.
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || missing+=(prometheus-blackbox-exporter)
[ -x /usr/lib/nagios/plugins/check_smtp ] || missing+=(monitoring-plugins-basic)
# nagios4 -v loads the Nagios export with the sample templates it names.
command -v nagios4 >/dev/null 2>&1 || missing+=(nagios4-core)
# The browser test opens `serve` in headless Chromium, driven through chromedriver.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# promtool checks the Prometheus files. Debian ships it in the prometheus package, whose
# install would also start a Prometheus server, so only promtool is taken out of it.
tools="${XDG_CACHE_HOME:-$HOME/.cache}/spmail-wizard-tools"
if ! command -v promtool >/dev/null 2>&1 && [ ! -x "$tools/usr/bin/promtool" ]; then
    download=$(mktemp -d)
    if (cd "$download" && apt-get download -qq prometheus >/dev/null 2>&1) \
        && dpkg-deb -x "$download"/prometheus_*.deb "$download/x" \
        && mkdir -p "$tools/usr/bin" && cp "$download/x/usr/bin/promtool" "$tools/usr/bin/"; then
        :
    else
        echo "promtool is not available: the Prometheus config and rules checks will be skipped" >&2
    fi
    rm -rf "$download"
fi
[ -x "$tools/usr/bin/promtool" ] && export PATH="$tools/usr/bin:$PATH"

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff format --check .
python3 -m ruff check .
python3 -m mypy
# Two workers, each taking whole test files: much of the suite waits on sockets and
# child processes, so two share even a busy two-core machine well, and a file's tests
# keep the one farm their module starts. Later arguments win (-n 0 runs in one process).
python3 -m pytest -n 2 --dist loadfile "$@"
