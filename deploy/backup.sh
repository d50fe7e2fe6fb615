#!/usr/bin/env bash
# make backup: the database in pg_dump's custom format plus the uploaded files, in one folder
# BACKUP_DIR/smk-<date>-<time>/ (README.md, "Backup and restore").
#   natively:        DATABASE_URL=postgres://… MEDIA_ROOT=var/media deploy/backup.sh
#   docker-compose:  COMPOSE=1 deploy/backup.sh   (pg_dump of the db container, the web's files)
set -euo pipefail
cd "$(dirname "$0")/.."

target="${BACKUP_DIR:-var/backups}/smk-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$target"

if [[ "${COMPOSE:-}" == 1 ]]; then
  docker compose exec -T db pg_dump -U smk -d smk --format=custom >"$target/database.dump"
  docker compose exec -T web tar -C /app/var/media -czf - . >"$target/media.tar.gz"
else
  : "${DATABASE_URL:?set DATABASE_URL to the postgres:// database to back up}"
  [[ "$DATABASE_URL" == postgres* ]] || { echo "backup: DATABASE_URL is not PostgreSQL" >&2; exit 2; }
  pg_dump --format=custom --dbname="$DATABASE_URL" --file="$target/database.dump"
  if [[ -n "${S3_BUCKET:-}" ]]; then
    # Objects stay in the bucket: keep them with the storage's own versioning or replication.
    echo "backup: uploads are in the bucket $S3_BUCKET; not copied" >&2
  else
    media="${MEDIA_ROOT:-var/media}"
    mkdir -p "$media"
    tar -C "$media" -czf "$target/media.tar.gz" .
  fi
fi

(cd "$target" && sha256sum -- * >SHA256SUMS)
echo "$target"
