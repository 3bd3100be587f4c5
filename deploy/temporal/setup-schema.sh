#!/bin/sh
# One-shot (docker-compose.yml service `temporal-schema`, image temporalio/admin-tools): creates the two databases of
# the Temporal server in PostgreSQL and brings their schemas to the version this admin-tools image ships. It runs on
# every `docker compose up`, so an upgrade of the Temporal images upgrades the schemas before the new server starts.
#
# The steps are Temporal's own for PostgreSQL (temporalio/samples-server compose/scripts/setup-postgres.sh, and
# temporalio/temporal tools/sql/README.md), and each is idempotent:
#   create-database        an existing database is left alone (the postgres12 plugin ignores "duplicate database")
#   setup-schema -v 0.0    creates the version tables if missing; keeps the recorded version when it is past 0.0
#   update-schema -d DIR   applies the versioned migrations newer than the recorded version, if any
# Connection: SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER from the environment (temporal-sql-tool reads them);
# the password from the stack-secrets volume. Compose starts this job once PostgreSQL answers pg_isready. The native
# cluster (scripts/cluster.ts) runs it too, with STACK_SECRETS_DIR and TEMPORAL_SCHEMA_DIR (the server module's schema/).
set -eu

SQL_PASSWORD=$(cat "${STACK_SECRETS_DIR:-/stack-secrets}/postgres-password")
export SQL_PASSWORD
schemas=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12

for store in temporal:temporal visibility:temporal_visibility; do
  dir="$schemas/${store%%:*}/versioned"
  db="${store#*:}"
  echo "Database $db: create if missing, then update the schema from $dir"
  temporal-sql-tool --db "$db" create-database
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$dir"
done
echo "Temporal schemas are up to date."
