#!/usr/bin/env bash
# make restore BACKUP=var/backups/smk-…: load a backup into a NEW database, put the uploads
# back, and run check_invariants on it (README.md, "Backup and restore"). The database the app
# uses is never overwritten: switch to the restored one once it is checked.
#   natively:        RESTORE_DATABASE_URL=postgres://…/smk_restored MEDIA_ROOT=… deploy/restore.sh
#   docker-compose:  COMPOSE=1 deploy/restore.sh   (into smk_restored in the db container)
set -euo pipefail
cd "$(dirname "$0")/.."

backup="${BACKUP:?set BACKUP to a folder made by make backup}"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

if [[ "${COMPOSE:-}" == 1 ]]; then
  docker compose exec -T db createdb -U smk smk_restored
  docker compose exec -T db pg_restore -U smk -d smk_restored --no-owner --exit-on-error \
    <"$backup/database.dump"
  docker compose run --rm --no-deps \
    -e DATABASE_URL="postgres://smk:${POSTGRES_PASSWORD:?}@db:5432/smk_restored" \
    web python manage.py check_invariants
  echo "Restored into smk_restored and checked. To use it: README.md, \"Backup and restore\"."
  exit 0
fi

url="${RESTORE_DATABASE_URL:?set RESTORE_DATABASE_URL to a new postgres:// database}"
name="${url##*/}"
name="${name%%\?*}"
server="${url%/*}/postgres"
if [[ -z "$(psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]]; then
  createdb --maintenance-db="$server" "$name"
elif [[ "$(psql "$url" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]]; then
  echo "restore: $name already has tables; restore into a new database" >&2
  exit 2
fi
pg_restore --dbname="$url" --no-owner --exit-on-error "$backup/database.dump"

if [[ -f "$backup/media.tar.gz" ]]; then
  media="${MEDIA_ROOT:-var/media}"
  mkdir -p "$media"
  tar -C "$media" -xzf "$backup/media.tar.gz"
fi
# check_invariants signs nothing: any SECRET_KEY will do when none is set.
DATABASE_URL="$url" SECRET_KEY="${SECRET_KEY:-restore-check-only}" "${PYTHON:-.venv/bin/python}" \
  manage.py check_invariants
echo "Restored into $name and checked."
