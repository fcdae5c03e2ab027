# Shared by the launch scripts: finds the project, builds it when the sources are newer than
# the jar, and runs a netsense command through spark-submit (SparkSubmit), with Spark options
# routed to spark-submit and the rest to the command.
# Usage (from a script): . "$(dirname "$0")/lib.sh"; netsense_submit COMMAND "$@"

set -euo pipefail

NETSENSE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NETSENSE_JAR="$NETSENSE_HOME/target/netsense.jar"
NETSENSE_CLASSPATH_FILE="$NETSENSE_HOME/target/classpath.txt"

# Spark's module options for the driver JVM these scripts start (one per line, # comments).
mapfile -t NETSENSE_JVM_OPTIONS < <(grep -v '^[[:space:]]*\(#\|$\)' "$NETSENSE_HOME/conf/jvm-module-options")

die() { echo "jobs/$(basename "$0"): $*" >&2; exit 2; }

# Builds the jar and the runtime classpath (Spark included) when missing or older than the sources.
netsense_build() {
  local stale=0
  if [[ ! -f "$NETSENSE_JAR" || ! -f "$NETSENSE_CLASSPATH_FILE" ]]; then
    stale=1
  elif [[ -n "$(find "$NETSENSE_HOME/pom.xml" "$NETSENSE_HOME/src/main" -newer "$NETSENSE_JAR" -print -quit)" ]]; then
    stale=1
  fi
  if (( stale )); then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build netsense; install it, or build target/netsense.jar elsewhere"
    echo "$(basename "$0"): building netsense (mvn package) ..." >&2
    local log="$NETSENSE_HOME/target/build.log"
    mkdir -p "$NETSENSE_HOME/target"
    (cd "$NETSENSE_HOME" && mvn -q -B -DskipTests package > "$log" 2>&1) \
      || { cat "$log" >&2; die "the build failed (above; also in $log)"; }
  fi
  [[ -f "$NETSENSE_JAR" ]] || die "missing $NETSENSE_JAR after the build"
  local list="$NETSENSE_HOME/target/command-options.txt"
  if [[ ! -s "$list" || "$NETSENSE_JAR" -nt "$list" ]]; then
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$NETSENSE_JAR:$(cat "$NETSENSE_CLASSPATH_FILE")" netsense.cli.OptionNames \
      > "$list.tmp" && mv "$list.tmp" "$list" || die "could not list the commands' options (netsense.cli.OptionNames)"
  fi
}

# Spark-submit's own options (Spark 4: SparkSubmitOptionParser) that take a value; and its flags.
SPARK_VALUED=" --archives --conf -c --deploy-mode --driver-class-path --driver-cores --driver-java-options
  --driver-library-path --driver-memory --exclude-packages --executor-cores --executor-memory --files --jars
  --keytab --kill --name --num-executors --packages --principal --properties-file --proxy-user --py-files
  --queue --remote --repositories --status --total-executor-cores "
SPARK_VALUED="${SPARK_VALUED//$'\n'/ }"
SPARK_FLAGS=" --supervise --verbose -v --load-spark-defaults "

# Splits a command line into SPARK_ARGS (for spark-submit) and APP_ARGS (for the command), and
# sets SPARK_MASTER, DRIVER_MEMORY, DRIVER_JAVA_OPTIONS, DRIVER_CP. The command's own options
# (listed from its picocli annotations into target/command-options.txt by netsense_build) and
# --help/--version go to the command; --master is the script's; spark-submit's options, in
# "--opt value" or "--opt=value" form, to spark-submit. An option neither has is refused (exit 2)
# before anything starts: a typo of the command's own would otherwise reach spark-submit, which
# answers with a stack trace. Spark settings without an option of their own go as --conf k=v.
# Usage: netsense_split_args COMMAND ARGS...
netsense_split_args() {
  local command="$1"; shift
  local list="${NETSENSE_OPTIONS_FILE:-$NETSENSE_HOME/target/command-options.txt}" c name kind
  declare -A own=()
  [[ -f "$list" ]] || die "missing $list (the command's options; made by the build)"
  while read -r c name kind; do
    [[ "$c" == "$command" ]] && own["$name"]="$kind"
  done < "$list"
  SPARK_ARGS=(); APP_ARGS=(); SPARK_MASTER="${MASTER:-}"; DRIVER_MEMORY=""; DRIVER_JAVA_OPTIONS=""; DRIVER_CP=""
  while (( $# )); do
    local arg="$1" value="" inline=0
    name="$arg"
    if [[ "$arg" == --*=* ]]; then name="${arg%%=*}"; value="${arg#*=}"; inline=1; fi
    shift
    if [[ "$arg" == "--" ]]; then
      APP_ARGS+=("$@"); break
    elif [[ "$name" == "--class" ]]; then
      die "--class: the main class is netsense's own (netsense.cli.Main)"
    elif [[ "$name" == "--master" || "$SPARK_VALUED" == *" $name "* ]]; then
      if (( ! inline )); then
        (( $# )) || die "$name needs a value"
        value="$1"; shift
      fi
      case "$name" in
        --master) SPARK_MASTER="$value"; continue ;;
        --driver-memory) DRIVER_MEMORY="$value" ;;
        --driver-java-options) DRIVER_JAVA_OPTIONS="$value" ;;
        --driver-class-path) DRIVER_CP="$value" ;;
      esac
      SPARK_ARGS+=("$name" "$value")
    elif [[ -n "${own[$name]+x}" || "$name" == --help || "$name" == -h || "$name" == --version || "$name" == -V ]]; then
      APP_ARGS+=("$arg")
      if [[ "${own[$name]:-}" == value ]] && (( ! inline && $# )); then APP_ARGS+=("$1"); shift; fi
    elif [[ "$SPARK_FLAGS" == *" $arg "* ]]; then
      SPARK_ARGS+=("$arg")
    elif [[ "$arg" == -* ]]; then
      die "unknown option $name: neither jobs/$command's nor spark-submit's (see jobs/$command --help;" \
        "Spark settings go as --conf key=value)"
    else
      APP_ARGS+=("$arg")
    fi
  done
}

netsense_submit() {
  local command="$1"; shift
  netsense_build
  netsense_split_args "$command" "$@"
  local spark_args=(${SPARK_ARGS[@]+"${SPARK_ARGS[@]}"}) app_args=(${APP_ARGS[@]+"${APP_ARGS[@]}"}) progress
  local master="$SPARK_MASTER" driver_memory="$DRIVER_MEMORY" driver_java_options="$DRIVER_JAVA_OPTIONS"
  local driver_cp="$DRIVER_CP"
  master="${master:-local[*]}"
  # Spark's console progress bar only where someone watches: stderr is a terminal
  if [[ " ${spark_args[*]+"${spark_args[*]}"} " != *"spark.ui.showConsoleProgress"* ]]; then
    if [[ -t 2 ]]; then progress=true; else progress=false; fi
    spark_args+=(--conf "spark.ui.showConsoleProgress=$progress")
  fi
  export NETSENSE_LAUNCHER="${NETSENSE_LAUNCHER:-jobs/$command}"
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  if [[ -n "${SPARK_HOME:-}" ]]; then
    [[ -x "$SPARK_HOME/bin/spark-submit" ]] || die "SPARK_HOME is $SPARK_HOME but it has no bin/spark-submit"
    exec "$SPARK_HOME/bin/spark-submit" --master "$master" --class netsense.cli.Main \
      ${spark_args[@]+"${spark_args[@]}"} "$NETSENSE_JAR" "$command" ${app_args[@]+"${app_args[@]}"}
  fi
  # No Spark installation: the same SparkSubmit, from the project's own dependencies.
  local props=(--properties-file "$NETSENSE_HOME/conf/spark-defaults.conf") a
  for a in ${spark_args[@]+"${spark_args[@]}"}; do
    [[ "$a" == --properties-file* ]] && props=()  # the user's own file replaces ours
  done
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  local cp="$NETSENSE_JAR:$(cat "$NETSENSE_CLASSPATH_FILE")"
  [[ -n "$driver_cp" ]] && cp="$driver_cp:$cp"
  # shellcheck disable=SC2086
  exec "$java" "${NETSENSE_JVM_OPTIONS[@]}" -Xmx"${driver_memory:-2g}" $driver_java_options \
    -Dlog4j2.configurationFile="$NETSENSE_HOME/conf/log4j2.properties" \
    -cp "$cp" org.apache.spark.deploy.SparkSubmit --master "$master" ${props[@]+"${props[@]}"} --class netsense.cli.Main \
    ${spark_args[@]+"${spark_args[@]}"} "$NETSENSE_JAR" "$command" ${app_args[@]+"${app_args[@]}"}
}
