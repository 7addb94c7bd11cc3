#!/bin/sh
# As the official image: `redis-server` with no config file listens on every interface
# without protected mode (the container network is the boundary; set --requirepass).
set -e
if [ "$1" = "redis-server" ]; then
  case "${2:-}" in
    *.conf) ;;
    *) shift; set -- redis-server --protected-mode no "$@" ;;
  esac
fi
exec "$@"
