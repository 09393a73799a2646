#!/bin/sh
# /usr/bin/eservice-desktop: the counter window and every IT command, over the office data
# directory shared with the eservice-sync service (unless --data-dir or ESERVICE_DATA_DIR says
# otherwise).
: "${ESERVICE_DATA_DIR:=/var/lib/eservice-desktop}"
export ESERVICE_DATA_DIR
# Files in the shared directory (database, -wal/-shm, logs) must stay writable for the group:
# the service and every clerk in the eservice group open the same database.
umask 007
exec /opt/eservice-desktop/eservice-desktop "$@"
