package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An OpenAPI 3 document as capabilities, called against a real server on 127.0.0.1. */
@Timeout(60)
class OpenApiTest {

  static final String PETSTORE =
      """
      openapi: 3.0.3
      info: {title: Pets, version: 1.2.0}
      servers: [{url: "https://pets.example.com/v1"}]
      security: [{token: []}]
      components:
        securitySchemes:
          token: {type: http, scheme: bearer}
        parameters:
          PetId: {name: petId, in: path, required: true, schema: {type: integer}}
        schemas:
          Pet:
            type: object
            required: [name]
            properties:
              name: {type: string}
              tag: {type: string}
      paths:
        /echo/pets/{petId}:
          parameters: [{$ref: "#/components/parameters/PetId"}]
          get:
            operationId: getPet
            summary: One pet
            parameters:
              - {name: verbose, in: query, schema: {type: boolean}}
              - {name: X-Request-Id, in: header, schema: {type: string}}
            responses:
              "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        /echo/pets:
          post:
            operationId: createPet
            requestBody:
              required: true
              content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
            responses: {"201": {description: created}}
        /text:
          get:
            security: []
            responses: {"200": {description: ok, content: {text/plain: {}}}}
      """;

  @TempDir Path dir;

  TestServer server;
  Marketplace market;
  Path spec;
  List<Bootstrap.SourceReport> reports;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
    spec = dir.resolve("petstore.yaml");
    Files.writeString(spec, PETSTORE);
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(
        cfg,
        """
        sources:
          - {name: pets, type: openapi, path: petstore.yaml, server: "%s", auth: {token_env: TEST_TOKEN}, refresh: 100ms}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        """
            .formatted(server.url("")));
    AgoraConfig c = ConfigLoader.load(cfg).withStorage(AgoraConfig.Storage.MEMORY);
    market =
        Marketplace.builder()
            .config(c)
            .log(l -> {})
            .provider(new HttpProvider(Map.of("TEST_TOKEN", "tok-open-api")::get))
            .build();
    reports = market.bootstrap();
  }

  @AfterEach
  void stop() throws Exception {
    market.close();
    market.config().sources().forEach(s -> s.close());
    server.close();
  }

  private Value call(String id, String input) {
    return market.call(CallRequest.of(id, Reader.readValue(input), SecurityContext.full("t")));
  }

  /** Counted down when the registry registers a manifest that {@code matches}. */
  private CountDownLatch registered(Predicate<CapabilityManifest> matches) {
    CountDownLatch latch = new CountDownLatch(1);
    market
        .registry()
        .listen(
            new Registry.Listener() {
              @Override
              public void registered(CapabilityManifest m, Registry.Change change) {
                if (matches.test(m)) {
                  latch.countDown();
                }
              }

              @Override
              public void removed(CapabilityManifest m) {}
            });
    return latch;
  }

  @Test
  void operationsBecomeCapabilities() {
    assertThat(reports)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.failure()).isNull();
              assertThat(r.problems()).isEmpty();
            });
    assertThat(market.registry().get("pets.getPet")).isNotNull();
    CapabilityManifest create = market.registry().get("pets.createPet");
    assertThat(create.version()).isEqualTo("1.2.0");
    assertThat(create.effects()).contains("network", "writes");
    assertThat(create.idempotent()).isFalse();
    assertThat(market.registry().get("pets.getPet").idempotent()).isTrue();
    assertThat(market.registry().get("pets.get_text"))
        .isNotNull(); // no operationId: method and path
    assertThat(market.registry().get("pets.getPet").description())
        .startsWith("One pet (OpenAPI GET /echo/pets/{petId})");

    Value pet = call("pets.getPet", "{:petId 7 :verbose true}");
    assertThat(Printer.print(pet)).contains(":uri \"/echo/pets/7?verbose=true\"");
    assertThat(server.received.getLast().header("Authorization")).isEqualTo("Bearer tok-open-api");
    assertThat(server.received.getLast().header("X-Request-Id")).isNull(); // optional: left out
    call("pets.getPet", "{:petId 7 :X-Request-Id \"r-1\"}");
    assertThat(server.received.getLast().header("X-Request-Id")).isEqualTo("r-1");
    Value created = call("pets.createPet", "{:body {:name \"Rex\" :tag \"dog\"}}");
    assertThat(Printer.print(created))
        .contains(":method \"POST\"")
        .contains(":body {:name \"Rex\" :tag \"dog\"}");
    assertThat(call("pets.get_text", "nil")).isEqualTo(Value.of("plain words"));
    assertThat(server.received.getLast().header("Authorization"))
        .isNull(); // security: [] for this one

    // the document's schemas are enforced before anything is sent
    int before = server.received.size();
    assertThatThrownBy(() -> call("pets.getPet", "{:petId \"seven\"}"))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("petId");
    assertThatThrownBy(() -> call("pets.createPet", "{:body {:tag \"no name\"}}"))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("name");
    assertThat(server.received).hasSize(before);
  }

  @Test
  void aChangedDocumentUpdatesTheRegistryWhileRunning() throws Exception {
    CountDownLatch added = registered(m -> m.id().equals("pets.deletePet"));
    CountDownLatch removed = new CountDownLatch(1);
    market
        .registry()
        .listen(
            new Registry.Listener() {
              @Override
              public void registered(CapabilityManifest m, Registry.Change change) {}

              @Override
              public void removed(CapabilityManifest m) {
                if (m.id().equals("pets.createPet")) {
                  removed.countDown();
                }
              }
            });
    Files.writeString(
        spec,
        PETSTORE
            .replace("operationId: createPet", "operationId: deletePet")
            .replace("post:", "delete:"));
    assertThat(added.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(removed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(market.registry().get("pets.deletePet").provider().toValue().toString())
        .contains("DELETE");
  }

  @Test
  void aDocumentServedOverHttpIsPolledWithItsEtag() throws Exception {
    server.openapi = PETSTORE.replace("https://pets.example.com/v1", server.url(""));
    OpenApiSource src =
        new OpenApiSource(
            "remote",
            null,
            URI.create(server.url("/openapi.yaml")),
            "remote",
            null,
            new OpenApi.Auth("TEST_TOKEN", null, null, null),
            Duration.ofMillis(50));
    try {
      assertThat(src.discover().manifests())
          .extracting(CapabilityManifest::id)
          .containsExactlyInAnyOrder("remote.getPet", "remote.createPet", "remote.get_text");
      CountDownLatch changed = new CountDownLatch(1);
      CountDownLatch failed = new CountDownLatch(1);
      src.watch(
          new DiscoverySource.Changes() {
            @Override
            public void upsert(DiscoverySource s, CapabilityManifest m) {
              if (m.id().equals("remote.deletePet")) {
                changed.countDown();
              }
            }

            @Override
            public void remove(DiscoverySource s, String id, String version) {}

            @Override
            public void problem(DiscoverySource s, DocumentProblem p) {
              failed.countDown();
            }
          });
      // polls of an unchanged document are conditional, answered 304
      assertThat(server.notModified.tryAcquire(2, 20, TimeUnit.SECONDS)).isTrue();
      assertThat(
              server.received.stream()
                  .filter(r -> r.uri().equals("/openapi.yaml"))
                  .skip(1)
                  .allMatch(r -> r.header("If-None-Match") != null))
          .isTrue();
      server.openapi =
          server
              .openapi
              .replace("operationId: createPet", "operationId: deletePet")
              .replace("post:", "delete:");
      assertThat(changed.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(src.health().up()).isTrue();
      server.openapi = "this: [is not yaml";
      assertThat(failed.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(src.health().up()).isFalse();
      assertThat(src.health().detail()).contains("cannot read").contains("/openapi.yaml");
      // the broken document is answered 304 from now on: it is still broken
      server.notModified.drainPermits();
      assertThat(server.notModified.tryAcquire(2, 20, TimeUnit.SECONDS)).isTrue();
      assertThat(src.health().up()).isFalse();
    } finally {
      src.close();
    }
  }

  @Test
  void aChangeInAFileTheDocumentRefersToUpdatesTheRegistry() throws Exception {
    Files.writeString(
        dir.resolve("pet.yaml"), "Pet: {type: object, properties: {name: {type: string}}}\n");
    Files.writeString(spec, PETSTORE.replace("\"#/components/schemas/Pet\"", "\"pet.yaml#/Pet\""));
    CountDownLatch updated =
        registered(
            m ->
                m.id().equals("pets.createPet")
                    && m.input().originalJsonSchema().toString().contains("colour"));
    Files.writeString(
        dir.resolve("pet.yaml"),
        "Pet: {type: object, properties: {name: {type: string}, colour: {type: string}}}\n");
    assertThat(updated.await(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void sourceMistakesAreNamedWithLineAndKey() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        sources:
          - {name: a, type: openapi}
          - {name: b, type: openapi, url: "ftp://x/openapi.json", prefix: "no spaces"}
          - {name: c, type: openapi, path: x.yaml, auth: {token: abc}, colour: red}
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(bad.toString(), "bad.yaml"))
        .containsExactly(
            "bad.yaml:2: sources[0]: an openapi source needs either 'path' (a file) or 'url' (where the document is served)",
            "bad.yaml:3: sources[1].url: 'ftp://x/openapi.json' is not an http(s) URL",
            "bad.yaml:3: sources[1].prefix: 'no spaces' cannot start capability ids: 'no spaces' contains ' '; ids use "
                + "letters, digits, _ and -, with . : / between segments",
            "bad.yaml:4: sources[2].auth: secrets do not belong in agora.yaml; name environment variables: token_env, "
                + "key_env, password_env",
            "bad.yaml:4: sources[2].colour: unknown key 'colour'; known keys are type, name, path, url, prefix, server, "
                + "auth, refresh");
  }

  @Test
  void documentsThatCannotBeUsedSayWhy() throws Exception {
    OpenApi.Result swagger = read("swagger: \"2.0\"\n", null);
    assertThat(swagger.problems())
        .extracting(p -> p.message())
        .containsExactly(
            "this is not an OpenAPI 3 document (openapi: null); Swagger 2 is not supported");
    OpenApi.Result r =
        read(
            PETSTORE.replace("#/components/schemas/Pet", "#/components/schemas/Dog"),
            "http://127.0.0.1:1");
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("x.get_text");
    assertThat(r.problems())
        .extracting(p -> p.field() + ": " + p.message())
        .containsExactly(
            "paths./echo/pets/{petId}.get: needs security [token], and the source configures no matching secret "
                + "(auth: {token_env | key_env | user + password_env})",
            "paths./echo/pets.post: $ref #/components/schemas/Dog points nowhere");
    OpenApi.Result noServer = read("openapi: 3.1.0\npaths: {}\n", null);
    assertThat(noServer.problems())
        .extracting(p -> p.message())
        .containsExactly(
            "no server URL: the document has no usable servers entry; set `server:` in the source");
  }

  /** A YAML document read as if from a file that is not there (no relative references). */
  static OpenApi.Result read(String yaml, String server) {
    return OpenApi.read(yaml, Documents.Format.YAML, null, null, server, "x", OpenApi.Auth.NONE);
  }
}
