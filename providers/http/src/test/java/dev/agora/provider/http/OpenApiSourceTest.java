package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.doc.DocumentException;
import dev.agora.core.manifest.CapabilityManifest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An OpenAPI source's reading, health and polling, on files and on a loopback server. */
@Timeout(60)
class OpenApiSourceTest {

  @TempDir Path dir;

  static final String DOC =
      """
      {"openapi": "3.0.3", "info": {"title": "T", "version": "1.0.0"},
       "servers": [{"url": "http://127.0.0.1:9"}],
       "paths": {"/a": {"post": {"operationId": "a", "requestBody": {"content":
         {"application/json": {"schema": {"$ref": "parts.json#/A"}}}}}}}}
      """;

  static OpenApiSource file(Path file, Duration refresh) {
    return new OpenApiSource("s", file, null, "s", null, OpenApi.Auth.NONE, refresh);
  }

  /** A source reading the document at {@code url}, every 30 s once watched. */
  static OpenApiSource remote(String url) {
    return new OpenApiSource(
        "r", null, URI.create(url), "r", null, OpenApi.Auth.NONE, Duration.ofSeconds(30));
  }

  @Test
  void aBrokenFileIsATypedFailureAndItsRepairBringsTheSourceBack() throws Exception {
    Path api = dir.resolve("api.json");
    Files.writeString(dir.resolve("parts.json"), "{\"A\": {\"type\": \"object\"}}");
    Files.writeString(api, "{\"openapi\": ");
    try (OpenApiSource src = file(api, Duration.ofMillis(30))) {
      assertThatThrownBy(src::discover)
          .isInstanceOf(DocumentException.class)
          .hasMessageContaining("not valid JSON");
      assertThat(src.health().up()).isFalse();
      assertThat(src.health().detail()).startsWith("cannot read " + api + ": ");
      Reports reports = new Reports();
      src.watch(reports);
      src.watch(reports); // once is enough: no second poller
      Files.writeString(api, DOC);
      assertThat(reports.next()).startsWith("upsert s.a ").contains(":type \"object\"");
      assertThat(src.health().up()).isTrue();

      // a file the document refers to changes, then goes away
      Files.writeString(dir.resolve("parts.json"), "{\"A\": {\"type\": \"array\"}}");
      assertThat(reports.next()).startsWith("upsert s.a ").contains(":type \"array\"");
      Files.delete(dir.resolve("parts.json"));
      assertThat(reports.next())
          .isEqualTo(
              "problem 'parts.json#/A': no such file "
                  + dir.resolve("parts.json").toAbsolutePath());
      assertThat(reports.next()).isEqualTo("remove s.a");
    }
  }

  @Test
  void aSourceThatIsNotWatchedDoesNotPoll() throws Exception {
    Files.writeString(dir.resolve("parts.json"), "{\"A\": {}}");
    Path api = dir.resolve("api.json");
    Files.writeString(api, DOC);
    try (OpenApiSource src = file(api, Duration.ZERO)) {
      assertThat(src.discover().manifests())
          .extracting(CapabilityManifest::id)
          .containsExactly("s.a");
      Reports reports = new Reports();
      src.watch(reports);
      Files.writeString(dir.resolve("parts.json"), "{\"A\": {\"type\": \"string\"}}");
      assertThat(reports.seen.poll(300, TimeUnit.MILLISECONDS)).isNull();
      assertThat(src.discover().manifests().get(0).input().originalJsonSchema().toString())
          .contains(":type \"string\"");
    }
  }

  @Test
  void aUrlThatDoesNotAnswerWithTheDocumentTurnsHealthDown() throws Exception {
    try (TestServer server = new TestServer();
        OpenApiSource src = remote(server.url("/missing"))) {
      assertThatThrownBy(src::discover)
          .isInstanceOf(IOException.class)
          .hasMessage("HTTP 404 from " + server.url("/missing"));
      assertThat(src.health().detail())
          .isEqualTo(
              "cannot read "
                  + server.url("/missing")
                  + ": HTTP 404 from "
                  + server.url("/missing"));
    }
  }

  @Test
  void aJsonDocumentServedOverHttpIsReadAsJson() throws Exception {
    try (TestServer server = new TestServer()) {
      server.openapi = DOC.replace("{\"$ref\": \"parts.json#/A\"}", "{\"type\": \"integer\"}");
      try (OpenApiSource src = remote(server.url("/openapi.yaml"))) {
        List<CapabilityManifest> found = src.discover().manifests();
        assertThat(found).extracting(CapabilityManifest::id).containsExactly("r.a");
        assertThat(src.health().up()).isTrue();
      }
    }
  }
}
