#!/usr/bin/env bash
# Downtime of a NocoBase upgrade through `pitstop upgrade` on a two-node cluster, step by step, against
# a floor measured in the same run on the same data:
#   floor = backup time      (`pitstop backup create` of the cluster, as the upgrade's backup step)
#         + upgrade command  (the target release's `upgrade` command from its release.json, NocoBase's
#                             `upgrade --skip-code-update`, alone, on a copy of the cluster's database)
#         + one node's start (a node of the target release on the upgraded database, launch to its
#                             health path, /api/__health_check, answering 200)
#
#   bench/nocobase-upgrade.sh [--rev COMMIT] [--version V] [--repeat N] > report.md
#
# The two releases are made as NocobaseClusterTest makes its upgrade releases: `pitstop release nocobase`
# of NocoBase V (default 2.2.15) with the test's local plugin (pitstop-tests' resources, nocobase-plugin),
# enabled at install as a built-in one; the target has its own release version and the plugin's first
# migration, which changes a user created before the upgrade. NocoBase's install comes from the cache
# (~/.cache/pitstop, or $PITSTOP_CACHE; never deleted here), or once from the npm registry.
# --repeat: samples of the node start, median reported (default 1: a NocoBase node takes a minute or more
# on a busy machine). Builds COMMIT (default HEAD) in a temporary export, as bench/upgrade.sh. Needs
# Node.js (node, npx), psql and pg_dump, jq, curl. Prints a Markdown report on stdout, progress on stderr.
# Stops everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD
VERSION=2.2.15
REPEAT=1
READY_TIMEOUT=900   # the first node of a release runs NocoBase's install or upgrade before it is ready
POLL_SECONDS=0.2
PLUGIN=@pitstop/plugin-upgrade-check
USER_NAME=upgrade-check   # the user whose nickname the plugin's first migration sets to "migrated"
FLOOR_DB=pitstop_bench_nocobase_floor

# --- releases, as NocobaseClusterTest makes them ------------------------------------------------

# A release of NocoBase VERSION with release version RELEASE_VERSION and the test's plugin with its
# first MIGRATIONS migrations; its directory is $WORK/release-RELEASE_VERSION.
make_release() {
  local release_version=$1 migrations=$2 resources="$SRC/pitstop-tests/src/test/resources/nocobase-plugin"
  local plugin="$WORK/plugins-$release_version/upgrade-check" dir="$WORK/release-$release_version" migration
  mkdir -p "$plugin"
  cp -R "$resources/package/." "$plugin/"
  mkdir -p "$plugin/dist/server/migrations"
  for migration in $(find "$resources/migrations" -type f | sort | head -n "$migrations"); do
    cp "$migration" "$plugin/dist/server/migrations/"
  done
  timed pitstop release nocobase --version "$VERSION" --release-version "$release_version" \
    --plugins "$(dirname "$plugin")" --output "$dir"
  log "release $release_version made in ${SECONDS_TAKEN}s"
  # As the test: NocoBase enables the plugin at install, so that every release's upgrade runs its migrations.
  printf '\nAPPEND_PRESET_BUILT_IN_PLUGINS=%s\n' "$PLUGIN" >>"$dir/app/.env"
}

make_releases() {
  make_release "$VERSION" 0
  RELEASE="$WORK/release-$VERSION"
  TARGET_VERSION="$(awk -F. '{ printf "%d.%d.%d-local.1", $1, $2, $3 + 1 }' <<<"$VERSION")"
  make_release "$TARGET_VERSION" 1
  TARGET="$WORK/release-$TARGET_VERSION"
}

# --- the cluster and its data -------------------------------------------------------------------

start_cluster() {
  HOME_DIR="$WORK/home"
  mkdir -p "$HOME_DIR"
  echo "ready-timeout-seconds: $READY_TIMEOUT" >"$HOME_DIR/pitstop.yml"
  log "starting a two-node NocoBase $VERSION cluster in $HOME_DIR (node-1 installs, then node-2 starts)"
  local t0
  t0="$(now_ms)"
  cluster_up "$HOME_DIR" 2
  FIRST_START="$(ms_to_s $(($(now_ms) - t0)))"
  log "cluster up in ${FIRST_START}s"
  use_cluster_db "$HOME_DIR"
  GATEWAY="$(jq -r .gateway "$HOME_DIR/cluster.json")"
}

# Signs in as the root user (its password is the cluster's secret; it goes to curl on stdin, never
# on a command line) and creates the user the target's migration changes.
create_user() {
  local token
  token="$(jq -n --arg password "$(<"$HOME_DIR/secrets/nocobase-root-password")" \
      '{account: "nocobase", password: $password}' \
    | curl -sf -H 'Content-Type: application/json' -H 'X-Authenticator: basic' --data-binary @- \
      "$GATEWAY/api/auth:signIn" | jq -r .data.token)" || die "signing in as nocobase through $GATEWAY failed"
  jq -n --arg name "$USER_NAME" '{username: $name, email: ($name + "@example.com"), password: "secret-123"}' \
    | curl -sf -o /dev/null -H 'Content-Type: application/json' -H 'X-Authenticator: basic' \
      -H @<(printf 'Authorization: Bearer %s\n' "$token") --data-binary @- "$GATEWAY/api/users:create" \
    || die "creating the user $USER_NAME through $GATEWAY failed"
  DB_BYTES="$(psql -Atc "SELECT pg_database_size(current_database())")"
  TABLES="$(psql -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
  log "database: $(numfmt --to=iec "$DB_BYTES"), $TABLES tables in public"
}

# --- one node's setting, from the release's descriptor -------------------------------------------

# TEMPLATE with the descriptor's placeholders filled for a node outside the cluster: on PORT, the
# database DB_NAME of the cluster's server, STORAGE, and its own NODE_DIR; secrets are the cluster's.
expand_placeholders() {
  local rest=$1 release=$2 port=$3 db_name=$4 storage=$5 node_dir=$6 result="" name value
  while [[ $rest =~ \$\{([A-Za-z0-9_.-]+)\} ]]; do
    name=${BASH_REMATCH[1]}
    result+="${rest%%"${BASH_REMATCH[0]}"*}"
    rest="${rest#*"${BASH_REMATCH[0]}"}"
    case $name in
      env.*) value="$(printenv "${name#env.}" || true)" ;;
      secret.*) value="$(<"$HOME_DIR/secrets/${name#secret.}")" ;;
      port) value=$port ;;
      db.host) value=$PGHOST ;;
      db.port) value=$PGPORT ;;
      db.name) value=$db_name ;;
      db.user) value=$PGUSER ;;
      db.password) value=${PGPASSWORD-} ;;
      db.url) value="jdbc:postgresql://$PGHOST:$PGPORT/$db_name" ;;
      storage) value=$storage ;;
      node.dir) value=$node_dir ;;
      node.id) value=bench-node ;;
      release) value=$release ;;
      *) die "the descriptor of $release uses \${$name}, which this script does not fill" ;;
    esac
    result+=$value
  done
  printf '%s' "$result$rest"
}

# Runs the descriptor's command at jq path WHAT (.node.command, .node.commands.upgrade) of RELEASE in the
# foreground, with the node's environment and working directory (see expand_placeholders for the rest).
node_command() {
  local what=$1 release=$2 port=$3 db_name=$4 storage=$5 node_dir=$6 descriptor="$2/release.json" entry
  local -a command=() environment=()
  mkdir -p "$node_dir"
  while IFS= read -r entry; do
    command+=("$(expand_placeholders "$entry" "$release" "$port" "$db_name" "$storage" "$node_dir")")
  done < <(jq -r "$what[]" "$descriptor")
  while IFS= read -r entry; do
    environment+=("${entry%%=*}=$(expand_placeholders "${entry#*=}" "$release" "$port" "$db_name" "$storage" "$node_dir")")
  done < <(jq -r '.node.environment | to_entries[] | "\(.key)=\(.value)"' "$descriptor")
  (
    cd "$release/$(jq -r '.node.workingDirectory // "."' "$descriptor")"
    export "${environment[@]}"
    exec "${command[@]}"
  )
}

# --- the floor -----------------------------------------------------------------------------------

# As bench/upgrade.sh: `backup create` reports the engine's own time, the floor's part.
floor_backup() {
  floor_backup_create
  rm -f "$WORK/floor.backup"
  log "floor: backup create ${FLOOR_BACKUP}s in the engine, ${FLOOR_BACKUP_WALL}s with the CLI ($(numfmt --to=iec "$BACKUP_BYTES"))"
}

# The target's upgrade command alone, on a copy of the database (pg_dump | pg_restore: the nodes hold
# connections to the original, so CREATE DATABASE ... TEMPLATE cannot copy it) and of the storage
# directory, before the cluster is upgraded, so both are in the state the procedure will find.
floor_upgrade_command() {
  log "floor: copying the database into $FLOOR_DB and the storage directory"
  psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $FLOOR_DB" >&2
  pg_dump -Fc "$PGDATABASE" | pg_restore -d "$FLOOR_DB" --no-owner >&2
  cp -a "$HOME_DIR/storage" "$WORK/floor-storage"
  timed node_command .node.commands.upgrade "$TARGET" "$(free_port)" "$FLOOR_DB" "$WORK/floor-storage" "$WORK/floor-node"
  FLOOR_UPGRADE=$SECONDS_TAKEN
  grep -q "NocoBase has been upgraded" "$WORK/last.out" "$WORK/last.err" \
    || { tail -20 "$WORK/last.out" >&2; die "the upgrade command on the copy did not say 'NocoBase has been upgraded'"; }
  local nickname
  nickname="$(psql -Atc "SELECT nickname FROM users WHERE username = '$USER_NAME'" -d "$FLOOR_DB")"
  [[ $nickname == migrated ]] || die "the upgrade command on the copy did not run the plugin's migration (nickname '$nickname')"
  psql -q -v ON_ERROR_STOP=1 -c "DROP DATABASE $FLOOR_DB" >&2
  rm -rf "$WORK/floor-storage"
  log "floor: upgrade command ${FLOOR_UPGRADE}s"
}

# A node of the target release on the upgraded database and the cluster's storage, launched in a process
# group of its own (NocoBase's CLI starts the server as a child), timed to its health path's first 200.
NODE_GROUP=
node_start_to_healthy() {
  local id=$1 port t0 health
  port="$(free_port)"
  health="$(jq -r .node.health.ready "$TARGET/release.json")"
  t0="$(now_ms)"
  setsid bash -c "$(declare -f node_command expand_placeholders die log); HOME_DIR='$HOME_DIR'; \
    node_command .node.command '$TARGET' '$port' '$PGDATABASE' '$HOME_DIR/storage' '$WORK/$id'" \
    >"$WORK/$id.log" 2>&1 &
  NODE_GROUP=$!
  until [[ $(http_status "http://127.0.0.1:$port$health") == 200 ]]; do
    if ! kill -0 "$NODE_GROUP" 2>/dev/null; then
      tail -20 "$WORK/$id.log" >&2
      die "$id exited before it answered $health; its log is above"
    fi
    (($(now_ms) - t0 < READY_TIMEOUT * 1000)) || die "$id did not answer $health within ${READY_TIMEOUT}s (log: $WORK/$id.log)"
    sleep "$POLL_SECONDS"
  done
  ELAPSED_MS=$(($(now_ms) - t0))
  stop_node_group
}

stop_node_group() {
  [[ -n $NODE_GROUP ]] || return 0
  kill -TERM -- "-$NODE_GROUP" 2>/dev/null || true
  wait "$NODE_GROUP" 2>/dev/null || true
  NODE_GROUP=
}

floor_node_start() {
  local i
  NODE_MS=()
  for ((i = 1; i <= REPEAT; i++)); do
    node_start_to_healthy "bench-node-$i"
    NODE_MS+=("$ELAPSED_MS")
    log "floor: node start sample $i: healthy after $ELAPSED_MS ms"
  done
  FLOOR_NODE="$(ms_to_s "$(median "${NODE_MS[@]}")")"
}

# --- the upgrade ---------------------------------------------------------------------------------

run_upgrade() {
  log "upgrading to $TARGET_VERSION (the steps follow as they finish)"
  upgrade_timed
}

# Every node runs the target and its migration ran: a benchmark of an upgrade that did not happen is no result.
check_outcome() {
  local versions nickname
  versions="$(pitstop --home "$HOME_DIR" status --json | jq -r '[.nodes[] | .state + " " + .version] | unique | join(",")')"
  [[ $versions == "ready $TARGET_VERSION" ]] || die "after the upgrade the nodes report $versions"
  nickname="$(psql -Atc "SELECT nickname FROM users WHERE username = '$USER_NAME'")"
  [[ $nickname == migrated ]] || die "after the upgrade the user $USER_NAME has nickname '$nickname', not 'migrated'"
  log "outcome: both nodes ready on $TARGET_VERSION, the plugin's migration ran"
}

# --- report --------------------------------------------------------------------------------------

report() {
  local floor
  floor="$(awk -v a="$FLOOR_BACKUP" -v b="$FLOOR_UPGRADE" -v c="$FLOOR_NODE" 'BEGIN { printf "%.2f\n", a + b + c }')"
  echo "Command: \`bench/nocobase-upgrade.sh --rev $COMMIT --version $VERSION --repeat $REPEAT\`"
  echo
  environment_md
  echo "- NocoBase $VERSION from \`pitstop release nocobase\` (install cached), release $VERSION to $TARGET_VERSION" \
    "(the test's local plugin, its first migration in the target); node.js $(node --version)"
  echo "- data: a freshly installed NocoBase with one extra user; database $(numfmt --to=iec "$DB_BYTES")," \
    "$TABLES tables; a backup of it (database and storage) is $(numfmt --to=iec "$BACKUP_BYTES")"
  echo "- cluster: 2 nodes, built-in gateway, embedded PostgreSQL, all on this machine;" \
    "\`ready-timeout-seconds: $READY_TIMEOUT\`; first start (\`up\`, node-1's install, then node-2) took $FIRST_START s"
  echo
  upgrade_and_floor_md "$TARGET_VERSION"
  echo "| upgrade command on one node | $FLOOR_UPGRADE | the target's \`upgrade\` command from its release.json (\`nocobase upgrade --skip-code-update\`), alone, on a copy of the database and storage made just before the upgrade |"
  echo "| one node's start | $FLOOR_NODE | a $TARGET_VERSION node on the upgraded database, launch to \`/api/__health_check\` 200, median of $REPEAT: $(for i in "${NODE_MS[@]}"; do printf '%s ' "$(ms_to_s "$i")"; done)|"
  echo "| **floor** | **$floor** | |"
  echo
  echo "Ratio downtime / floor: **$(ratio "$DOWNTIME" "$floor")x** ($DOWNTIME s / $floor s)."
}

main() {
  parse_options --rev REV --version VERSION --repeat REPEAT -- "$@"
  require_packages jq curl
  command -v npx >/dev/null || die "Node.js (node, npx) is missing: pitstop release nocobase and the nodes need it"
  require_pg_client
  init_run
  trap 'status=$?; stop_node_group; (exit $status); cleanup' EXIT
  build_revision "$REV"
  make_releases
  await_quiet_machine
  start_cluster
  create_user
  floor_backup
  floor_upgrade_command
  run_upgrade
  check_outcome
  floor_node_start
  report
}

main "$@"
