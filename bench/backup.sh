#!/usr/bin/env bash
# Backup and restore of a database of about SIZE GB (generated with SQL: several tables of mixed
# types, with indexes and foreign keys), by Pitstop against PostgreSQL's own tools, in the same run
# against the same embedded PostgreSQL 15 server:
#   pitstop backup create --no-storage       vs  pg_dump -Fc  and  pg_dump -Fd -j 2
#   pitstop backup restore --yes             vs  pg_restore --single-transaction --clean (of -Fc)
#                                                and pg_restore -j 2 --clean (of -Fd)
#
#   bench/backup.sh [--rev COMMIT] [--size-gb N] [--fixture generated|rentals] > report.md
#
# --fixture rentals loads the realistic schema of the backup fidelity test instead
# (pitstop-backup/src/test/resources/fidelity/rentals.sql: partitioned payments, materialized views,
# domains, rules, triggers, GIN/GiST indexes, grants), scaled to about SIZE GB.
#
# Builds COMMIT (default HEAD) in a temporary export, starts a one-node cluster in a temporary home
# and fills its database. Needs pg_dump/pg_restore 15 or newer (Debian's postgresql-client; run as
# root, the script installs it). Prints a Markdown report on stdout, progress on stderr. Stops
# everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD
SIZE_GB=1
FIXTURE=generated

# --- the database --------------------------------------------------------------------------------

start_cluster() {
  HOME_DIR="$WORK/home"
  log "starting a one-node cluster in $HOME_DIR"
  cluster_up "$HOME_DIR" 1
  use_cluster_db "$HOME_DIR"
}

# The rentals fixture takes about 5 MB per unit of its scale.
load_rentals() {
  local scale=$((SIZE_GB * 200))
  log "loading the rentals fixture at scale $scale (about ${SIZE_GB} GB)"
  psql -q -v ON_ERROR_STOP=1 -v scale="$scale" -f "$SRC/pitstop-backup/src/test/resources/fidelity/rentals.sql" >&2
  psql -q -c 'VACUUM ANALYZE' >&2
  DB_BYTES="$(psql -Atc "SELECT pg_database_size(current_database())")"
  log "database size: $(numfmt --to=iec "$DB_BYTES")"
}

# Rows per GB, measured on this generator: events make up most of it, with their indexes.
generate_data() {
  local events=$((SIZE_GB * 5000000)) customers=$((SIZE_GB * 300000))
  log "generating about ${SIZE_GB} GB: $customers customers, $events events, $((events / 20)) documents"
  psql -q -v ON_ERROR_STOP=1 >&2 <<SQL
CREATE SCHEMA bench;
CREATE TYPE bench.kind AS ENUM ('view', 'click', 'buy', 'refund');
CREATE TABLE bench.customers (
    id integer PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    born date,
    score double precision,
    active boolean NOT NULL DEFAULT true,
    created timestamptz NOT NULL DEFAULT now());
CREATE TABLE bench.events (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES bench.customers,
    at timestamptz NOT NULL,
    kind bench.kind NOT NULL,
    amount numeric(12, 2),
    session uuid NOT NULL,
    tags text[],
    note text);
CREATE TABLE bench.documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES bench.customers,
    body jsonb NOT NULL,
    attachment bytea);
INSERT INTO bench.customers (id, email, name, born, score, active)
    SELECT g, 'user' || g || '@example.com', md5(g::text), date '1950-01-01' + (g % 20000), random() * 100, g % 7 <> 0
    FROM generate_series(1, $customers) g;
INSERT INTO bench.events (customer_id, at, kind, amount, session, tags, note)
    SELECT 1 + g % $customers, timestamptz '2024-01-01' + g * interval '7 seconds',
           (ARRAY['view', 'click', 'buy', 'refund']::bench.kind[])[1 + g % 4],
           CASE WHEN g % 4 >= 2 THEN round((random() * 500)::numeric, 2) END, gen_random_uuid(),
           ARRAY['t' || g % 13, 't' || g % 29], substr(md5(random()::text) || md5(g::text), 1, 10 + g % 40)
    FROM generate_series(1, $events) g;
INSERT INTO bench.documents (customer_id, body, attachment)
    SELECT 1 + g % $customers, jsonb_build_object('n', g, 'title', md5(g::text), 'lines',
               jsonb_build_array(random(), md5(random()::text), g % 100)),
           CASE WHEN g % 10 = 0 THEN decode(md5(random()::text) || md5(random()::text), 'hex') END
    FROM generate_series(1, $((events / 20))) g;
CREATE INDEX events_customer_at_idx ON bench.events (customer_id, at);
CREATE INDEX events_kind_idx ON bench.events (kind) WHERE kind = 'refund';
CREATE INDEX documents_body_idx ON bench.documents USING gin (body jsonb_path_ops);
VACUUM ANALYZE;
SQL
  DB_BYTES="$(psql -Atc "SELECT pg_database_size(current_database())")"
  log "database size: $(numfmt --to=iec "$DB_BYTES")"
}

# --- measurements --------------------------------------------------------------------------------


# The time a procedure's step took, from its "N. NAME ... done in X s" line.
step_seconds() {
  awk -v step="$2" 'index($0, step) && match($0, /done in [0-9.]+ s/) {
    print substr($0, RSTART + 8, RLENGTH - 10); exit }' "$1"
}

restore_into_empty() {
  local dump=$1
  shift
  psql -q -c "DROP DATABASE IF EXISTS bench_restore" -c "CREATE DATABASE bench_restore" >&2
  timed pg_restore "$@" -d bench_restore "$dump"
  psql -q -c "DROP DATABASE bench_restore" >&2
}

measure() {
  # pg_dump leaves out the control schema, as a Pitstop backup does.
  timed pitstop --home "$HOME_DIR" backup create --no-storage --output "$WORK/pitstop.backup"
  P_CREATE=$SECONDS_TAKEN
  timed pg_dump -Fc -N pitstop -f "$WORK/dump.fc"
  FC_CREATE=$SECONDS_TAKEN
  timed pg_dump -Fd -j 2 -N pitstop -f "$WORK/dump.dir"
  FD_CREATE=$SECONDS_TAKEN

  # pg_dump's files are restored into an empty database, in one transaction as Pitstop's restore:
  # pg_restore --clean cannot drop a partition's inherited keys, and an empty database spares it
  # the drops a Pitstop restore makes.
  restore_into_empty "$WORK/dump.fc" --single-transaction
  FC_RESTORE=$SECONDS_TAKEN
  restore_into_empty "$WORK/dump.dir" -j 2
  FD_RESTORE=$SECONDS_TAKEN
  timed pitstop --home "$HOME_DIR" backup restore "$WORK/pitstop.backup" --yes
  P_PROCEDURE=$SECONDS_TAKEN
  cp "$WORK/last.out" "$WORK/restore.out"
  P_RESTORE="$(step_seconds "$WORK/restore.out" "restore pitstop.backup")"
  P_SAFETY="$(step_seconds "$WORK/restore.out" "save the current data")"

  P_SIZE="$(stat -c %s "$WORK/pitstop.backup")"
  FC_SIZE="$(stat -c %s "$WORK/dump.fc")"
  FD_SIZE="$(du -sb "$WORK/dump.dir" | cut -f1)"
}

# --- report --------------------------------------------------------------------------------------

row() {
  local tool=$1 create=$2 restore=$3 size=$4
  printf '| %s | %s | %s | %s | %s / %s / %s |\n' "$tool" "$create" "$restore" "$(numfmt --to=iec "$size")" \
    "$(ratio "$create" "$FC_CREATE")" "$(ratio "$restore" "$FC_RESTORE")" "$(ratio "$size" "$FC_SIZE")"
}

report() {
  echo "Command: \`bench/backup.sh --rev $COMMIT --size-gb $SIZE_GB --fixture $FIXTURE\`"
  echo
  environment_md
  echo "- database: $(numfmt --to=iec "$DB_BYTES") (\`pg_database_size\`) on the embedded PostgreSQL" \
    "$(psql -Atc 'SHOW server_version') the cluster runs (fsync $(psql -Atc 'SHOW fsync'), as \`pitstop up\` starts it); $(pg_dump --version)"
  echo
  echo "| tool | create s | restore s | file size | create / restore / size vs pg_dump -Fc |"
  echo "|---|---|---|---|---|"
  row "pg_dump -Fc / pg_restore --single-transaction" "$FC_CREATE" "$FC_RESTORE" "$FC_SIZE"
  row "pg_dump -Fd -j 2 / pg_restore -j 2" "$FD_CREATE" "$FD_RESTORE" "$FD_SIZE"
  row "pitstop backup create / restore (the restore step)" "$P_CREATE" "$P_RESTORE" "$P_SIZE"
  echo
  echo "pg_restore loads pg_dump's files into an empty database (\`--clean\` cannot drop a partition's inherited"
  echo "keys); Pitstop's restore replaces the application schemas of the live database, drops included."
  echo
  echo "The whole \`pitstop backup restore\` procedure took ${P_PROCEDURE} s: besides the restore step" \
    "(which verifies the file, then loads it in one transaction) it saved the current data in a safety" \
    "backup (${P_SAFETY} s) and stopped, started and verified the node."
}

main() {
  parse_options --rev REV --size-gb SIZE_GB --fixture FIXTURE -- "$@"
  command -v jq >/dev/null || require_packages jq
  require_pg_client
  init_run
  build_revision "$REV"
  start_cluster
  if [[ $FIXTURE == rentals ]]; then load_rentals; else generate_data; fi
  await_quiet_machine
  measure
  report
}

main "$@"
