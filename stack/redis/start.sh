#!/bin/sh
# Starts the stack's Redis: its configuration is written at start into a file only the redis user can
# read, never onto a command line (`ps` and /proc show those to anyone on the node). The default user
# (the operator's, and the healthcheck's) gets the password in easypass_redis_password; each user of
# users.acl its own from easypass_redis_password_<user> (hex: `openssl rand -hex`), with its rules and
# the key prefix REDIS_PREFIX (the services' default, `ep`). The arguments are redis-server's.
set -eu
umask 077
prefix="${REDIS_PREFIX:-ep}"
# A missing or blank secret must stop the start: a user without a password could not be signed in as,
# and an empty default password would let anyone in. Letters and digits only (the head of
# docker-stack.yml makes hex ones): anything else could break the line it is written into, and a space
# would differ from what the healthcheck and the services read.
secret() {
  file="/run/secrets/$1"
  [ -f "$file" ] && value=$(cat "$file") && [ -n "$value" ] || { echo "redis: secret $file is missing or empty" >&2; exit 1; }
  case "$value" in *[!A-Za-z0-9]*) echo "redis: secret $file holds more than letters and digits" >&2; exit 1 ;; esac
}
secret easypass_redis_password
config="requirepass $value"
commands=$(sed -n 's/^\* //p' /etc/redis/users.acl)
for user in $(sed -n 's/^\([a-z][a-z-]*\) .*/\1/p' /etc/redis/users.acl); do
  secret "easypass_redis_password_$user"
  keys=$(sed -n "s/^$user \(.*\)/\1/p" /etc/redis/users.acl | sed "s/{prefix}/$prefix/g")
  config="$config
user $user reset on >$value $keys $commands"
done
printf '%s\n' "$config" > /tmp/redis.conf
# Earlier deploys ran redis-server as root and left root-owned files in /data. `sh` bypasses the image's
# entrypoint, so it drops to the redis user here (su-exec: alpine image).
chown -R redis:redis /data
chown redis:redis /tmp/redis.conf
exec su-exec redis redis-server /tmp/redis.conf "$@"
