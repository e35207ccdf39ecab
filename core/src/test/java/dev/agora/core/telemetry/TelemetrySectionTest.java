package dev.agora.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora.yaml's {@code telemetry:} section (issue 17). */
class TelemetrySectionTest {

  @TempDir Path dir;

  private TelemetrySettings read(String yaml) throws IOException {
    return TelemetrySection.of(ConfigLoader.load(write(yaml)));
  }

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void tracing_is_off_without_the_section_and_with_an_empty_one() throws IOException {
    assertThat(TelemetrySection.of(AgoraConfig.defaults())).isEqualTo(TelemetrySettings.OFF);
    assertThat(read("telemetry: {}\n")).isEqualTo(TelemetrySettings.OFF);
    assertThat(TelemetrySettings.OFF.traces()).isFalse();
    assertThat(TelemetrySettings.OFF.endpoint())
        .isEqualTo(URI.create("http://127.0.0.1:4318/v1/traces"));
  }

  @Test
  void every_key() throws IOException {
    assertThat(
            read(
                """
                telemetry:
                  traces: otlp
                  endpoint: https://collector.example.com:4318/v1/traces
                  protocol: http/protobuf
                  service_name: agora-eu-1
                  sample_ratio: 0.25
                """))
        .isEqualTo(
            new TelemetrySettings(
                true,
                URI.create("https://collector.example.com:4318/v1/traces"),
                "agora-eu-1",
                0.25));
    assertThat(read("telemetry: {traces: off, sample_ratio: 0}\n").sampleRatio()).isZero();
  }

  @Test
  void each_bad_value_is_a_problem_naming_its_key() throws IOException {
    DocumentException e =
        catchThrowableOfType(
            DocumentException.class,
            () ->
                read(
                    """
                    telemetry:
                      traces: jaeger
                      endpoint: ftp://collector/v1/traces
                      protocol: grpc
                      service_name: " "
                      sample_ratio: 1.5
                      headers: {x: y}
                    """));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(dir.resolve("agora.yaml").toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: telemetry.traces: use otlp (export spans over OTLP) or off",
            "agora.yaml:3: telemetry.endpoint: 'ftp://collector/v1/traces' is not an http(s) URL",
            "agora.yaml:4: telemetry.protocol: grpc needs a gRPC sender, which this build leaves"
                + " out; use http/protobuf (port 4318)",
            "agora.yaml:5: telemetry.service_name: must not be empty",
            "agora.yaml:6: telemetry.sample_ratio: expected a number from 0.0 to 1.0, found 1.5"
                + " (float)",
            "agora.yaml:7: telemetry.headers: unknown key 'headers'; known keys are traces,"
                + " endpoint, protocol, service_name, sample_ratio");
    assertThat(
            catchThrowableOfType(
                    DocumentException.class, () -> read("telemetry: {protocol: http/json}\n"))
                .problems())
        .extracting(DocumentProblem::message)
        .containsExactly("use http/protobuf");
  }
}
