package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The URL of an HTTP server: without a path the endpoint is /mcp; a query is kept. */
@Timeout(120)
class HttpEndpointTest {

  @TempDir Path dir;

  @Test
  void theEndpointDefaultsToMcpAndAQueryIsKept() throws Exception {
    try (JavaMcpServer upstream = new JavaMcpServer();
        McpFixture m =
            new McpFixture(
                dir,
                """
            sources:
              - {name: bare, type: mcp, url: "%s"}
              - {name: query, type: mcp, url: "%s?team=core"}
            """
                    .formatted(upstream.url().replace("/mcp", ""), upstream.url()))) {
      assertThat(m.reports).hasSize(2).allSatisfy(r -> assertThat(r.failure()).isNull());
      assertThat(m.call("mcp.bare.echo", "{:message \"bare\"}")).isEqualTo(Value.of("bare"));
      assertThat(m.call("mcp.query.echo", "{:message \"query\"}")).isEqualTo(Value.of("query"));
      assertThat(m.source("bare").connection().pid()).as("no process of ours").isEqualTo(-1);
    }
  }
}
