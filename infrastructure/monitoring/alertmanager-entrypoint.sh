#!/bin/sh
# Runs Alertmanager on alertmanager.yml with its ${VAR} placeholders filled in from the
# environment: Alertmanager reads no environment variables itself, and the on-call
# e-mail settings come from vessels/.env. The SMTP password goes to a file of its own
# (auth_password_file), never into the rendered configuration.
#   alertmanager-entrypoint.sh [alertmanager flags…]   render to /tmp, then exec Alertmanager
#   alertmanager-entrypoint.sh render                 print the rendered configuration
# ALERTMANAGER_CONFIG (the template), ALERTMANAGER_BIN and ALERTMANAGER_RUN_DIR override the
# paths of the official image. Works with busybox sh and awk.
set -eu
template=${ALERTMANAGER_CONFIG:-/etc/alertmanager/alertmanager.yml}
run_dir=${ALERTMANAGER_RUN_DIR:-/tmp}
export ALERTMANAGER_RUN_DIR="$run_dir" # the template names the password file by it

render() {
  # A placeholder whose variable is unset becomes empty; compose requires the ones that matter.
  awk '{
    out = ""; line = $0
    while (match(line, /\$\{[A-Za-z_][A-Za-z0-9_]*\}/)) {
      out = out substr(line, 1, RSTART - 1) ENVIRON[substr(line, RSTART + 2, RLENGTH - 3)]
      line = substr(line, RSTART + RLENGTH)
    }
    print out line
  }' "$template"
}

if [ "${1:-}" = "render" ]; then
  render
  exit 0
fi
umask 077
printf '%s' "${ALERT_SMTP_PASSWORD:-}" >"$run_dir/alertmanager-smtp-password"
render >"$run_dir/alertmanager.yml"
exec "${ALERTMANAGER_BIN:-/bin/alertmanager}" --config.file="$run_dir/alertmanager.yml" "$@"
