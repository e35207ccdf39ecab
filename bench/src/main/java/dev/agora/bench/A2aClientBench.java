package dev.agora.bench;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An A2A agent's skill called through Agora (issue 16, the client side) against the same call made
 * straight to the agent, in one run: the agent is the official A2A JS SDK 1.3.0's
 * (interop/a2a/agent.mjs, its {@code reply} skill, a Message answer); both send A2A 1.0 {@code
 * SendStreamingMessage} over JSON-RPC and read the event stream to its end — the baseline with the
 * JDK's HttpClient and nothing else, Agora through the whole call path (policy, validation, the
 * egress guard, an in-memory chain) and the A2A provider.
 *
 * <p>Run from the repository root after {@code ./build test} (which installs interop/): {@code
 * ./build bench A2aClientBench -f 1 -wi 3 -i 5}; throughput with {@code -bm thrpt -t 8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class A2aClientBench {

  Process agent;
  AgoraNode node;
  HttpClient http;
  URI rpc;
  Value input;
  SecurityContext operator;

  @Setup(Level.Trial)
  public void start() throws IOException {
    agent =
        new ProcessBuilder(List.of("node", "interop/a2a/agent.mjs", "0"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (line == null || !line.startsWith("port ")) {
      throw new IllegalStateException(
          "the agent did not start (run from the repository root): " + line);
    }
    String base = "http://127.0.0.1:" + line.substring(5).strip();
    rpc = URI.create(base + "/a2a/jsonrpc");
    Path file = Files.createTempDirectory("agora-a2a-client-bench").resolve("agora.yaml");
    Files.writeString(
        file,
        """
        storage: {type: memory}
        contexts: {operator: {level: full}}
        default_context: operator
        sources:
          - {name: js, type: a2a, url: "%s", version: "1.0", binding: jsonrpc}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        """
            .formatted(base));
    AgoraConfig cfg = ConfigLoader.load(file);
    node = AgoraNode.open(cfg, EventSink.NONE, l -> {});
    node.marketplace().bootstrap();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    input = Reader.readValue("{:text \"hi\"}");
    operator = node.marketplace().context("operator");
    if (!direct().contains("echo: hi") || !agora().toString().contains("echo: hi")) {
      throw new IllegalStateException("not the agent's echo");
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    node.close();
    agent.destroy();
  }

  /** The baseline: the same A2A request with the JDK's client, its event stream read to the end. */
  @Benchmark
  public String direct() {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendStreamingMessage\",\"params\":{\"message\":"
            + "{\"messageId\":\"m-"
            + System.nanoTime()
            + "\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"hi\"}],\"metadata\":{\"skillId\":\"reply\"}}}}";
    HttpRequest r =
        HttpRequest.newBuilder(rpc)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header("A2A-Version", "1.0")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The same skill through Agora: a capability call on the one call path. */
  @Benchmark
  public Value agora() {
    return node.marketplace().call(CallRequest.of("a2a.js.reply", input, operator));
  }
}
