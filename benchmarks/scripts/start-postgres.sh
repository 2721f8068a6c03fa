#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 cluster for the lineage benchmark and creates its database.
# Install first (as root): apt-get install -y postgresql
# Sets the postgres user's password to $PGPASSWORD (default 'bench') for TCP logins on localhost.
set -euo pipefail
PASSWORD="${PGPASSWORD:-bench}"
DB="${PGDATABASE:-tracelake_bench}"
if ! pg_lsclusters -h | grep -q "^15 *main .*online"; then
  pg_ctlcluster 15 main start
fi
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD '${PASSWORD}'\""
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = '${DB}'\"" | grep -q 1; then
  su postgres -c "createdb ${DB}"
fi
su postgres -c "psql -tAc 'SELECT version()'"
