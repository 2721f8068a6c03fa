#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 cluster for the tests and benchmarks and creates their database.
# Install first (as root): apt-get install -y postgresql
# Sets the postgres user's password to $PGPASSWORD (default 'bench') for TCP logins on localhost,
# and creates $PGDATABASE (default tracelake_bench).
set -euo pipefail
PASSWORD="${PGPASSWORD:-bench}"
DB="${PGDATABASE:-tracelake_bench}"
if ! pg_lsclusters -h | grep -q "^15 *main .*online"; then
  pg_ctlcluster 15 main start
fi
# psql as the postgres superuser, connected to the maintenance database whatever the caller's
# libpq environment says: su keeps PGDATABASE (and PGHOST, PGPORT...), and on a fresh cluster the
# database it names does not exist yet.
admin_psql() {
  su postgres -c "env -u PGDATABASE -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD psql -d postgres $*"
}
admin_psql "-q -c \"ALTER USER postgres PASSWORD '${PASSWORD}'\""
if ! admin_psql "-tAc \"SELECT 1 FROM pg_database WHERE datname = '${DB}'\"" | grep -q 1; then
  su postgres -c "env -u PGDATABASE -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD createdb '${DB}'"
fi
admin_psql "-tAc 'SELECT version()'"
