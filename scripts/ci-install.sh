#!/usr/bin/env bash
# Installs the system packages the test suite uses: a real Dovecot (its own scripts
# start it on 127.0.0.1 with their own config), python3 for the imaplib client tests,
# openssl for test certificates. Idempotent; fast when everything is already there.
set -euo pipefail
need=()
command -v dovecot >/dev/null || need+=(dovecot-imapd)
command -v openssl >/dev/null || need+=(openssl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  # Debian's postinst would start a system-wide Dovecot on *:143; the tests run their
  # own instance instead, so forbid service starts during the install.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
echo "installed: $(dovecot --version 2>/dev/null || echo 'no dovecot') / $(python3 --version)"
