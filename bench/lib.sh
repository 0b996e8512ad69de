# shellcheck shell=bash
# Helpers shared by the benchmark scripts in bench/. Sourced, not run.
#
# Conventions: progress goes to stderr (so a run can be watched), the Markdown report to stdout
# (so `bench/x.sh > out.md` keeps only the result). Every process a benchmark starts is registered
# here and stopped by the EXIT trap, whatever way the script ends.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- options -------------------------------------------------------------------------------------

# The usage is the script's header comment (from line 2 to the code), printed on stderr; exits 2.
usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

# Every benchmark option takes one value. Called as `parse_options --flag VAR ... -- "$@"`: sets VAR
# to the value that follows --flag in the arguments; -h, --help or an unknown option prints the usage.
parse_options() {
  local -A var_of=()
  while [[ $1 != -- ]]; do
    var_of[$1]=$2
    shift 2
  done
  shift
  while (($#)); do
    case $1 in
      -h | --help) usage ;;
    esac
    [[ -n $1 && -n ${var_of[$1]+set} ]] || { log "unknown option $1"; usage; }
    printf -v "${var_of[$1]}" '%s' "$2"
    shift 2
  done
}

# --- tools ---------------------------------------------------------------------------------------

# Installs the Debian packages a benchmark needs when they are missing (root only; otherwise says
# what to install). wrk in particular is not on a fresh machine.
require_packages() {
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "missing: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
  fi
  log "installing ${missing[*]} from Debian's packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# --- the build under test ------------------------------------------------------------------------

# The benchmarks measure a commit, not the working tree: other work in the same checkout may be
# half-edited (and not compile), and bin/pitstop rebuilds whenever a source is newer than its jars,
# which would put a Maven build inside a timed `up` or swap jars under running nodes. So export the
# commit into the run's directory and build it there. `package`, not `install`: the reactor links
# the modules itself, and the SNAPSHOTs in ~/.m2 that other builds resolve are left alone.
# Sets SRC, COMMIT, PITSTOP_CP and RELEASE; needs WORK (the run's scratch directory).
build_revision() {
  local rev=$1
  COMMIT="$(git -C "$REPO" rev-parse --short "$rev^{commit}")" || die "no commit '$rev' in $REPO"
  SRC="$WORK/src"
  mkdir -p "$SRC"
  git -C "$REPO" archive "$COMMIT" | tar -x -C "$SRC"
  log "building commit $COMMIT in $SRC (mvn -DskipTests package)"
  (cd "$SRC" && mvn -q -B -DskipTests package) >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; die "the build of $COMMIT failed; the output above says why"; }
  PITSTOP_CP="$SRC/pitstop-cli/target/lib/*"
  RELEASE="$SRC/demo/target/releases/1.0.0"
}

# Runs the CLI exactly as bin/pitstop execs it, from the build under test.
pitstop() {
  java -Dpitstop.repo="$SRC" -cp "$PITSTOP_CP" dev.pitstop.cli.Pitstop "$@"
}

# --- cleanup -------------------------------------------------------------------------------------

HOMES=()   # cluster homes to bring down
PIDS=()    # processes started directly (nodes launched without the supervisor)

cleanup() {
  local status=$? pid home
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  for home in "${HOMES[@]}"; do
    if [[ -f "$home/cluster.json" ]]; then
      pitstop --home "$home" down >/dev/null 2>&1 || log "warning: pitstop down failed for $home"
    fi
  done
  if [[ -n "${WORK:-}" && -d "$WORK" && -z "${KEEP_WORK:-}" ]]; then
    rm -rf "$WORK"
  fi
  exit "$status"
}

# Creates the run's scratch directory and arms the cleanup trap.
init_run() {
  WORK="$(mktemp -d /tmp/pitstop-bench.XXXXXX)"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

# --- clusters ------------------------------------------------------------------------------------

# A loopback port nobody listens on. Random in a high range, so parallel runs rarely collide;
# a taken port is detected by trying to connect (pure bash, no extra tool).
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# Starts a cluster of N nodes of the build's RELEASE in HOME (`pitstop up --detach`, gateway on a
# free port) and registers it for the EXIT trap; up's output goes to $WORK/<home's name>-up.log and
# is shown if it fails.
cluster_up() {
  local home=$1 nodes=$2 out="$WORK/${1##*/}-up.log"
  HOMES+=("$home")
  pitstop --home "$home" up --detach --nodes "$nodes" --port "$(free_port)" --release "$RELEASE" >"$out" 2>&1 \
    || { cat "$out" >&2; die "pitstop up failed"; }
}

# Brings a cluster down and forgets it, so the EXIT trap does not try again.
cluster_down() {
  local home=$1 kept=() h
  pitstop --home "$home" down >/dev/null 2>&1 || log "warning: pitstop down failed for $home"
  for h in "${HOMES[@]}"; do [[ $h == "$home" ]] || kept+=("$h"); done
  HOMES=("${kept[@]+"${kept[@]}"}")
}

# HTTP status of a GET, 000 when nothing answers.
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true
}

# --- numbers -------------------------------------------------------------------------------------

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Median of the numbers given as arguments (the mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# a / b with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }

# Milliseconds as seconds, with two decimals.
ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%.2f\n", ms / 1000 }'; }

# --- the machine ---------------------------------------------------------------------------------

# Percent of all CPUs busy over the next SECONDS (default 3), from /proc/stat.
cpu_busy_percent() {
  local seconds=${1:-3} before after
  before="$(head -1 /proc/stat)"
  sleep "$seconds"
  after="$(head -1 /proc/stat)"
  # Fields after "cpu": user nice system idle iowait irq softirq steal; idle + iowait is not busy.
  awk -v a="$before" -v b="$after" 'BEGIN {
    split(a, x); split(b, y)
    for (i = 2; i <= 9; i++) total += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f\n", total ? 100 * (total - idle) / total : 0 }'
}

# Other work on the machine (builds, tests) competes with a benchmark for the same CPUs. Wait,
# boundedly, for it to quieten, and record how busy the machine was when the run began.
QUIET_PERCENT=25   # busy below this counts as quiet
QUIET_WAIT=180     # seconds to wait for quiet before measuring anyway
await_quiet_machine() {
  local waited=0 busy
  busy="$(cpu_busy_percent)"
  while ((busy >= QUIET_PERCENT && waited < QUIET_WAIT)); do
    log "the CPUs are ${busy}% busy with other work; waiting for quiet (up to ${QUIET_WAIT}s)"
    sleep 7
    waited=$((waited + 10))
    busy="$(cpu_busy_percent)"
  done
  ((busy < QUIET_PERCENT)) || log "warning: still ${busy}% busy after ${QUIET_WAIT}s; measuring anyway"
  BUSY_AT_START="$busy"
}

# --- report --------------------------------------------------------------------------------------

# The environment the numbers were measured in, as Markdown list items.
environment_md() {
  local cpu java
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  java="$(java -version 2>&1 | head -1)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) CPUs (${cpu:-unknown}), $(free -m | awk '/^Mem:/ { printf "%.1f GiB", $2 / 1024 }') memory, $(uname -sr)"
  echo "- java: $java"
  # Measured again at the end, with the benchmark's own load stopped (its cluster, if still up, is idle).
  echo "- other load: CPUs ${BUSY_AT_START}% busy with other work just before measuring," \
    "$(cpu_busy_percent)% just after (each over 3 s)"
  echo "- build: commit $COMMIT, built by the script (\`mvn -DskipTests package\` of a \`git archive\` export)"
}

# --- PostgreSQL ----------------------------------------------------------------------------------

# psql and pg_dump are packaged as postgresql-client, so require_packages (tool = package) does not fit.
require_pg_client() {
  command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v psql >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "psql/pg_dump is missing; install it with: sudo apt-get install -y postgresql-client"
  log "installing postgresql-client from Debian's packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >&2
}

# Points psql (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) at the database of the cluster in HOME,
# from the `db` entry of its cluster.json; sets DB_URL and DB_USER as the nodes are given them. The
# password goes through the environment, never a command line.
use_cluster_db() {
  local home=$1 password_file
  DB_URL="$(jq -r .db.url "$home/cluster.json")"   # jdbc:postgresql://HOST:PORT/DB
  DB_USER="$(jq -r .db.user "$home/cluster.json")"
  password_file="$(jq -r '.db.passwordFile // empty' "$home/cluster.json")"
  [[ $DB_URL =~ ^jdbc:postgresql://([^:/]+):([0-9]+)/([^?]+)$ ]] || die "unexpected database URL $DB_URL"
  export PGHOST="${BASH_REMATCH[1]}" PGPORT="${BASH_REMATCH[2]}" PGDATABASE="${BASH_REMATCH[3]}" PGUSER="$DB_USER"
  [[ -z $password_file ]] || export PGPASSWORD="$(<"$password_file")"
}

# --- measurements --------------------------------------------------------------------------------

# Runs a command, logging it, and sets SECONDS_TAKEN to its wall time; its output goes to
# $WORK/last.out and $WORK/last.err, and is shown if it fails.
timed() {
  local t0
  log "running: $*"
  t0="$(now_ms)"
  "$@" >"$WORK/last.out" 2>"$WORK/last.err" || { cat "$WORK/last.out" "$WORK/last.err" >&2; die "failed: $*"; }
  SECONDS_TAKEN="$(ms_to_s $(($(now_ms) - t0)))"
}

# The floor's backup, as an upgrade's backup step: `pitstop backup create` of the cluster in HOME_DIR
# (database and storage, the procedure's own engine), which reports the engine's time ("Backup written:
# FILE (SIZE in X s; ...)"). Sets FLOOR_BACKUP to that, FLOOR_BACKUP_WALL to the command's wall time
# (with the CLI's JVM start) and BACKUP_BYTES; the backup is left in $WORK/floor.backup.
floor_backup_create() {
  timed pitstop --home "$HOME_DIR" backup create --output "$WORK/floor.backup"
  FLOOR_BACKUP_WALL=$SECONDS_TAKEN
  FLOOR_BACKUP="$(sed -n 's/^Backup written: .* in \([0-9.]*\) s;.*/\1/p' "$WORK/last.out")"
  [[ -n $FLOOR_BACKUP ]] || { cat "$WORK/last.out" >&2; die "backup create printed no 'Backup written: ... in X s' line"; }
  BACKUP_BYTES="$(stat -c %s "$WORK/floor.backup")"
}

# `pitstop upgrade --to TARGET --yes` of the cluster in HOME_DIR, its output shown as it goes. Sets
# UPGRADE_WALL (the command's wall time), DOWNTIME (as the command reports it: status page up to traffic
# back) and PROCEDURE_SECONDS (the journal's), and writes the procedure from `history --json` to
# $WORK/upgrade.json, whose steps the reports list.
upgrade_timed() {
  local t0 status=0
  t0="$(now_ms)"
  pitstop --home "$HOME_DIR" upgrade --to "$TARGET" --yes 2>&1 | tee "$WORK/upgrade.out" >&2 || status=$?
  UPGRADE_WALL="$(ms_to_s $(($(now_ms) - t0)))"
  ((status == 0)) || die "pitstop upgrade exited with $status; its output is above (node logs: $HOME_DIR/logs)"
  DOWNTIME="$(sed -n 's/.*downtime (status page up to traffic back): \([0-9.]*\) s.*/\1/p' "$WORK/upgrade.out" | tail -1)"
  [[ -n $DOWNTIME ]] || die "pitstop upgrade printed no downtime line"
  pitstop --home "$HOME_DIR" history --json >"$WORK/history.json"
  jq -e '[.procedures[] | select(.kind | ascii_downcase == "upgrade")][0]' "$WORK/history.json" >"$WORK/upgrade.json" \
    || die "history --json has no upgrade"
  [[ $(jq -r .state "$WORK/upgrade.json") =~ ^(done|succeeded|completed)$ ]] \
    || log "warning: the upgrade's state in history is $(jq -r .state "$WORK/upgrade.json")"
  PROCEDURE_SECONDS="$(jq -r .seconds "$WORK/upgrade.json")"
}

# The report's section on the upgrade upgrade_timed ran to VERSION: its steps from the journal, the
# downtime, the procedure's and the command's times; then the floor's table, up to its first row, the
# backup of floor_backup_create: the script adds its other parts.
upgrade_and_floor_md() {
  echo "#### The upgrade, step by step (\`pitstop upgrade --to $1 --yes\`, from \`history --json\`)"
  echo
  echo "| step | seconds |"
  echo "|---|---:|"
  jq -r '.steps[] | select(.rollback | not) | "| \(.position). \(.name) | \(.seconds) |"' "$WORK/upgrade.json"
  echo "| **downtime** (status page up to traffic back, as \`upgrade\` reports it) | **$DOWNTIME** |"
  echo
  echo "The procedure took ${PROCEDURE_SECONDS} s in the journal; the \`upgrade\` command ${UPGRADE_WALL} s of wall time" \
    "(with its preflight, confirmation and JVM start)."
  echo
  echo "#### The floor, measured in the same run on the same data"
  echo
  echo "| part | seconds | how |"
  echo "|---|---:|---|"
  echo "| backup | $FLOOR_BACKUP | \`pitstop backup create\` (database and storage, the upgrade's own engine), the time it reports; the command took $FLOOR_BACKUP_WALL s with its JVM |"
}

# Launches one node of the release in DIR the way the supervisor does (same java, its lib/ as the
# classpath), configured by flags, against a database that release has already installed; sets
# ELAPSED_MS to the time from launch to the first 200 of /health/ready, then stops it with SIGTERM.
# Call it in the script's shell, not a $(...) subshell, so the EXIT trap knows the node's pid.
# READY_TIMEOUT (s, default 120) and POLL_SECONDS (default 0.02) may be set by the script.
node_start_to_ready() {
  local release=$1 id=$2 db_url=$3 db_user=$4 storage=$5 port pid t0
  port="$(free_port)"
  t0="$(now_ms)"
  # The embedded database's password file sits next to the storage directory, in the home.
  PITSTOP_DB_PASSWORD_FILE="$(dirname "$storage")/db.password" java -cp "$release/lib/*" dev.pitstop.node.NodeMain \
    --set db.url="$db_url" --set db.user="$db_user" --set http.port="$port" \
    --set node.id="$id" --set release="$release" --set storage="$storage" \
    >"$WORK/$id.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  until [[ $(http_status "http://127.0.0.1:$port/health/ready") == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$WORK/$id.log" >&2
      die "$id exited before it was ready; its log is above"
    fi
    (($(now_ms) - t0 < ${READY_TIMEOUT:-120} * 1000)) || die "$id was not ready within ${READY_TIMEOUT:-120}s (log: $WORK/$id.log)"
    sleep "${POLL_SECONDS:-0.02}"
  done
  ELAPSED_MS=$(($(now_ms) - t0))
  kill -TERM "$pid"
  wait "$pid" || true
}

# COUNT samples of node_start_to_ready with the same RELEASE, DB_URL, DB_USER and STORAGE, one node
# (bench-node-1, -2, ...) at a time; sets NODE_MS to their times. LABEL prefixes the progress lines.
node_start_samples() {
  local count=$1 label=$2 release=$3 db_url=$4 db_user=$5 storage=$6 i
  NODE_MS=()
  for ((i = 1; i <= count; i++)); do
    node_start_to_ready "$release" "bench-node-$i" "$db_url" "$db_user" "$storage"
    NODE_MS+=("$ELAPSED_MS")
    log "$label: node start sample $i: ready after $ELAPSED_MS ms"
  done
}

# --- load: wrk on GET /api/items (gateway.sh, proxies.sh) ----------------------------------------

# The options of the wrk-driven benchmarks, after setting their defaults; the report's command line
# (load_command_md) repeats all of them.
parse_load_args() {
  # shellcheck disable=SC2034 # REV is the script's, for build_revision
  REV=HEAD         # the commit measured; see build_revision
  NODES=3          # the default cluster size of `pitstop up`
  ITEMS=100        # rows GET /api/items returns: a realistic body, not an empty list
  DURATION=20      # seconds per measured wrk run
  WARMUP=30        # seconds per path before measuring: the JIT of the gateway and of every node must be done
  ROUNDS=3         # measured runs per path; the report gives each and the median
  THREADS=2        # wrk -t
  CONNECTIONS=32   # wrk -c
  parse_options --rev REV --nodes NODES --items ITEMS --duration DURATION --warmup WARMUP --rounds ROUNDS \
    --threads THREADS --connections CONNECTIONS -- "$@"
}

# The report's first line: the command that repeats this run, with the commit measured.
load_command_md() {
  echo "Command: \`bench/${0##*/} --rev $COMMIT --nodes $NODES --items $ITEMS --duration $DURATION --warmup $WARMUP" \
    "--rounds $ROUNDS --threads $THREADS --connections $CONNECTIONS\`"
}

# Creates COUNT items with POST URL/api/items, the body GET /api/items then returns.
post_items() {
  local url=$1 count=$2 i
  for ((i = 1; i <= count; i++)); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench item $i\"}" "$url/api/items" || die "POST /api/items failed at item $i"
  done
}

# Runs wrk (THREADS, CONNECTIONS) against URL for SECONDS; prints "req_per_s p99_ms errors requests".
run_wrk() {
  local url=$1 seconds=$2 out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency "$url")"
  echo "$out" | awk '
    /Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    $1 == "99%" {
      v = $2
      if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 }
      else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
      else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 }
    }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %d %d\n", rps, p99, errors, requests }'
}

# The supervisor of the cluster in HOME (its JVM also runs the gateway) and its N node processes, as
# SUPERVISOR_PID and NODE_PIDS, whose CPU time says where the cost of a request goes.
find_cluster_processes() {
  local home=$1 nodes=$2
  SUPERVISOR_PID="$(jq -r .pid "$home/cluster.json")"
  mapfile -t NODE_PIDS < <(pgrep -P "$SUPERVISOR_PID" -f dev.pitstop.node.NodeMain)
  ((${#NODE_PIDS[@]} == nodes)) || die "found ${#NODE_PIDS[@]} node processes under the supervisor, expected $nodes"
}

# CPU time (user + system, in clock ticks) the given processes have used so far.
cpu_ticks() {
  local pid total=0 fields
  for pid in "$@"; do
    # Fields after the command name, which is in parentheses and may hold spaces: utime is the
    # 12th, stime the 13th of them (14 and 15 of the whole line).
    fields="$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + $(echo "$fields" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

# Microseconds of CPU per request, from a delta of cpu_ticks and the requests served meanwhile.
cpu_us_per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.0f\n", t * 1e6 / hz / n }'; }

# The values of column NAME (the array ROW_NAME) on the rows of PATH (where ROW_PATH is PATH), one a line.
column_of() {
  local -n column="ROW_$1"
  local i
  for i in "${!ROW_PATH[@]}"; do
    [[ ${ROW_PATH[i]} == "$2" ]] && echo "${column[i]}"
  done
}

# The report's medians: fills the associative array named NAME, keyed PATH.COL, with the median of
# each column COL given on the rows of each path measured (`column_medians med RPS` sets med[gateway.RPS]).
column_medians() {
  local -n medians=$1
  local path col
  shift
  for path in $(printf '%s\n' "${ROW_PATH[@]}" | awk '!seen[$0]++'); do
    for col in "$@"; do
      # shellcheck disable=SC2046,SC2034 # one number per line, split on purpose; the caller's array
      medians[$path.$col]="$(median $(column_of "$col" "$path"))"
    done
  done
}
