#!/bin/sh
# After install: the system user that hookdesk.service runs as, and systemd told about the new unit.
# The unit is not enabled here; see /etc/hookdesk/env and README "Install".
set -e
if ! getent passwd hookdesk >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/hookdesk --no-create-home --shell /usr/sbin/nologin hookdesk \
    || adduser --system --home /var/lib/hookdesk --no-create-home --group hookdesk || true
fi
chmod 600 /etc/hookdesk/env 2>/dev/null || true
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
