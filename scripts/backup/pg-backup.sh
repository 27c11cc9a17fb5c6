#!/usr/bin/env bash
# Cron-friendly backup of helpdesk on PostgreSQL with pg_dump (custom format), keeping the newest N.
#
#   scripts/backup/pg-backup.sh POSTGRES_DSN [DEST_DIR] [KEEP]
set -euo pipefail
dsn=${1:?usage: pg-backup.sh POSTGRES_DSN [DEST_DIR] [KEEP]}
dest_dir=${2:-./helpdesk-backups}
keep=${3:-30}
mkdir -p "$dest_dir"
out="$dest_dir/helpdesk-$(date +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --file="$out" "$dsn"
pg_restore --list "$out" >/dev/null  # the archive must be readable
ls -1t "$dest_dir"/helpdesk-*.dump 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm --
echo "pg-backup: $out"
