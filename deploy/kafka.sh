#!/usr/bin/env bash
# Single-node Kafka (KRaft, combined broker and controller) for local work, run
# straight from the Maven artifacts with java, so no Docker engine is needed.
#
# Usage: deploy/kafka.sh fetch|start|stop|status|reset
set -euo pipefail

KAFKA_VERSION="${QM_KAFKA_VERSION:-4.4.0}"
CACHE_DIR="${QM_CACHE_DIR:-$HOME/.cache/quartermaster}"
KAFKA_PORT="${QM_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${QM_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${QM_KAFKA_HEAP:--Xms256m -Xmx768m}"
START_TIMEOUT="${QM_KAFKA_START_TIMEOUT:-60}"

HOME_DIR="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS_DIR="$HOME_DIR/libs"
DATA_DIR="$HOME_DIR/data"
CONFIG_FILE="$HOME_DIR/server.properties"
LOG4J_FILE="$HOME_DIR/log4j2.properties"
PID_FILE="$HOME_DIR/kafka.pid"
LOG_FILE="$HOME_DIR/kafka.log"

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: %s\n' "$*" >&2; exit 1; }

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the pid from the pid file when that process is still our broker.
our_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # A recycled pid must not be mistaken for the broker.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $CONFIG_FILE" || return 1
  echo "$pid"
}

# Maven output goes to a log file; it is shown only when a step fails.
mvn_quiet() {
  if ! mvn -q -B -Dstyle.color=never -f "$HOME_DIR/pom.xml" "$@" >>"$HOME_DIR/fetch.log" 2>&1; then
    tail -n 20 "$HOME_DIR/fetch.log" >&2
    die "mvn failed, see $HOME_DIR/fetch.log"
  fi
}

write_pom() {
  cat >"$HOME_DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.quartermaster</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

# The broker artifact declares no logging backend for slf4j; add the one the
# binary distribution ships so broker logs are not silently dropped.
add_logging_binding() {
  local staging="$1" core version
  core="$(find "$staging" -name 'log4j-core-*.jar' -print -quit)"
  if [[ -n "$core" ]]; then
    version="${core##*/log4j-core-}"
    version="${version%.jar}"
    mvn_quiet dependency:copy \
      -Dartifact="org.apache.logging.log4j:log4j-slf4j-impl:$version" \
      -DoutputDirectory="$staging"
    return
  fi
  # The 3.x line logs through reload4j, which its pom leaves out.
  if ! find "$staging" -name 'slf4j-reload4j-*.jar' | grep -q .; then
    mvn_quiet dependency:copy \
      -Dartifact="org.slf4j:slf4j-reload4j:1.7.36" -DoutputDirectory="$staging"
  fi
  if ! find "$staging" -name 'reload4j-*.jar' ! -name 'slf4j-*' | grep -q .; then
    mvn_quiet dependency:copy \
      -Dartifact="ch.qos.reload4j:reload4j:1.2.25" -DoutputDirectory="$staging"
  fi
}

cmd_fetch() {
  if [[ -f "$LIBS_DIR/.complete" ]]; then
    say "$KAFKA_VERSION already in $LIBS_DIR"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found"
  mkdir -p "$HOME_DIR"
  write_pom

  local staging="$HOME_DIR/libs.partial"
  rm -rf "$staging"
  say "fetching $KAFKA_VERSION with mvn"
  mvn_quiet dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging"
  add_logging_binding "$staging"

  touch "$staging/.complete"
  rm -rf "$LIBS_DIR"
  mv "$staging" "$LIBS_DIR"
  say "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars"
}

write_config() {
  cat >"$CONFIG_FILE" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
auto.create.topics.enable=true
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF

  cat >"$LOG4J_FILE" <<EOF
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.apache.name=org.apache.kafka
logger.apache.level=INFO
logger.state.name=state.change.logger
logger.state.level=WARN
EOF
  # The 3.x line reads a log4j 1 file instead.
  cat >"$HOME_DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
EOF
}

# JVM options shared by the storage tool and the broker.
jvm_options() {
  local heap
  read -r -a heap <<<"$KAFKA_HEAP"
  JVM_OPTS=("${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$LOG4J_FILE"
    -Dlog4j.configuration="file:$HOME_DIR/log4j.properties"
    -cp "$LIBS_DIR/*")
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return
  local cluster_id
  # A Kafka Uuid is 16 random bytes in URL-safe base64 without padding.
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  say "formatting storage in $DATA_DIR"
  java "${JVM_OPTS[@]}" kafka.tools.StorageTool format --standalone \
    -t "$cluster_id" -c "$CONFIG_FILE" >>"$LOG_FILE" 2>&1 \
    || die "storage format failed, see $LOG_FILE"
}

cmd_start() {
  if port_open "$KAFKA_PORT"; then
    say "already answering on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  command -v java >/dev/null || die "java not found"
  cmd_fetch >/dev/null
  write_config
  jvm_options
  format_storage

  say "starting $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  # setsid detaches the broker from this shell so it outlives the caller.
  setsid nohup java "${JVM_OPTS[@]}" kafka.Kafka "$CONFIG_FILE" \
    >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"

  local started=$SECONDS
  until port_open "$KAFKA_PORT"; do
    # kill -0, not our_pid: until the background shell has exec'd java, its command line
    # is still this script's.
    kill -0 "$(<"$PID_FILE")" 2>/dev/null || die "broker exited during startup, see $LOG_FILE"
    ((SECONDS - started < START_TIMEOUT)) || die "not up after ${START_TIMEOUT}s, see $LOG_FILE"
    sleep 0.5
  done
  say "up on 127.0.0.1:$KAFKA_PORT after $((SECONDS - started))s (pid $(<"$PID_FILE"))"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    say "not started by this script, nothing to stop"
    return
  fi
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 60)); then
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid=""
  pid="$(our_pid)" || true
  if port_open "$KAFKA_PORT"; then
    if [[ -n "$pid" ]]; then
      say "up on 127.0.0.1:$KAFKA_PORT ($KAFKA_VERSION, pid $pid)"
    else
      say "up on 127.0.0.1:$KAFKA_PORT (not started by this script)"
    fi
  elif [[ -n "$pid" ]]; then
    say "starting or unhealthy (pid $pid, port $KAFKA_PORT closed)"
    return 1
  else
    say "down"
    return 1
  fi
}

cmd_reset() {
  our_pid >/dev/null && die "stop the broker first"
  rm -rf "$DATA_DIR"
  say "removed $DATA_DIR"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 fetch|start|stop|status|reset" >&2
    exit 2
    ;;
esac
