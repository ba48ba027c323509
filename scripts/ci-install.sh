#!/usr/bin/env bash
# Installs the system packages the test suite uses: a real Dovecot (its own scripts
# start it on 127.0.0.1 with their own config), python3 for the imaplib client tests
# and the lab's seeding (with python3-yaml),
# openssl for test certificates, and the real mail clients that tests/mock_clients.rs
# points at `imap-tutor serve`: curl, fetchmail, mbsync (package isync) and mutt;
# Chromium (headless) for the HTML view and tcpdump for the capture imports.
# Idempotent; fast when everything is already there.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have dovecot || need+=(dovecot-imapd)
have openssl || need+=(openssl)
have python3 || need+=(python3)
# scripts/lab_seed.py reads the fixture YAML that seeds the Dovecot lab.
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
have curl || need+=(curl ca-certificates)
have fetchmail || need+=(fetchmail)
have mbsync || need+=(isync)
have mutt || need+=(mutt)
# `script` gives mutt the terminal it insists on.
have script || need+=(bsdutils)
# tests/html_chromium.rs opens the HTML view in headless Chromium; tests/capture_live.rs
# and the 100 MB page capture loopback with tcpdump.
have chromium || need+=(chromium)
have tcpdump || need+=(tcpdump)
# tests/serve_load.rs reads the listen backlog with `ss`.
have ss || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  # Debian's postinst would start a system-wide Dovecot on *:143 (and fetchmail's a
  # daemon); the tests run their own instances instead, so forbid service starts
  # during the install.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
echo "installed: $(dovecot --version 2>/dev/null || echo 'no dovecot') / $(python3 --version)" \
  "/ $(curl --version | head -n1 | cut -d' ' -f1-2) / fetchmail $(fetchmail --version 2>/dev/null | head -n1 | sed -n 's/.*release \([^ ,+]*\).*/\1/p')" \
  "/ $(mbsync --version 2>/dev/null | head -n1) / $(mutt -v 2>/dev/null | head -n1)" \
  "/ $(chromium --version 2>/dev/null | head -n1) / $(tcpdump --version 2>/dev/null | head -n1)"
