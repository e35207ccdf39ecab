package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.approval.Approval;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call that needs approval reaches an MCP client as a tool error it can retry with. */
class ApprovalRequiredTest {

  private static final String ADD =
      "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"ccos.math.add\",\"arguments\":{\"input\":[1,2]}}}";

  @Test
  void approval_required_is_a_tool_error_and_the_approved_retry_runs_once(@TempDir Path dir)
      throws Exception {
    String policy =
        """
        policy:
          rules:
            - {capabilities: "ccos.math.add", when: "true", action: require_approval}
        """;
    try (BareGateway g = BareGateway.start(dir, "k", policy, l -> {})) {
      McpHttp client = McpHttp.withKey(g.server().url(), "k");
      String session = client.initialise();
      HttpResponse<String> asked = client.post(ADD.formatted(10), session);
      assertThat(asked.body()).contains("\"isError\":true");
      Matcher m =
          Pattern.compile("\"text\":\"approval required: ([0-9a-f]+) \\(").matcher(asked.body());
      assertThat(m.find()).as(asked.body()).isTrue();
      Approval a = g.node().marketplace().approvals().approve(m.group(1), "ops");
      assertThat(a.binding().caller()).isEqualTo("operator/key");
      HttpResponse<String> retried = client.post(ADD.formatted(11), session);
      assertThat(retried.body()).contains("\"text\":\"3\"").doesNotContain("isError\":true");
      HttpResponse<String> replay = client.post(ADD.formatted(12), session);
      assertThat(replay.body()).contains("approval required: ").doesNotContain(m.group(1));
    }
  }
}
