package dev.agora.bench;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Documents;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An HTTP capability called through Agora — the whole call path (policy, context, input validation,
 * egress check after DNS resolution, resilience guards, the shared client, JSON → RTFS, output
 * validation) and recording in the in-memory Causal Chain — beside the JDK's HttpClient sending the
 * same GET to the same local server (Javalin on 127.0.0.1) in the same run: plain {@code send},
 * with the JSON answer parsed, and bounded by a deadline as Agora bounds it ({@code sendAsync} + a
 * timed {@code get}: the JDK's blocking {@code send} cannot bound the body).
 *
 * <p>Run: {@code ./build bench HttpCapabilityBenchmark -bm sample -t 1} (latency) and {@code
 * ./build bench HttpCapabilityBenchmark -bm thrpt -t 8} (throughput, 8 callers).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HttpCapabilityBenchmark {

  static final String BODY =
      "{\"symbol\": \"ACME\", \"price\": 101.25, \"currency\": \"EUR\", \"open\": true}";

  /**
   * Where the actions go: {@code chain} — the Causal Chain in memory (the in-memory store keeps
   * every action, so the heap grows by ~1.4 KB per call); {@code off} — no recording, to show what
   * the growing chain costs the garbage collector.
   */
  @Param({"chain"})
  String recording;

  Javalin server;
  AgoraNode node;
  Marketplace market;
  HttpClient raw;
  HttpRequest rawRequest;
  CallRequest call;

  @Setup(Level.Trial)
  public void start() throws IOException {
    server =
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.concurrency.useVirtualThreads = true;
                  cfg.routes.get("/quote", ctx -> ctx.contentType("application/json").result(BODY));
                })
            .start("127.0.0.1", 0);
    String base = "http://127.0.0.1:" + server.port();
    Path dir = Files.createTempDirectory("agora-http-bench");
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        policy:
          egress: {allow: ["127.0.0.1:%d"], private: ["127.0.0.1:%d"]}
        contexts:
          agent: {level: controlled, allow: ["quotes.*"], effects: [network]}
        default_context: agent
        storage: {type: memory}
        """
            .formatted(server.port(), server.port()));
    AgoraConfig cfg = ConfigLoader.load(file);
    node = AgoraNode.open(cfg, EventSink.NONE, line -> {});
    market =
        recording.equals("off")
            ? Marketplace.builder().config(cfg).log(line -> {}).build()
            : node.marketplace();
    market.bootstrap();
    Manifests.LoadResult m =
        Manifests.parse(
            Documents.parse(
                """
        id: quotes.get
        input_schema: "[:map [:symbol :string]]"
        output_schema: "[:map [:symbol :string] [:price :float] [:currency :string] [:open :bool]]"
        effects: [network]
        provider: {type: http, url: "%s/quote?symbol={symbol}", idempotent: true}
        """
                    .formatted(base),
                "bench.yaml",
                Documents.Format.YAML));
    if (!m.problems().isEmpty()) {
      throw new IllegalStateException(m.problems().toString());
    }
    market.register(m.manifests().getFirst(), "bench");
    call =
        CallRequest.of("quotes.get", Reader.readValue("{:symbol \"ACME\"}"), cfg.context("agent"));
    raw = HttpClient.newHttpClient();
    rawRequest =
        HttpRequest.newBuilder(URI.create(base + "/quote?symbol=ACME"))
            .header("Accept", "application/json")
            .build();
    Value v = viaAgora();
    if (!Json.write(v).contains("ACME")) {
      throw new IllegalStateException("unexpected answer " + v);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (market != node.marketplace()) {
      market.close();
    }
    node.close();
    server.stop();
    raw.close();
  }

  @Benchmark
  public Value viaAgora() {
    return market.call(call);
  }

  @Benchmark
  public String baselineRawHttpClient() throws IOException, InterruptedException {
    return raw.send(rawRequest, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The raw client as Agora uses it: the whole exchange, body included, bounded by a deadline. */
  @Benchmark
  public String baselineRawHttpClientWithDeadline() throws Exception {
    return raw.sendAsync(rawRequest, HttpResponse.BodyHandlers.ofString())
        .get(30, TimeUnit.SECONDS)
        .body();
  }

  @Benchmark
  public Value baselineRawHttpClientAndJson() throws IOException, InterruptedException {
    return Json.parse(raw.send(rawRequest, HttpResponse.BodyHandlers.ofString()).body());
  }
}
