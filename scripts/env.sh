# Shared by ./agora and ./build: find a JDK 21+ and Maven, or say clearly what is missing.
# Sourced, not run. Sets AGORA_JAVA_HOME.

# The major version of the JDK at $1 (from its release file), or nothing.
agora_jdk_major() {
  local release="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "${v:-0}"
}

# Picks the JDK: $JAVA_HOME if it is 21+, else the java on PATH if 21+, else the newest 21+ under
# the usual install directories ($AGORA_JDK_DIRS, space-separated globs, replaces them). Prints what
# it saw when none fits.
agora_find_jdk() {
  local candidates=() seen=() c major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    major=$(agora_jdk_major "$c")
    seen+=("$c (${major:-?})")
    if [ "${major:-0}" -ge 21 ]; then AGORA_JAVA_HOME="$c"; return 0; fi
  done
  local dirs=${AGORA_JDK_DIRS:-"/usr/lib/jvm/* /opt/java/* /opt/jdk* $HOME/.sdkman/candidates/java/* $HOME/.jdks/*"}
  for c in $dirs; do
    [ -d "$c" ] || continue
    case " ${seen[*]} " in *" $c ("*) continue ;; esac
    major=$(agora_jdk_major "$c")
    [ -n "$major" ] || continue
    seen+=("$c ($major)")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$c"; best_major=$major; fi
  done
  if [ -n "$best" ]; then AGORA_JAVA_HOME="$best"; return 0; fi
  {
    echo "agora: needs a JDK 21 or newer, and found none."
    if [ ${#seen[@]} -gt 0 ]; then echo "  looked at: ${seen[*]}"; fi
    echo "  Install one (for example Temurin 21 or 25) or set JAVA_HOME to it."
  } >&2
  return 1
}

agora_need_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  echo "agora: needs Apache Maven 3.8+ to build (Debian: apt-get install maven)." >&2
  return 1
}

# Maven's own Guava warns about sun.misc.Unsafe on JDK 24+; harmless, and silenced only there.
agora_maven_opts() {
  local major
  major=$(agora_jdk_major "$AGORA_JAVA_HOME")
  if [ "$major" -ge 24 ]; then echo "--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"; else echo "${MAVEN_OPTS:-}"; fi
}
