#!/bin/sh
# /usr/bin/eservice-desktop: the counter window and every IT command, over the office data
# directory shared with the eservice-sync service (unless --data-dir or ESERVICE_DATA_DIR says
# otherwise).
: "${ESERVICE_DATA_DIR:=/var/lib/eservice-desktop}"
export ESERVICE_DATA_DIR
exec /opt/eservice-desktop/eservice-desktop "$@"
