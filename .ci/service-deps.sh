#!/usr/bin/env bash
# Install and start what the service/alerts tests need on a fresh Debian machine (run as root):
# PostgreSQL from Debian's packages (a role and a database for the tests) and Debian's headless Chromium.
# Prints `export ...` lines on stdout, so a caller can do:  eval "$(.ci/service-deps.sh)"
set -euo pipefail
PG_USER=supplyscope
PG_PASS=supplyscope
PG_DB=supplyscope
PG_PORT="${SUPPLYSCOPE_PG_PORT:-5432}"

export DEBIAN_FRONTEND=noninteractive
{
  apt-get update -q
  apt-get install -y -q --no-install-recommends postgresql chromium chromium-driver fonts-dejavu-core
} >&2

# Start the default cluster (Debian creates one when the package is installed).
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
if ! pg_lsclusters -h | grep -q "^${PG_VERSION} main"; then
  pg_createcluster "${PG_VERSION}" main --port "${PG_PORT}" >&2
fi
pg_ctlcluster "${PG_VERSION}" main start >&2 || true   # already running is fine
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; then break; fi
  sleep 1
done
pg_isready -h 127.0.0.1 -p "${PG_PORT}" >&2

# Role and database (idempotent).
su postgres -c "psql -p ${PG_PORT} -v ON_ERROR_STOP=1 -q" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
    CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASS}';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -p ${PG_PORT} -tAc \"SELECT 1 FROM pg_database WHERE datname='${PG_DB}'\"" | grep -q 1; then
  su postgres -c "createdb -p ${PG_PORT} -O ${PG_USER} ${PG_DB}" >&2
fi

CHROMIUM="$(command -v chromium || true)"
echo "export SUPPLYSCOPE_TEST_PG_URL=postgresql://${PG_USER}:${PG_PASS}@127.0.0.1:${PG_PORT}/${PG_DB}"
echo "export SUPPLYSCOPE_REQUIRE_PG=1"
echo "export SUPPLYSCOPE_CHROMIUM=${CHROMIUM}"
echo "export SUPPLYSCOPE_REQUIRE_BROWSER=1"
