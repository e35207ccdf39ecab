package dev.agora.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of call failure becomes the problem and HTTP status docs/SERVER.md gives it. */
class ProblemTest {

  @Test
  void eachKindHasItsStatus() {
    Map<AgoraError, Integer> expected =
        Map.ofEntries(
            Map.entry(new AgoraError.NotFound("x", null, List.of()), 404),
            Map.entry(new AgoraError.AccessDenied("x", "policy.deny[0]"), 403),
            Map.entry(new AgoraError.ApprovalRequired("x", "a1", "rule"), 403),
            Map.entry(new AgoraError.SecurityViolation("x", "agent", "sandbox"), 403),
            Map.entry(new AgoraError.InvalidInput("x", List.of()), 400),
            Map.entry(new AgoraError.InvalidOutput("x", List.of()), 502),
            Map.entry(new AgoraError.Timeout("x", Duration.ofSeconds(1)), 504),
            Map.entry(new AgoraError.Cancelled("x", "client went away"), 503),
            Map.entry(new AgoraError.LimitExceeded("x", "concurrency"), 429),
            Map.entry(new AgoraError.ProviderError("x", "upstream 500", null), 502),
            Map.entry(new AgoraError.NotRecorded("x", "disk full", null), 503));
    expected.forEach(
        (error, status) -> {
          Problem p = Problem.of(error);
          assertThat(p.status()).as(error.kind().name()).isEqualTo(status);
          Dict body = p.body("/api/v1/capabilities/x/call");
          String kind =
              error instanceof AgoraError.ApprovalRequired
                  ? "ApprovalRequired"
                  : error.kind().name();
          assertThat(body.get(Json.key("type"))).isEqualTo(Value.of("urn:agora:problem:" + kind));
          assertThat(body.get(Json.key("status"))).isEqualTo(Value.of(status));
          assertThat(body.get(Json.key("detail"))).isEqualTo(Value.of(error.getMessage()));
          assertThat(body.get(Json.key("capability"))).isEqualTo(Value.of("x"));
        });
  }
}
