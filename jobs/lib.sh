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

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

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
}

netsense_submit() {
  local command="$1"; shift
  local spark_args=() app_args=() progress master="${MASTER:-}" driver_memory="" driver_java_options="" driver_cp=""
  while (( $# )); do
    case "$1" in
      --master|--deploy-mode|--conf|-c|--driver-memory|--driver-java-options|--driver-library-path|\
      --driver-class-path|--executor-memory|--executor-cores|--num-executors|--total-executor-cores|\
      --driver-cores|--jars|--packages|--exclude-packages|--repositories|--files|--archives|--name|\
      --properties-file|--queue|--principal|--keytab|--proxy-user)
        (( $# >= 2 )) || die "$1 needs a value"
        case "$1" in
          --master) master="$2" ;;
          --driver-memory) driver_memory="$2"; spark_args+=("$1" "$2") ;;
          --driver-java-options) driver_java_options="$2"; spark_args+=("$1" "$2") ;;
          --driver-class-path) driver_cp="$2"; spark_args+=("$1" "$2") ;;
          *) spark_args+=("$1" "$2") ;;
        esac
        shift 2 ;;
      --master=*) master="${1#--master=}"; shift ;;
      --driver-memory=*) driver_memory="${1#*=}"; spark_args+=("$1"); shift ;;
      --conf=*|--deploy-mode=*|--executor-memory=*|--executor-cores=*|--num-executors=*|--total-executor-cores=*|\
      --driver-cores=*|--jars=*|--packages=*|--files=*|--archives=*|--name=*|--properties-file=*|--queue=*)
        spark_args+=("$1"); shift ;;
      --supervise|--verbose|--load-spark-defaults) spark_args+=("$1"); shift ;;
      *) app_args+=("$1"); shift ;;
    esac
  done
  master="${master:-local[*]}"
  # Spark's console progress bar only where someone watches: stderr is a terminal
  if [[ " ${spark_args[*]+"${spark_args[*]}"} " != *"spark.ui.showConsoleProgress"* ]]; then
    if [[ -t 2 ]]; then progress=true; else progress=false; fi
    spark_args+=(--conf "spark.ui.showConsoleProgress=$progress")
  fi
  netsense_build
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
