#!/bin/sh
# Writes Mosquitto's password file from the environment, then becomes the broker (PID 1,
# so `docker stop` reaches it). The file lives in the container's tmpfs /tmp, readable by
# the broker's user only, and is rewritten at every start: the environment is the truth.
#   MQTT_SERVICE_PASSWORD   quantum-iot-integration's password (required)
#   MQTT_DEVICES            devices' accounts, comma-separated <device id>:<password>
set -eu
umask 077
: "${MQTT_SERVICE_PASSWORD:?MQTT_SERVICE_PASSWORD must be set}"
mosquitto_passwd -c -b /tmp/passwd quantum-iot-integration "$MQTT_SERVICE_PASSWORD"
old_ifs=$IFS
IFS=','
for account in ${MQTT_DEVICES:-}; do
  device=${account%%:*}
  password=${account#*:}
  if [ -z "$device" ] || [ "$device" = "$account" ] || [ -z "$password" ]; then
    echo "MQTT_DEVICES: '$device' is not <device id>:<password>" >&2
    exit 1
  fi
  mosquitto_passwd -b /tmp/passwd "$device" "$password"
done
IFS=$old_ifs
exec /usr/sbin/mosquitto -c /mosquitto/config/mosquitto.conf
