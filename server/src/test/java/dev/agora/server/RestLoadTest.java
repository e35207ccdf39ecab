package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API under a burst: a thousand calls written at once, one in ten with input the
 * capability refuses — each answered with its own result or its own problem, and each recorded.
 */
@Timeout(300)
class RestLoadTest {

  @Test
  void aThousandCallsAtOnceEachGetTheirOwnAnswer(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    System.out.println("RestLoadTest seed " + seed);
    Random random = new Random(seed);
    int n = 1000;
    long[][] pairs = new long[n][2];
    for (long[] p : pairs) {
      p[0] = random.nextInt(1_000_000);
      p[1] = random.nextInt(1_000_000);
    }
    try (BareGateway g =
        BareGateway.start(
            dir,
            "k",
            "",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB, burst: 1s}}",
            l -> {})) {
      String url = g.server().url().replace("/mcp", "/api/v1/capabilities/ccos.math.add/call");
      List<HttpResponse<String>> answers =
          Burst.send(
              n,
              i ->
                  HttpRequest.newBuilder(URI.create(url))
                      .header("X-API-Key", "k")
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              i % 10 == 0
                                  ? "\"not numbers\""
                                  : "[" + pairs[i][0] + "," + pairs[i][1] + "]")));
      for (int i = 0; i < n; i++) {
        HttpResponse<String> r = answers.get(i);
        Dict answer = (Dict) Json.parse(r.body());
        if (i % 10 == 0) {
          assertThat(r.statusCode()).as("answer %d (seed %d)", i, seed).isEqualTo(400);
          assertThat(answer.get(Json.key("title"))).isEqualTo(Value.of("InvalidInput"));
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(answer.get(Json.key("result")))
              .as("answer %d (seed %d)", i, seed)
              .isEqualTo(Value.of(pairs[i][0] + pairs[i][1]));
        }
      }
      g.node().ledger().flush();
      assertThat(
              g.node()
                  .chain()
                  .query(
                      ChainQuery.ALL
                          .withType("CapabilityCall")
                          .withCapability("ccos.math.add")
                          .withLimit(0)))
          .hasSize(n);
    }
  }
}
