#!/bin/sh
# One-shot (docker-compose.yml service `postgres-password`): makes the PostgreSQL password of this stack once, a random
# one, in the `stack-secrets` volume. PostgreSQL reads it when it first creates its data directory
# (POSTGRES_PASSWORD_FILE); the schema job and the Temporal server read it on every start. So no password is written
# in this repository, and a fresh clone still starts with `docker compose up`.
# The native cluster (scripts/cluster.ts) runs it too, with STACK_SECRETS_DIR set to a folder of its own.
set -eu

file=${STACK_SECRETS_DIR:-/stack-secrets}/postgres-password
if [ -s "$file" ]; then
  echo "The database password exists (stack-secrets volume); nothing to do."
  exit 0
fi
# 32 random bytes as hex: no character that needs quoting in a URL, a shell or a YAML file.
umask 022
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp"
[ "$(wc -c <"$file.tmp")" -eq 64 ] || { echo "could not generate the database password" >&2; exit 1; }
mv "$file.tmp" "$file"
echo "Generated the database password (stack-secrets volume)."
