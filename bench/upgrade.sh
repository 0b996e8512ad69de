#!/usr/bin/env bash
# Downtime of the version upgrade 1.0.0 -> 1.1.0 of a three-node cluster with a database of at
# least MIN_MB MiB (default 500), step by step, against a floor measured in the same run on the
# same data:
#   floor = backup time   (`pitstop backup create` of the cluster, as the upgrade's backup step)
#         + migration time (items' 1.1.0 migration V2__add_sku.sql alone, run with psql on a copy
#                           of the items table in a database of its own)
#         + one node's start (a 1.1.0 node on the upgraded database, launch to /health/ready 200)
#
#   bench/upgrade.sh [--rev COMMIT] [--rows N] [--min-mb MB] [--repeat N] > report.md
#
# --rows: items generated in app.items (default 5000000: a database of about 560 MiB);
# --repeat: samples of the node start, median reported (default 3). Builds COMMIT (default HEAD)
# in a temporary export, starts a three-node 1.0.0 cluster with embedded PostgreSQL in a temporary
# home on free loopback ports and fills it. Needs psql (Debian's postgresql-client; run as root,
# the script installs it). Prints a Markdown report on stdout, progress on stderr. Stops everything
# it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD
ROWS=5000000
MIN_MB=500
REPEAT=3
READY_TIMEOUT=180   # for node_start_to_ready: as long as the upgrade waits for a node
FLOOR_DB=pitstop_bench_floor

# --- the cluster and its data --------------------------------------------------------------------

start_cluster() {
  HOME_DIR="$WORK/home"
  log "starting a three-node 1.0.0 cluster in $HOME_DIR"
  cluster_up "$HOME_DIR" 3
  use_cluster_db "$HOME_DIR"
}

generate_data() {
  log "generating $ROWS items in app.items"
  psql -q -v ON_ERROR_STOP=1 >&2 <<SQL
INSERT INTO app.items (name, created_at)
    SELECT 'item ' || g || ' ' || md5(g::text), timestamptz '2024-01-01' + g * interval '3 seconds'
    FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE app.items;
CHECKPOINT;
SQL
  DB_BYTES="$(psql -Atc "SELECT pg_database_size(current_database())")"
  ITEMS_BYTES="$(psql -Atc "SELECT pg_total_relation_size('app.items')")"
  log "database size: $(numfmt --to=iec "$DB_BYTES") (app.items with its index: $(numfmt --to=iec "$ITEMS_BYTES"))"
  ((DB_BYTES >= MIN_MB * 1024 * 1024)) || die "the database has only $((DB_BYTES / 1048576)) MiB, less than --min-mb $MIN_MB; raise --rows"
}

# --- the floor -----------------------------------------------------------------------------------

# The backup the upgrade makes is `Backups.create` of database and storage, then `Backups.verify`;
# `backup create` runs the same create from the CLI and reports the engine's own time ("Backup
# written: FILE (SIZE in X s; ...)"), which is the floor's; the command's wall time adds the CLI's
# JVM start. Verification is timed apart (wall time, no engine time is printed): it is the
# procedure's choice, not part of the floor.
floor_backup() {
  floor_backup_create
  timed pitstop --home "$HOME_DIR" backup verify "$WORK/floor.backup"
  FLOOR_VERIFY=$SECONDS_TAKEN
  rm -f "$WORK/floor.backup"
  log "floor: backup create ${FLOOR_BACKUP}s in the engine, ${FLOOR_BACKUP_WALL}s with the CLI" \
    "($(numfmt --to=iec "$BACKUP_BYTES")); verify ${FLOOR_VERIFY}s with the CLI"
}

# The migration's own SQL, from the commit under test, on a copy of the items table in a database
# of its own (the nodes hold connections to the cluster's, so CREATE DATABASE ... TEMPLATE cannot
# copy it). The copy is made with 1.0.0's V1 and COPY, vacuumed and checkpointed like the original;
# only the migration is timed, in one transaction as the node runs it.
floor_migration() {
  local versions="$SRC/demo/items/src/versions"
  V2_SQL="$versions/1.1.0/migrations/items/V2__add_sku.sql"
  [[ -f $V2_SQL && -f $versions/1.0.0/migrations/items/V1__create_items.sql ]] \
    || die "the items migrations are not where this script expects them in $SRC (demo/items/src/versions)"
  log "floor: copying app.items into database $FLOOR_DB"
  psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $FLOOR_DB" >&2
  psql -q -v ON_ERROR_STOP=1 -d "$FLOOR_DB" -f "$versions/1.0.0/migrations/items/V1__create_items.sql" >&2
  psql -v ON_ERROR_STOP=1 -c "COPY app.items TO STDOUT" \
    | psql -q -v ON_ERROR_STOP=1 -d "$FLOOR_DB" -c "COPY items FROM STDIN" >&2
  psql -q -v ON_ERROR_STOP=1 -d "$FLOOR_DB" -c "VACUUM ANALYZE items" -c "CHECKPOINT" >&2
  timed psql -q -v ON_ERROR_STOP=1 -d "$FLOOR_DB" --single-transaction -f "$V2_SQL"
  FLOOR_MIGRATION=$SECONDS_TAKEN
  local check
  check="$(psql -Atc "SELECT count(*) FILTER (WHERE sku = 'ITEM-' || id) = $ROWS FROM items" -d "$FLOOR_DB")"
  [[ $check == t ]] || die "the migration on the copy did not give every item its sku"
  psql -q -v ON_ERROR_STOP=1 -c "DROP DATABASE $FLOOR_DB" -c "CHECKPOINT" >&2
  log "floor: migration ${FLOOR_MIGRATION}s"
}

# After the upgrade: extra 1.1.0 nodes on the upgraded database, one at a time, as bench/startup.sh.
floor_node_start() {
  node_start_samples "$REPEAT" floor "$TARGET" "$DB_URL" "$DB_USER" "$HOME_DIR/storage"
  FLOOR_NODE="$(ms_to_s "$(median "${NODE_MS[@]}")")"
}

# --- the upgrade ---------------------------------------------------------------------------------

run_upgrade() {
  TARGET="$SRC/demo/target/releases/1.1.0"
  log "upgrading to 1.1.0 (the steps follow as they finish)"
  upgrade_timed
}

# The data survived and every node runs 1.1.0: a benchmark of an upgrade that lost rows is no result.
check_outcome() {
  local counts versions
  counts="$(psql -Atc "SELECT count(*) || ' ' || count(*) FILTER (WHERE sku = 'ITEM-' || id) FROM app.items")"
  [[ $counts == "$ROWS $ROWS" ]] || die "after the upgrade app.items has (rows, rows with ITEM-<id>) = ($counts), expected $ROWS each"
  versions="$(pitstop --home "$HOME_DIR" status --json | jq -r '[.nodes[].version] | unique | join(",")')"
  [[ $versions == 1.1.0 ]] || die "after the upgrade the nodes report versions $versions"
  NODE_COUNT="$(pitstop --home "$HOME_DIR" status --json | jq '.nodes | length')"
  # node-1 journals its upgrade (core and plugin migrations) in pitstop.installations: begun, completed.
  MIGRATION_IN_NODE="$(psql -Atc "SELECT round(extract(epoch FROM completed_at - started_at)::numeric, 2)
      FROM pitstop.installations WHERE kind = 'upgrade' AND release_version = '1.1.0' ORDER BY id DESC LIMIT 1")"
  log "outcome: $ROWS items, each with its sku; $NODE_COUNT nodes on 1.1.0"
}

# --- report --------------------------------------------------------------------------------------

report() {
  local floor
  floor="$(awk -v a="$FLOOR_BACKUP" -v b="$FLOOR_MIGRATION" -v c="$FLOOR_NODE" 'BEGIN { printf "%.2f\n", a + b + c }')"
  echo "Command: \`bench/upgrade.sh --rev $COMMIT --rows $ROWS --min-mb $MIN_MB --repeat $REPEAT\`"
  echo
  environment_md
  echo "- data: $ROWS items in \`app.items\`; database $(numfmt --to=iec "$DB_BYTES") before the upgrade" \
    "(\`app.items\` with its primary key $(numfmt --to=iec "$ITEMS_BYTES")); a backup of it is $(numfmt --to=iec "$BACKUP_BYTES")"
  echo "- cluster: 3 nodes, built-in gateway, embedded PostgreSQL, all on this machine"
  echo
  upgrade_and_floor_md 1.1.0
  echo "| migration | $FLOOR_MIGRATION | \`psql --single-transaction -f V2__add_sku.sql\` on a copy of \`app.items\` |"
  echo "| one node's start | $FLOOR_NODE | a 1.1.0 node on the upgraded database, launch to \`/health/ready\` 200, median of $REPEAT: $(for i in "${NODE_MS[@]}"; do printf '%s ' "$(ms_to_s "$i")"; done)|"
  echo "| **floor** | **$floor** | |"
  echo "| (not in the floor) backup verify | $FLOOR_VERIFY | \`pitstop backup verify\` of that backup; the upgrade verifies its backup too |"
  echo
  echo "Ratio downtime / floor: **$(ratio "$DOWNTIME" "$floor")x** ($DOWNTIME s / $floor s)."
  if [[ -n $MIGRATION_IN_NODE ]]; then
    local step5 rest
    step5="$(jq -r '[.steps[] | select((.rollback | not) and (.name | test("upgraded the database")))][0].seconds' "$WORK/upgrade.json")"
    rest="$(awk -v a="$step5" -v b="$MIGRATION_IN_NODE" 'BEGIN { printf "%.2f\n", a - b }')"
    echo
    echo "Inside the step that starts the first node ($step5 s), node-1's own upgrade of the database (its" \
      "migrations, from begun to completed in \`pitstop.installations\`) took **$MIGRATION_IN_NODE s**, against" \
      "$FLOOR_MIGRATION s for the same SQL alone; the rest of that step, $rest s, is node-1's start and the wait" \
      "until it was ready, with no other node running."
  fi
}

main() {
  parse_options --rev REV --rows ROWS --min-mb MIN_MB --repeat REPEAT -- "$@"
  require_packages jq curl
  require_pg_client
  init_run
  build_revision "$REV"
  await_quiet_machine
  start_cluster
  generate_data
  floor_backup
  floor_migration
  run_upgrade
  check_outcome
  floor_node_start
  report
}

main "$@"
