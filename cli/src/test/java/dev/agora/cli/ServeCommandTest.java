package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agora serve} in-process: it serves until interrupted, and a taken port is one error line.
 */
@Timeout(120)
class ServeCommandTest {

  @TempDir Path dir;

  /** Stderr that opens a latch when the server says it is ready. */
  private static final class Watched extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch ready = new CountDownLatch(1);

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      if (b == '\n' && text().contains("Ctrl-C stops")) {
        ready.countDown();
      }
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void servesHealthUntilInterrupted() throws Exception {
    Watched err = new Watched();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving =
        CliTest.inBackground(
            exit,
            new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(),
            err,
            "serve",
            "--port",
            "0",
            "--data-dir",
            dir.toString());
    assertThat(err.ready.await(60, TimeUnit.SECONDS)).as(err.text()).isTrue();
    Matcher url =
        Pattern.compile("serving MCP at (http://127\\.0\\.0\\.1:\\d+)/mcp").matcher(err.text());
    assertThat(url.find()).as(err.text()).isTrue();
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url.group(1) + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"");
    serving.interrupt();
    serving.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(serving.isAlive()).isFalse();
    assertThat(exit.get()).isZero();
  }

  @Test
  void aPortThatIsTakenIsOneErrorLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliTest.Result r =
          CliTest.agora(
              "serve",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--data-dir",
              dir.toString());
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .contains("error: cannot serve on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }

  @Test
  void theConfiguredPortIsUsedWithoutPortOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path cfg = dir.resolve("agora.yaml");
      Files.writeString(cfg, "server:\n  host: 127.0.0.1\n  port: " + taken.getLocalPort() + "\n");
      CliTest.Result r =
          CliTest.agora(
              "serve", "--config", cfg.toString(), "--data-dir", dir.resolve("data").toString());
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .contains("error: cannot serve on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }
}
