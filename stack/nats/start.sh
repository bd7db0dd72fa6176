#!/bin/sh
# Starts the stack's NATS: its configuration is written at start into a file only this container's root
# can read, never onto a command line (`ps` and /proc show those to anyone on the node). The users and
# their permissions (users.conf) need each one's password defined first: the operator's from the secret
# easypass_nats_password, each service's from easypass_nats_password_<service> (hex: `openssl rand -hex`,
# written between double quotes).
set -eu
umask 077
{
  for user in $(sed -n 's/.*{ user: \([a-z-]*\), password: .*/\1/p' /etc/nats/users.conf); do
    file=/run/secrets/easypass_nats_password
    [ "$user" = easypass ] || file="${file}_${user}"
    # A missing or blank secret must stop the start: an empty password would let anyone in as that user.
    [ -f "$file" ] && password=$(tr -d '[:space:]' < "$file") && [ -n "$password" ] || { echo "nats: secret $file is missing or empty" >&2; exit 1; }
    printf 'NATS_PASSWORD_%s: "%s"\n' "$(echo "$user" | tr a-z- A-Z_)" "$password"
  done
  cat /etc/nats/users.conf /etc/nats/easypass.conf
} > /tmp/nats.conf
exec nats-server -c /tmp/nats.conf
