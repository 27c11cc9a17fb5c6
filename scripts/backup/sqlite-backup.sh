#!/usr/bin/env bash
# Cron-friendly backup of helpdesk's SQLite database, taken from outside the running program.
# Uses SQLite's online backup (safe while helpdesk runs), checks the copy, keeps the newest N.
# The database only: the program's own backups (`helpdesk backup`, daily inside the program) also pack
# the uploads and the secret key; back those up alongside if you rely on this script.
#
#   scripts/backup/sqlite-backup.sh [DATA_DIR] [DEST_DIR] [KEEP]
#   e.g. in crontab:  30 2 * * *  /opt/helpdesk/scripts/backup/sqlite-backup.sh /srv/helpdesk /mnt/share/helpdesk 30
set -euo pipefail
data_dir=${1:-${HELPDESK_DATA_DIR:-$HOME/.local/share/helpdesk}}
dest_dir=${2:-$data_dir/backups/external}
keep=${3:-30}
db="$data_dir/helpdesk.db"

[ -f "$db" ] || { echo "sqlite-backup: no database at $db" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite-backup: the sqlite3 command is needed" >&2; exit 1; }
mkdir -p "$dest_dir"
out="$dest_dir/helpdesk-$(date +%Y%m%d-%H%M%S).db"
sqlite3 "$db" ".timeout 30000" ".backup '$out'"
check=$(sqlite3 "$out" "PRAGMA integrity_check;")
if [ "$check" != "ok" ]; then
  echo "sqlite-backup: integrity check failed for $out: $check" >&2
  mv "$out" "$out.broken"
  exit 1
fi
gzip -9 "$out"
ls -1t "$dest_dir"/helpdesk-*.db.gz 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm --
echo "sqlite-backup: $out.gz"
