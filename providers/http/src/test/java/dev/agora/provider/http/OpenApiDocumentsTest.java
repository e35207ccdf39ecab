package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.Validator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * OpenAPI documents as swagger-parser reads them: references (local files yes, the network never),
 * servers, 3.1, security schemes, and documents that are broken, hostile or large.
 */
@Timeout(120)
class OpenApiDocumentsTest {

  @TempDir Path dir;

  /** What the parser logged or printed: it must say nothing, whatever the document. */
  private ListAppender<ILoggingEvent> logged;

  private PrintStream err;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeEach
  void watchWhatIsSaid() {
    logged = new ListAppender<>();
    logged.start();
    root().addAppender(logged);
    err = System.err;
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void nothingWasSaid() {
    System.setErr(err);
    root().detachAppender(logged);
    assertThat(logged.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
        .isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  static final OpenApi.Auth ALL = new OpenApi.Auth("TOKEN", "KEY", "ada", "PASSWORD");

  static OpenApi.Result read(String yaml) {
    return OpenApi.read(yaml, Documents.Format.YAML, null, null, "http://127.0.0.1:1", "x", ALL);
  }

  static OpenApi.Result read(Path file) throws Exception {
    return OpenApi.read(
        Files.readString(file),
        Documents.Format.YAML,
        file,
        null,
        "http://127.0.0.1:1",
        "x",
        OpenApi.Auth.NONE);
  }

  static List<String> messages(OpenApi.Result r) {
    return r.problems().stream().map(p -> p.field() + ": " + p.message()).toList();
  }

  static CapabilityManifest only(OpenApi.Result r) {
    assertThat(r.problems()).isEmpty();
    assertThat(r.manifests()).hasSize(1);
    return r.manifests().get(0);
  }

  static boolean accepts(CapabilityManifest m, String input) {
    return Validator.conforms(m.input().type(), Reader.readValue(input));
  }

  static int port(TestServer server) {
    return URI.create(server.url("")).getPort();
  }

  static String url(CapabilityManifest m) {
    return ((ProviderSpec.Http) m.provider()).url();
  }

  static String options(CapabilityManifest m) {
    return ((ProviderSpec.Http) m.provider()).options().toString();
  }

  // ---- References ----

  @Test
  void filesBesideTheDocumentAreReadThroughTheirReferences() throws Exception {
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(
        dir.resolve("schemas/pet.yaml"),
        """
        Pet:
          type: object
          required: [name, tag]
          properties:
            name: {$ref: "../common.yaml#/Name"}
            tag: {$ref: "#/Tag"}
        Tag: {type: string, enum: [cat, dog]}
        """);
    Files.writeString(
        dir.resolve("common.yaml"),
        """
        Name: {type: string, minLength: 1}
        components:
          parameters:
            Limit: {name: limit, in: query, required: true, schema: {type: integer, minimum: 1}}
        """);
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        """
        openapi: 3.0.3
        info: {title: Split, version: 2.0.0}
        paths:
          /pets:
            post:
              operationId: createPet
              parameters: [{$ref: "common.yaml#/components/parameters/Limit"}]
              requestBody:
                required: true
                content: {application/json: {schema: {$ref: "schemas/pet.yaml#/Pet"}}}
              responses: {"201": {description: made}}
        """);
    OpenApi.Result r = read(api);
    CapabilityManifest m = only(r);
    assertThat(r.parts())
        .containsExactly(
            dir.resolve("common.yaml").toAbsolutePath().normalize(),
            dir.resolve("schemas/pet.yaml").toAbsolutePath().normalize());
    assertThat(accepts(m, "{:limit 5 :body {:name \"Rex\" :tag \"dog\"}}")).isTrue();
    assertThat(accepts(m, "{:limit 5 :body {:name \"Rex\" :tag \"cow\"}}")).isFalse();
    assertThat(accepts(m, "{:limit 5 :body {:name \"\" :tag \"dog\"}}")).isFalse();
    assertThat(accepts(m, "{:limit 0 :body {:name \"Rex\" :tag \"dog\"}}")).isFalse();
    assertThat(accepts(m, "{:body {:name \"Rex\" :tag \"dog\"}}")).isFalse();
  }

  @Test
  void referencesThatWouldFetchOrLeaveTheDirectoryAreRefusedBeforeAnyIsFollowed() throws Exception {
    try (TestServer server = new TestServer()) {
      Path sub = Files.createDirectories(dir.resolve("sub"));
      Files.writeString(dir.resolve("outside.yaml"), "X: {type: string}\n");
      Files.writeString(sub.resolve("other.yaml"), "X: {type: string}\n");
      Files.writeString(sub.resolve("notes.txt"), "X\n");
      Path api = sub.resolve("api.yaml");
      Files.writeString(
          api,
          """
          openapi: 3.0.3
          info: {title: Hostile, version: 1.0.0}
          paths:
            /a:
              get:
                parameters:
                  - {name: a, in: query, schema: {$ref: "%s#/X"}}
                  - {name: b, in: query, schema: {$ref: "//127.0.0.1:%d/evil.yaml#/X"}}
                  - {name: c, in: query, schema: {$ref: "file:///etc/passwd"}}
                  - {name: d, in: query, schema: {$ref: "../outside.yaml#/X"}}
                  - {name: e, in: query, schema: {$ref: "missing.yaml#/X"}}
                  - {name: f, in: query, schema: {$ref: "other.yaml#/Nope"}}
                  - {name: g, in: query, schema: {$ref: "notes.txt#/X"}}
                  - name: h
                    in: query
                    schema:
                      oneOf: [{$ref: "other.yaml#/X"}]
                      discriminator: {propertyName: kind, mapping: {x: "%s#/X", y: Local}}
                  - {name: i, in: query, schema: {$id: "%s", type: string}}
                responses: {"200": {description: ok}}
          """
              .formatted(
                  server.url("/evil.yaml"),
                  port(server),
                  server.url("/evil.yaml"),
                  server.url("/schemas/")));
      OpenApi.Result r = read(api);
      assertThat(r.manifests()).isEmpty();
      String p = "paths./a.get.parameters";
      assertThat(messages(r))
          .containsExactly(
              p
                  + "[0].schema.$ref: '"
                  + server.url("/evil.yaml")
                  + "#/X' is not followed: only references inside the document or to files beside "
                  + "it are, since the parser would fetch a URL past the egress guard",
              p
                  + "[1].schema.$ref: '//127.0.0.1:"
                  + port(server)
                  + "/evil.yaml#/X' is not followed: only references inside the document or to "
                  + "files beside it are, since the parser would fetch a URL past the egress guard",
              p
                  + "[2].schema.$ref: 'file:///etc/passwd' is not followed: only references inside "
                  + "the document or to files beside it are, since the parser would fetch a URL "
                  + "past the egress guard",
              p
                  + "[3].schema.$ref: '../outside.yaml#/X' points outside the document's directory "
                  + sub,
              p + "[4].schema.$ref: 'missing.yaml#/X': no such file " + sub.resolve("missing.yaml"),
              p + "[5].schema.$ref: 'other.yaml#/Nope' points nowhere in other.yaml",
              ": not a .json, .yaml or .yml file",
              p
                  + "[7].schema.discriminator.mapping.x: '"
                  + server.url("/evil.yaml")
                  + "#/X' is not followed: only references inside the document or to files beside "
                  + "it are, since the parser would fetch a URL past the egress guard",
              p + "[8].schema.$id: $id is not supported: it changes where relative $refs point");
      assertThat(r.problems())
          .allSatisfy(pr -> assertThat(pr.toString()).doesNotContain("Exception"));
      assertThat(r.problems().get(0).line()).isEqualTo(7);
      assertThat(server.received).isEmpty(); // nothing was fetched
    }
  }

  @Test
  void aDocumentReadFromAUrlMayOnlyReferToItself() throws Exception {
    try (TestServer server = new TestServer()) {
      String doc =
          """
          openapi: 3.0.3
          info: {title: Remote, version: 1.0.0}
          paths:
            /a:
              get:
                operationId: a
                parameters: [{name: q, in: query, schema: {$ref: "common.yaml#/Q"}}]
                responses: {"200": {description: ok}}
          """;
      OpenApi.Result r =
          OpenApi.read(
              doc,
              Documents.Format.YAML,
              null,
              URI.create(server.url("/openapi.yaml")),
              null,
              "x",
              OpenApi.Auth.NONE);
      assertThat(r.manifests()).isEmpty();
      assertThat(messages(r))
          .containsExactly(
              "paths./a.get.parameters[0].schema.$ref: 'common.yaml#/Q' is not followed: a document "
                  + "read from a URL may only refer to itself (its relative files would be fetched "
                  + "past the egress guard)");
      assertThat(server.received).isEmpty();
    }
  }

  @Test
  void tooManyFilesIsAProblem() throws Exception {
    for (int i = 0; i <= OpenApiRefs.MAX_FILES; i++) {
      Files.writeString(
          dir.resolve("s" + i + ".yaml"), "S: {$ref: \"s" + (i + 1) + ".yaml#/S\"}\n");
    }
    Files.writeString(dir.resolve("s" + (OpenApiRefs.MAX_FILES + 1) + ".yaml"), "S: {}\n");
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        """
        openapi: 3.0.3
        info: {title: Chain, version: 1.0.0}
        paths: {/a: {get: {parameters: [{name: q, in: query, schema: {$ref: "s0.yaml#/S"}}]}}}
        """);
    OpenApi.Result r = read(api);
    assertThat(messages(r))
        .containsExactly(
            "S.$ref: more than "
                + OpenApiRefs.MAX_FILES
                + " files take part; 's"
                + (OpenApiRefs.MAX_FILES - 1)
                + ".yaml#/S' is not read");
  }

  @Test
  void danglingReferencesAreNamedWithoutTheParserSpeaking() throws Exception {
    String doc =
        """
        openapi: 3.1.0
        info: {title: Dangling, version: 1.0.0}
        paths:
          /a: {get: {operationId: a, parameters: [{$ref: "#/components/parameters/Missing"}]}}
          /b: {get: {operationId: b, parameters: [{name: q, in: query, schema: {$ref: "#/components/schemas/Gone"}}]}}
          /c: {get: {operationId: c}}
        """;
    OpenApi.Result alone = read(doc);
    assertThat(alone.manifests()).extracting(CapabilityManifest::id).containsExactly("x.c");
    assertThat(messages(alone))
        .containsExactly(
            "paths./a.get: $ref #/components/parameters/Missing points nowhere",
            "paths./b.get: $ref #/components/schemas/Gone points nowhere");

    // with a file beside it, the parser resolves every reference: the dangling ones are refused
    // first
    Files.writeString(dir.resolve("q.yaml"), "Q: {type: string}\n");
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        doc.replace(
            "/c: {get: {operationId: c}}",
            "/c: {get: {operationId: c, parameters: [{name: q, in: query, schema: {$ref: \"q.yaml#/Q\"}}]}}"));
    OpenApi.Result beside = read(api);
    assertThat(beside.manifests()).isEmpty();
    assertThat(messages(beside))
        .containsExactly(
            "paths./a.get.parameters[0].$ref: '#/components/parameters/Missing' points nowhere in api.yaml",
            "paths./b.get.parameters[0].schema.$ref: '#/components/schemas/Gone' points nowhere in api.yaml");
  }

  // ---- Cycles and growth ----

  @Test
  void cyclicReferencesBecomeAnyAndTheRestIsChecked() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"),
        "A: {type: object, required: [b], properties: {b: {$ref: \"b.yaml#/B\"}}}\n");
    Files.writeString(
        dir.resolve("b.yaml"),
        "B: {type: object, required: [n], properties: {n: {type: integer}, a: {$ref: \"a.yaml#/A\"}}}\n");
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        """
        openapi: 3.0.3
        info: {title: Cycles, version: 1.0.0}
        components:
          schemas:
            Loop: {$ref: "#/components/schemas/Loop2"}
            Loop2: {$ref: "#/components/schemas/Loop"}
            Pet:
              type: object
              required: [name]
              properties:
                name: {type: string}
                kids: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        paths:
          /loop:
            post:
              operationId: loop
              requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Loop"}}}}
          /pet:
            post:
              operationId: pet
              requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
          /files:
            post:
              operationId: files
              requestBody: {required: true, content: {application/json: {schema: {$ref: "a.yaml#/A"}}}}
        """);
    OpenApi.Result r = read(api);
    assertThat(r.problems()).isEmpty();
    CapabilityManifest loop = r.manifests().get(0);
    CapabilityManifest pet = r.manifests().get(1);
    CapabilityManifest files = r.manifests().get(2);
    assertThat(accepts(loop, "{:body [1 \"anything\"]}")).isTrue();
    assertThat(accepts(pet, "{:body {:name \"a\" :kids [{:name \"b\" :kids [{:whatever 1}]}]}}"))
        .isTrue();
    assertThat(accepts(pet, "{:body {:name \"a\" :kids [{:name 7}]}}"))
        .isTrue(); // the recursion: any
    assertThat(accepts(pet, "{:body {:name 7 :kids []}}")).isFalse();
    assertThat(accepts(pet, "{:body {:name \"a\" :kids 3}}")).isFalse();
    assertThat(accepts(pet, "{:body {:kids []}}")).isFalse();
    assertThat(accepts(files, "{:body {:b {:n 1 :a {:b {:n 2}}}}}")).isTrue();
    assertThat(accepts(files, "{:body {:b {:n \"one\"}}}")).isFalse();
  }

  @Test
  void referencesUsedManyTimesCannotMultiplyASchemaWithoutEnd() {
    StringBuilder doc =
        new StringBuilder(
            """
            openapi: 3.0.3
            info: {title: Bomb, version: 1.0.0}
            paths:
              /bomb: {post: {operationId: bomb, requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/L0"}}}}}}
              /fine: {get: {operationId: fine}}
            components:
              schemas:
            """);
    for (int i = 0; i < 40; i++) {
      doc.append(
          "    L%d: {type: object, properties: {a: {$ref: \"#/components/schemas/L%d\"}, b: {$ref: \"#/components/schemas/L%d\"}}}\n"
              .formatted(i, i + 1, i + 1));
    }
    doc.append("    L40: {type: string}\n");
    OpenApi.Result r = read(doc.toString());
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("x.fine");
    assertThat(messages(r))
        .containsExactly(
            "paths./bomb.post: its schema has more than "
                + OpenApiSchemas.MAX_NODES
                + " parts once its $refs are written out");
  }

  @Test
  void deeplyNestedSchemasAreProblemsNotCrashes() throws Exception {
    // 220 levels of properties: within the reader's limit of 500, past the 200 a schema may have
    String deep = "{type: object, properties: {a: ".repeat(220) + "{}" + "}}".repeat(220);
    String doc =
        """
        openapi: 3.0.3
        info: {title: Deep, version: 1.0.0}
        paths:
          /deep: {post: {operationId: deep, requestBody: {content: {application/json: {schema: %s}}}}}
          /fine: {get: {operationId: fine}}
        """
            .formatted(deep);
    // on a thread with a small stack, as a CLI's or a poller's may be
    OpenApi.Result r = readOnStack(doc, 512 * 1024);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).contains("x.fine");
    assertThat(messages(r)).hasSize(1);
    assertThat(messages(r).get(0)).startsWith("paths./deep.post: ").doesNotContain("Exception");

    String tooDeep = "{type: object, properties: {a: ".repeat(300) + "{}" + "}}".repeat(300);
    DocumentException e =
        catchThrowableOfType(DocumentException.class, () -> read(doc.replace(deep, tooDeep)));
    assertThat(e.getMessage()).contains("not valid YAML").contains("nesting depth");
  }

  @Test
  void aSchemaNestedAsDeepAsTheReaderAllowsIsAProblemOnASmallStack() throws Exception {
    // 480 levels of array items: Agora's reader takes them, the parser recurses through them
    String deep = "{type: array, items: ".repeat(480) + "{}" + "}".repeat(480);
    String doc =
        """
        openapi: 3.0.3
        info: {title: Deep, version: 1.0.0}
        paths:
          /deep: {post: {operationId: deep, requestBody: {content: {application/json: {schema: %s}}}}}
        """
            .formatted(deep);
    OpenApi.Result r = readOnStack(doc, 192 * 1024);
    assertThat(r.manifests()).isEmpty();
    assertThat(messages(r))
        .singleElement()
        .satisfies(
            // where the stack runs out depends on the JVM (and on JaCoCo's instrumentation): in the
            // parser (the document) or in writing the schema out (the operation); either way a
            // problem in plain words
            m ->
                assertThat(m)
                    .matches(
                        "(paths\\./deep\\.post: |: the OpenAPI parser could not read this document: ).+")
                    .doesNotContain("java.", "com.fasterxml", "io.swagger", "\tat "));
  }

  /** {@code doc} read on a thread with a stack of {@code bytes}; it must give a result. */
  static OpenApi.Result readOnStack(String doc, long bytes) throws InterruptedException {
    AtomicReference<Object> out = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                out.set(read(doc));
              } catch (Throwable e) {
                out.set(e);
              }
            },
            "small-stack",
            bytes);
    t.start();
    t.join();
    assertThat(out.get()).isInstanceOf(OpenApi.Result.class);
    return (OpenApi.Result) out.get();
  }

  // ---- Malformed and hostile text ----

  @Test
  void textThatIsNotADocumentIsATypedErrorWithItsLine() {
    DocumentException garbage =
        catchThrowableOfType(DocumentException.class, () -> read("openapi: 3.0.3\npaths: [1, 2\n"));
    assertThat(garbage.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(2);
              assertThat(p.message()).startsWith("not valid YAML: ");
            });
    DocumentException json =
        catchThrowableOfType(
            DocumentException.class,
            () ->
                OpenApi.read(
                    "{\"openapi\": \"3.0.3\", \"paths\": {",
                    Documents.Format.JSON,
                    null,
                    null,
                    null,
                    "x",
                    ALL));
    assertThat(json.getMessage()).contains("not valid JSON");
    assertThat(messages(read("- just\n- a list\n")))
        .containsExactly(": an OpenAPI document is a map");
    assertThat(messages(read("openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\n")))
        .containsExactly("paths: the document has no paths");
  }

  @Test
  void yamlAliasesAreRefusedSoABombCannotGoOff() throws Exception {
    StringBuilder bomb = new StringBuilder("openapi: 3.0.3\ninfo: {title: Bomb, version: 1.0.0}\n");
    bomb.append("x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("x-a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      bomb.append("]\n");
    }
    bomb.append("paths: {/a: {get: {operationId: a}}}\n");
    OpenApi.Result r = read(bomb.toString());
    assertThat(r.manifests()).isEmpty();
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(4);
              assertThat(p.message())
                  .isEqualTo(
                      "YAML aliases (*name) are not supported in OpenAPI documents: write the value "
                          + "out, or use a $ref");
            });

    // in a file a $ref reads, too; and '*' elsewhere is no alias
    Files.writeString(dir.resolve("bomb.yaml"), bomb.toString().replace("openapi: 3.0.3\n", ""));
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        """
        openapi: 3.0.3
        info: {title: "*/* and *stars*", version: 1.0.0}
        paths:
          /a:
            post:
              requestBody: {content: {"*/*+json": {schema: {$ref: "bomb.yaml#/x-a9"}}}}
        """);
    assertThat(read(api).problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo(dir.resolve("bomb.yaml").toAbsolutePath().toString());
              assertThat(p.line()).isEqualTo(3);
            });
  }

  static final String PUNCTUATION = "{}[]:&*!#'\"\\-\n\t $%";

  @Test
  void mangledDocumentsGiveOnlyTypedErrorsOrProblems() {
    long seed = Long.getLong("agora.fuzz.seed", System.nanoTime());
    System.out.println("OpenApiDocumentsTest.mangledDocuments seed " + seed);
    Random random = new Random(seed);
    String base = OpenApiTest.PETSTORE;
    for (int i = 0; i < 400; i++) {
      StringBuilder s = new StringBuilder(base);
      for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(4)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
          case 2 -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(40))));
          default -> s.setCharAt(at, (char) random.nextInt(0x3000));
        }
      }
      String text = s.toString();
      try {
        OpenApi.Result r = read(text);
        for (DocumentProblem p : r.problems()) {
          assertThat(p.message()).as("seed %d, input %d", seed, i).doesNotContain("Exception");
        }
      } catch (DocumentException e) {
        assertThat(e.problems()).as("seed %d, input %d", seed, i).isNotEmpty();
      }
    }
  }

  @Test
  void documentsWithPartsOfTheWrongShapeGiveOnlyProblems() {
    long seed = Long.getLong("agora.fuzz.seed", System.nanoTime());
    System.out.println("OpenApiDocumentsTest.wrongShapes seed " + seed);
    Random random = new Random(seed);
    Value base = Documents.parse(OpenApiTest.PETSTORE, "p", Documents.Format.YAML).root();
    List<Value> replacements =
        List.of(
            Value.NIL,
            Value.of(7),
            Value.of("x"),
            Value.TRUE,
            Dict.EMPTY,
            Vec.of(),
            Vec.of(Value.NIL));
    for (int i = 0; i < 300; i++) {
      Value mangled = base;
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        mangled =
            replaceOne(mangled, random, replacements.get(random.nextInt(replacements.size())));
      }
      String json = Json.write(mangled);
      OpenApi.Result r =
          OpenApi.read(json, Documents.Format.JSON, null, null, "http://127.0.0.1:1", "x", ALL);
      for (String m : messages(r)) {
        assertThat(m)
            .as("seed %d, input %d: %s", seed, i, json)
            .doesNotContain("java.", "com.fasterxml", "io.swagger", "because \"", "\tat ");
      }
    }
  }

  /** {@code v} with one node, chosen at random, replaced by {@code by}. */
  static Value replaceOne(Value v, Random random, Value by) {
    List<Value> children =
        switch (v) {
          case Dict d -> List.copyOf(d.asMap().keySet());
          case Vec s ->
              s.items().isEmpty() ? List.of() : List.of(Value.of(random.nextInt(s.items().size())));
          default -> List.of();
        };
    if (children.isEmpty() || random.nextInt(6) == 0) {
      return by;
    }
    Value key = children.get(random.nextInt(children.size()));
    return switch (v) {
      case Dict d -> d.assoc(key, replaceOne(d.get(key), random, by));
      case Vec s -> {
        List<Value> items = new ArrayList<>(s.items());
        int at = (int) ((Value.Int) key).value();
        items.set(at, replaceOne(items.get(at), random, by));
        yield Vec.of(items);
      }
      default -> by;
    };
  }

  // ---- Servers ----

  @Test
  void serverVariablesTakeTheirDefaults() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Servers, version: 1.0.0}
        servers:
          - {url: "ftp://files.example.com"}
          - {url: "https://{tenant}.example.com"}
          - url: "https://{region}.example.com/{version}"
            variables: {region: {default: eu, enum: [eu, us]}, version: {default: v2}}
        paths: {/pets: {get: {operationId: list}}}
        """;
    OpenApi.Result r =
        OpenApi.read(doc, Documents.Format.YAML, null, null, null, "x", OpenApi.Auth.NONE);
    assertThat(url(only(r))).isEqualTo("https://eu.example.com/v2/pets");
  }

  @Test
  void aDocumentFromAUrlWithoutServersIsServedFromThatOrigin() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Servers, version: 1.0.0}
        paths: {/pets: {get: {operationId: list}}}
        """;
    URI from = URI.create("http://127.0.0.1:9/specs/openapi.yaml");
    assertThat(url(only(OpenApi.read(doc, Documents.Format.YAML, null, from, null, "x", ALL))))
        .isEqualTo("http://127.0.0.1:9/pets");
    String relative = doc.replace("paths:", "servers: [{url: api/}]\npaths:");
    assertThat(url(only(OpenApi.read(relative, Documents.Format.YAML, null, from, null, "x", ALL))))
        .isEqualTo("http://127.0.0.1:9/specs/api/pets");
  }

  // ---- OpenAPI 3.1 ----

  @Test
  void openApi31DocumentsWithTheirReferences() throws Exception {
    Files.writeString(dir.resolve("shared.yaml"), "Tag: {type: string, maxLength: 3}\n");
    Path api = dir.resolve("api.yaml");
    Files.writeString(
        api,
        """
        openapi: 3.1.0
        info: {title: New, version: 3.1.0}
        components:
          parameters:
            Id: {name: id, in: path, required: true, schema: {type: integer}}
          requestBodies:
            Thing:
              required: true
              content:
                application/json:
                  schema:
                    type: object
                    required: [note]
                    properties:
                      note: {type: [string, "null"]}
                      tag: {$ref: "shared.yaml#/Tag"}
          responses:
            Thing: {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}}
        paths:
          /things/{id}:
            parameters: [{$ref: "#/components/parameters/Id"}]
            put:
              operationId: putThing
              requestBody: {$ref: "#/components/requestBodies/Thing"}
              responses: {"200": {$ref: "#/components/responses/Thing"}}
        """);
    CapabilityManifest m = only(read(api));
    assertThat(accepts(m, "{:id 1 :body {:note nil :tag \"abc\"}}")).isTrue();
    assertThat(accepts(m, "{:id 1 :body {:note \"n\"}}")).isTrue();
    assertThat(accepts(m, "{:id 1 :body {:note 5}}")).isFalse();
    assertThat(accepts(m, "{:id 1 :body {:note nil :tag \"abcd\"}}")).isFalse();
    assertThat(accepts(m, "{:body {:note nil}}")).isFalse();
    assertThat(m.output().type().show()).contains(":id");
    assertThat(m.effects()).containsExactly("network", "writes");
  }

  // ---- Security schemes ----

  @Test
  void securitySchemesBecomeAuthWithTheSourcesSecrets() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Auth, version: 1.0.0}
        components:
          securitySchemes:
            header: {type: apiKey, in: header, name: X-Api-Key}
            query: {type: apiKey, in: query, name: key}
            cookie: {type: apiKey, in: cookie, name: sid}
            basic: {type: http, scheme: basic}
            bearer: {type: http, scheme: bearer}
            oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://a.example/t", scopes: {}}}}
        paths:
          /h: {get: {operationId: h, security: [{header: []}]}}
          /q: {get: {operationId: q, security: [{query: []}]}}
          /b: {get: {operationId: b, security: [{basic: []}]}}
          /t: {get: {operationId: t, security: [{oauth: []}, {bearer: []}]}}
          /c: {get: {operationId: c, security: [{cookie: []}, {unknown: []}]}}
          /n: {get: {operationId: n, security: [{oauth: []}]}}
          /o: {get: {operationId: o, security: [{}]}}
        """;
    OpenApi.Result r = read(doc);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("x.h", "x.q", "x.b", "x.t", "x.o");
    assertThat(options(r.manifests().get(0)))
        .contains(":auth {:type \"api_key\" :header \"X-Api-Key\" :key_env \"KEY\"}");
    assertThat(options(r.manifests().get(1))).contains(":query \"key\"");
    assertThat(options(r.manifests().get(2)))
        .contains(":auth {:type \"basic\" :user \"ada\" :password_env \"PASSWORD\"}");
    assertThat(options(r.manifests().get(3)))
        .contains(":auth {:type \"bearer\" :token_env \"TOKEN\"}");
    assertThat(options(r.manifests().get(4))).doesNotContain(":auth");
    assertThat(messages(r))
        .containsExactly(
            "paths./c.get: needs security [cookie, unknown], and the source configures no matching "
                + "secret (auth: {token_env | key_env | user + password_env})",
            "paths./n.get: needs security [oauth], and the source configures no matching secret "
                + "(auth: {token_env | key_env | user + password_env})");
  }

  // ---- Everything else an operation can say ----

  @Test
  void parametersBodiesAndNamesFollowTheDocument() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Details, version: not-semver}
        components:
          parameters:
            Chain1: {$ref: "#/components/parameters/Chain2"}
            Chain2: {name: page, in: query, schema: {type: integer}}
        paths:
          /items/{id}:
            parameters:
              - {name: id, in: path, schema: {type: string}}
              - {name: sort, in: query, schema: {type: string}}
            patch:
              operationId: "patch item!"
              description: Changes an item
              parameters:
                - {name: sort, in: query, required: true, schema: {type: integer}}
                - {$ref: "#/components/parameters/Chain1"}
                - {name: session, in: cookie, schema: {type: string}}
                - {name: X-Trace, in: header, schema: {type: string}}
              requestBody: {content: {application/merge-patch+json: {}}}
              responses:
                "404": {description: none}
                "204": {description: done}
            delete:
              parameters: [{$ref: "#/components/parameters/Nope"}]
            put:
              requestBody: {required: true, content: {text/plain: {schema: {type: string}}}}
            post:
              requestBody: {content: {text/plain: {schema: {type: string}}}}
              responses: {"200": {description: ok, content: {application/json: {}}}}
        """;
    OpenApi.Result r = read(doc);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("x.post_items_id", "x.patch_item");
    CapabilityManifest patch = r.manifests().get(1);
    assertThat(patch.name()).isEqualTo("patch item!");
    assertThat(patch.description()).isEqualTo("Changes an item (OpenAPI PATCH /items/{id})");
    assertThat(patch.version()).isNotEqualTo("not-semver");
    assertThat(accepts(patch, "{:id \"a\" :sort 2 :page 1 :X-Trace \"t\" :body {:any 1}}"))
        .isTrue();
    assertThat(accepts(patch, "{:id \"a\" :sort \"up\"}")).isFalse(); // the operation's sort wins
    assertThat(accepts(patch, "{:sort 2}")).isFalse(); // path parameters are required
    assertThat(options(patch))
        .contains(":query [\"sort\" \"page\"]")
        .contains(":headers {:X-Trace \"{X-Trace}\"}")
        .contains(":body \"body\"");
    assertThat(patch.output().type().show()).isEqualTo(":any");
    CapabilityManifest post = r.manifests().get(0);
    assertThat(post.name()).isEqualTo("POST /items/{id}");
    assertThat(accepts(post, "{:id \"a\"}")).isTrue(); // its optional text body is not offered
    assertThat(post.output().type().show()).isEqualTo(":any");
    assertThat(messages(r))
        .containsExactly(
            "paths./items/{id}.put: its request body is not JSON (only application/json and "
                + "*/*+json are supported); skipped",
            "paths./items/{id}.delete: $ref #/components/parameters/Nope points nowhere");
  }

  @Test
  void oddCornersOfADocument() {
    String doc =
        """
        openapi: 3.0
        info: {title: Odd, version: 1.0.0}
        servers:
          - {url: "http://exa mple.com"}
          - {url: "https://{x}.example.com", variables: {x: {enum: [a]}}}
          - {url: "https://ok.example.com"}
        components:
          parameters:
            A: {$ref: "#/components/parameters/B"}
            B: {$ref: "#/components/parameters/A"}
        paths:
          /a: {get: {operationId: "!!!", parameters: [{name: p, in: query, schema: {$ref: "#/paths/~1b/get/parameters/0/schema"}}]}}
          /b: {get: {operationId: b, parameters: [{name: q, in: query, schema: {type: integer, maximum: 1.5, minimum: 1.0}}]}}
          /c: {get: {operationId: c, parameters: [{$ref: "#/components/parameters/A"}]}}
          /d: {post: {operationId: d, requestBody: {required: true, content: {application/json: {}}}}}
        """;
    OpenApi.Result r =
        OpenApi.read(doc, Documents.Format.YAML, null, null, null, "x", OpenApi.Auth.NONE);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("x._", "x.b", "x.d");
    assertThat(url(r.manifests().get(0))).isEqualTo("https://ok.example.com/a");
    assertThat(accepts(r.manifests().get(0), "{:p 1}")).isTrue();
    assertThat(accepts(r.manifests().get(0), "{:p 2}"))
        .isFalse(); // the pointer into /b's parameter
    assertThat(accepts(r.manifests().get(0), "{:p 0}")).isFalse();
    assertThat(accepts(r.manifests().get(2), "{:body [\"anything\"]}")).isTrue();
    assertThat(messages(r))
        .containsExactly("paths./c.get: $ref chain too deep at #/components/parameters/A");
    assertThat(messages(read(doc.replace("application/json: {}", "application/json: null"))))
        .containsExactly(
            ": the OpenAPI parser could not read this document: it failed (ClassCastException) on a "
                + "part with a shape it did not expect, such as null where an object belongs");
    assertThat(messages(read("openapi: 3\npaths: {}\n")))
        .containsExactly(
            "openapi: this is not an OpenAPI 3 document (openapi: 3); Swagger 2 is not supported");
  }

  @Test
  void operationsWhoseIdsCollideAreReported() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Twins, version: 1.0.0}
        paths:
          /a: {get: {operationId: "same id"}}
          /b: {get: {operationId: "same_id"}}
        """;
    OpenApi.Result r = read(doc);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("x.same_id");
    assertThat(messages(r))
        .containsExactly("paths./b.get: the id 'x.same_id' is taken by another operation; skipped");
  }

  // ---- A large document ----

  @Test
  void aDocumentWithFiveHundredOperationsImportsEveryOne() {
    String doc = bigDocument(500);
    long start = System.nanoTime();
    OpenApi.Result r = read(doc);
    System.out.printf(
        "500 operations (%d KB of YAML) imported in %d ms%n",
        doc.length() / 1024, (System.nanoTime() - start) / 1_000_000);
    assertThat(r.problems()).isEmpty();
    assertThat(r.manifests()).hasSize(500);
    CapabilityManifest post = r.manifests().get(499);
    assertThat(post.id()).isEqualTo("x.post249");
    assertThat(accepts(post, "{:id 1 :body {:id 1 :name \"n\" :parent {:id 2 :name \"p\"}}}"))
        .isTrue();
    assertThat(accepts(post, "{:id 1 :body {:id 1 :name \"n\" :parent {:id \"two\" :name \"p\"}}}"))
        .isFalse();
  }

  /**
   * A document with {@code operations} operations (a GET and a POST per path) over 50 shared
   * schemas chained by $ref five deep: what docs/HTTP.md's import figures were measured on.
   */
  static String bigDocument(int operations) {
    StringBuilder s =
        new StringBuilder(
            """
            openapi: 3.0.3
            info: {title: Big, version: 1.0.0}
            servers: [{url: "http://127.0.0.1:9"}]
            components:
              parameters:
                Limit: {name: limit, in: query, schema: {type: integer, minimum: 1}}
              schemas:
            """);
    for (int i = 0; i < 50; i++) {
      s.append(
          "    Thing%d:\n      type: object\n      required: [id, name]\n      properties:\n"
              .formatted(i));
      s.append("        id: {type: integer}\n        name: {type: string, maxLength: 80}\n");
      s.append("        tags: {type: array, items: {type: string}}\n");
      s.append("        status: {type: string, enum: [a, b, c]}\n");
      if (i % 5 != 0) {
        s.append("        parent: {$ref: \"#/components/schemas/Thing%d\"}\n".formatted(i - 1));
      }
    }
    s.append("paths:\n");
    for (int p = 0; p < operations / 2; p++) {
      String ref = "{$ref: \"#/components/schemas/Thing%d\"}".formatted(p % 50);
      s.append(
          """
            /r%1$d/{id}:
              parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
              get:
                operationId: get%1$d
                summary: Read %1$d
                parameters:
                  - {$ref: "#/components/parameters/Limit"}
                  - {name: X-Trace, in: header, required: true, schema: {type: string}}
                responses: {"200": {description: ok, content: {application/json: {schema: %2$s}}}}
              post:
                operationId: post%1$d
                summary: Write %1$d
                requestBody: {required: true, content: {application/json: {schema: %2$s}}}
                responses: {"201": {description: made, content: {application/json: {schema: %2$s}}}}
          """
              .formatted(p, ref));
    }
    return s.toString();
  }
}
