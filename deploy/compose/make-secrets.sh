#!/bin/sh
# Writes random secrets for deploy/compose.yaml into deploy/compose/secrets/ (mode 0600; git ignores them).
# Existing files are kept, so running it again changes nothing. Needs openssl.
set -eu
DIR=$(cd "$(dirname "$0")" && pwd)/secrets
mkdir -p "$DIR"
umask 077
write() { [ -s "$DIR/$1" ] || printf '%s\n' "$2" > "$DIR/$1"; }
write postgres_password "$(openssl rand -hex 24)"
write redis_password "$(openssl rand -hex 24)"
write unlatch_keys "k$(date +%Y%m%d):$(openssl rand -base64 32)"
write unlatch_database_url "postgres://unlatch:$(cat "$DIR/postgres_password")@postgres:5432/unlatch"
write unlatch_redis_url "redis://:$(cat "$DIR/redis_password")@redis:6379/0"
# The containers run as uid 10001 (Unlatch), 999 (postgres, redis): compose mounts these files as they are.
chmod 0700 "$DIR"; chmod 0644 "$DIR"/*   # the folder keeps other host users out
echo "secrets in $DIR: $(ls "$DIR" | tr '\n' ' ')"
