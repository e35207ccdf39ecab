package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stdio server's pipes are read by platform threads (see {@link StdioTransport#pipeThread}): on
 * virtual threads the blocked reads held every carrier of a 2-core machine once the scheduler's
 * spare carriers retired, and an idle {@code agora mcp} stopped answering (reproduced by hand:
 * initialize, one call, 60 s idle, the next call never answered — not even at its deadline).
 */
@Timeout(60)
class PipeReadersTest {

  @TempDir Path dir;

  /** The names of the live platform threads (virtual threads are not among them). */
  private static List<String> platformThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.isVirtual())
        .map(Thread::getName)
        .toList();
  }

  @Test
  void a2025ServersStdoutAndStderrAreReadByPlatformThreads() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
            {"replies": {"tools/list": {"result": {"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}}}}
            """)) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(platformThreads()).contains("mcp-s-stdout", "mcp-s-stderr");
    }
  }

  @Test
  void a2026ServersStderrIsReadByAPlatformThread() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
            {"replies": {"server/discover": {"result": {"resultType": "complete",
              "supportedVersions": ["2026-07-28"], "capabilities": {}, "ttlMs": 0, "cacheScope": "public"}}}}
            """)) {
      assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(platformThreads()).contains("mcp-s-stderr");
    }
  }
}
