# Sourced by our scripts: makes sure Maven runs on a JDK 21 or newer.
# Keeps JAVA_HOME when it already points at one; otherwise looks at `java` on the PATH, then at the usual
# install folders (Debian's /usr/lib/jvm, /opt/java, SDKMAN). Fails with a clear message when there is none.

procledger_java_major() { # $1 = a java executable; prints its major version (17, 21, 25...) or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | cut -d. -f1
}

procledger_pick_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(procledger_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(procledger_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then export JAVA_HOME="$candidate"; return 0; fi
  fi
  local best="" best_major=0
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(procledger_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -n "$best" ]; then export JAVA_HOME="$best"; return 0; fi
  echo "ProcLedger needs a JDK 21 or newer, and none was found (JAVA_HOME, the PATH, /usr/lib/jvm, /opt/java," >&2
  echo "SDKMAN). Install one, e.g. 'apt-get install openjdk-21-jdk', or point JAVA_HOME at it." >&2
  return 1
}

procledger_pick_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
if ! command -v mvn >/dev/null 2>&1; then
  echo "ProcLedger builds with Apache Maven 3.8 or newer, and 'mvn' is not on the PATH." >&2
  exit 1
fi
