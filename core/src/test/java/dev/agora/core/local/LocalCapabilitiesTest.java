package dev.agora.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCapabilitiesTest {

  private final List<String> log = new ArrayList<>();
  private Marketplace m;
  private final SecurityContext full = SecurityContext.full("tester");

  @BeforeEach
  void setUp() {
    m = Marketplace.builder().clock(new TestClock("2026-03-29T07:30:00Z")).log(log::add).build();
    m.bootstrap();
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private Value call(String id, String input) {
    return m.call(CallRequest.of(id, Reader.readValue(input), full));
  }

  /** Annotated capabilities, as a Java user writes them. */
  public static final class Geometry {
    @Capability(id = "geo.area", description = "Area of a rectangle", effects = "pure")
    public double area(@Param("width") double width, @Param("height") double height) {
      return width * height;
    }

    @Capability(id = "geo.label", effects = "pure")
    public String label(
        @Param("name") String name,
        @Param(value = "count", optional = true) Long count,
        @Param(value = "loud", optional = true) boolean loud) {
      String s = name + (count == null ? "" : " x" + count);
      return loud ? s.toUpperCase() : s;
    }

    @Capability(id = "geo.corners", effects = "pure", output = "[:vector :int]")
    public List<Long> corners(@Param("n") long n) {
      return List.of(n, n * 2);
    }

    @Capability(id = "geo.info", effects = "pure")
    public Map<String, Object> info() {
      return Map.of("version", 2L);
    }

    @Capability(id = "geo.fail", effects = "pure")
    public long fail(@Param("x") long x) {
      throw new IllegalArgumentException("x must be even, got " + x);
    }
  }

  @Test
  void annotated_methods_get_schemas_from_their_parameter_types() {
    m.registerAnnotated(new Geometry());
    CapabilityManifest area = m.registry().get("geo.area");
    assertThat(area.input().show()).isEqualTo("[:map [:width :number] [:height :number]]");
    assertThat(area.output().show()).isEqualTo(":number");
    assertThat(area.isPure()).isTrue();
    assertThat(m.registry().get("geo.label").input().show())
        .isEqualTo("[:map [:name :string] [:count :int ?] [:loud :bool ?]]");
    assertThat(m.registry().get("geo.corners").output().show()).isEqualTo("[:vector :int]");
    assertThat(m.registry().get("geo.info").input().show()).isEqualTo("[:map]");

    assertThat(call("geo.area", "{:width 2 :height 1.5}")).isEqualTo(Value.of(3.0));
    assertThat(call("geo.label", "{:name \"box\"}")).isEqualTo(Value.of("box"));
    assertThat(call("geo.label", "{:name \"box\" :count 3 :loud true}"))
        .isEqualTo(Value.of("BOX X3"));
    assertThat(call("geo.corners", "{:n 4}")).isEqualTo(Reader.readValue("[4 8]"));
    assertThat(call("geo.info", "{}")).isEqualTo(Reader.readValue("{:version 2}"));
    assertThatThrownBy(() -> call("geo.area", "{:width \"2\" :height 1}"))
        .isInstanceOf(AgoraError.InvalidInput.class);
    assertThatThrownBy(() -> call("geo.fail", "{:x 3}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'geo.fail' failed: x must be even, got 3");
  }

  public static final class Unsupported {
    @Capability(id = "bad.type")
    public long f(@Param("t") Thread t) {
      return 0;
    }
  }

  @Test
  void unsupported_parameter_types_are_refused_at_registration() {
    assertThatThrownBy(() -> m.registerAnnotated(new Unsupported()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unsupported.f: unsupported type Thread; use long, int, double, boolean, String, List, Map or an RTFS Value");
    assertThatThrownBy(() -> m.registerAnnotated("a string"))
        .hasMessageContaining("has no public @Capability methods");
  }

  @Test
  void a_lambda_capability() {
    m.registerLocal(
        CapabilityManifest.builder("text.shout")
            .input(":string")
            .output(":string")
            .effects("pure")
            .build(),
        (in, c) -> Value.of(((Value.Str) in).value().toUpperCase() + "!"),
        true,
        "test");
    assertThat(call("text.shout", "\"hi\"")).isEqualTo(Value.of("HI!"));
    assertThatThrownBy(
            () ->
                m.registerLocal(
                    CapabilityManifest.builder("x.y")
                        .provider(new ProviderSpec.Http("http://x", "GET", Dict.EMPTY))
                        .build(),
                    (in, c) -> in,
                    true,
                    "t"))
        .hasMessage("'x.y' is not a local capability: its provider is http");
  }

  @Test
  void the_defaults_with_honest_effects() {
    assertThat(m.registry().get("ccos.echo").isPure()).isTrue();
    assertThat(m.registry().get("ccos.math.add").isPure()).isTrue();
    assertThat(m.registry().get("ccos.io.log").effects()).containsExactly("logging");
    assertThat(m.registry().get("ccos.time.now").effects()).containsExactly("time");
    assertThat(call("ccos.echo", "{:a [1]}")).isEqualTo(Reader.readValue("{:a [1]}"));
    assertThat(call("ccos.math.add", "[1 2 3]")).isEqualTo(Value.of(6));
    assertThat(call("ccos.math.add", "{:a 1 :b 2.5}")).isEqualTo(Value.of(3.5));
    assertThatThrownBy(() -> call("ccos.math.add", "[9223372036854775807 1]"))
        .isInstanceOf(AgoraError.ProviderError.class);
    assertThat(call("ccos.io.log", "\"hello\"")).isEqualTo(Value.NIL);
    assertThat(call("ccos.io.log", "{:message \"m\" :level :warn :data {:n 1}}"))
        .isEqualTo(Value.NIL);
    assertThat(log).containsExactly("[info] tester: hello", "[warn] tester: m {:n 1}");
    // issue 12: a message cannot forge a second log line or drive the terminal
    log.clear();
    String raw = "\u001b[2J" + (char) 0x2028 + (char) 0x7f; // ESC, a line separator, DEL
    call("ccos.io.log", "\"ok\\n[error] admin: forged\\r\\t" + raw + "\"");
    assertThat(log)
        .containsExactly("[info] tester: ok\\n[error] admin: forged\\r\\t\\u001b[2J\\u2028\\u007f");
    assertThat(Defaults.escapeControls("plain é ✓")).isEqualTo("plain é ✓");
    // issue 12: JSON has no keywords, so a level from JSON is a string, and is accepted
    log.clear();
    assertThat(
            m.call(
                CallRequest.of(
                    "ccos.io.log",
                    Json.parse("{\"message\": \"disk low\", \"level\": \"error\"}"),
                    full)))
        .isEqualTo(Value.NIL);
    assertThat(log).containsExactly("[error] tester: disk low");
    assertThatThrownBy(
            () ->
                m.call(
                    CallRequest.of(
                        "ccos.io.log",
                        Json.parse("{\"message\": \"m\", \"level\": \"loud\"}"),
                        full)))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("loud");
    assertThat(call("ccos.time.now", "nil"))
        .isEqualTo(
            Reader.readValue("{:iso \"2026-03-29T07:30Z\" :epoch-ms 1774769400000 :zone \"UTC\"}"));
    assertThat(((Dict) call("ccos.time.now", "{:zone \"Europe/Oslo\"}")).get("iso"))
        .isEqualTo(Value.of("2026-03-29T09:30+02:00"));
    assertThatThrownBy(() -> call("ccos.time.now", "{:zone \"Mars/Olympus\"}"))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("an IANA time zone");
    assertThat(call("ccos.data.parse-json", "\"{\\\"a\\\": [1, true]}\""))
        .isEqualTo(Reader.readValue("{:a [1 true]}"));
    assertThat(call("ccos.data.parse-json", "{:json \"2\"}")).isEqualTo(Value.of(2));
    assertThatThrownBy(() -> call("ccos.data.parse-json", "\"{oops\""))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("malformed JSON at 1:2");
    assertThat(call("ccos.data.to-json", "{:a [1 nil]}")).isEqualTo(Value.of("{\"a\":[1,null]}"));
    assertThatThrownBy(() -> call("ccos.data.to-json", "##NaN"))
        .isInstanceOf(AgoraError.InvalidInput.class);
  }

  /** A pure capability whose RTFS implementation keeps {@code n} copies of a large vector. */
  private static CapabilityManifest hog() {
    return CapabilityManifest.builder("math.hog")
        .input("[:map [:n :int]]")
        .provider(
            new ProviderSpec.Local(
                null,
                Dict.of(
                    Value.keyword("implementation"),
                    Value.of(
                        "(fn [{:keys [n]}] (let [big (vec (range 100000))]"
                            + " (count (mapv (fn [i] (conj big i)) (range n)))))"))))
        .effects("pure")
        .build();
  }

  @Test
  void an_rtfs_implementation_has_a_memory_budget_so_a_hog_fails_alone() {
    m.registry().register(hog(), "test");
    assertThat(call("math.hog", "{:n 10}")).isEqualTo(Value.of(10));
    assertThatThrownBy(() -> call("math.hog", "{:n 1000}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("LimitExceeded")
        .hasMessageContaining("the evaluation used more than its memory budget of 256 MiB");
    assertThat(call("math.hog", "{:n 10}"))
        .as("the next call has a fresh budget")
        .isEqualTo(Value.of(10));
  }

  @Test
  void the_memory_budget_of_rtfs_implementations_is_configured_in_agora_yaml(@TempDir Path dir)
      throws Exception {
    Path yaml = dir.resolve("agora.yaml");
    Files.writeString(yaml, "rtfs: {max_memory_bytes: 4194304}\n");
    try (Marketplace small =
        Marketplace.builder()
            .config(ConfigLoader.load(yaml))
            .clock(new TestClock("2026-03-29T07:30:00Z"))
            .log(log::add)
            .build()) {
      small.registry().register(hog(), "test");
      assertThatThrownBy(
              () -> small.call(CallRequest.of("math.hog", Reader.readValue("{:n 10}"), full)))
          .hasMessageContaining("the evaluation used more than its memory budget of 4 MiB");
    }
  }

  @Test
  void a_capability_implemented_in_rtfs_inside_its_manifest() {
    CapabilityManifest sq =
        CapabilityManifest.builder("math.square")
            .input("[:map [:n :int]]")
            .output(":int")
            .provider(
                new ProviderSpec.Local(
                    null,
                    Dict.of(
                        Value.keyword("implementation"), Value.of("(fn [{:keys [n]}] (* n n))"))))
            .effects("pure")
            .build();
    m.registry().register(sq, "test");
    assertThat(call("math.square", "{:n 7}")).isEqualTo(Value.of(49));

    CapabilityManifest loop =
        CapabilityManifest.builder("math.forever")
            .timeout(Duration.ofMillis(100))
            .provider(
                new ProviderSpec.Local(
                    null,
                    Dict.of(
                        Value.keyword("implementation"),
                        Value.of(
                            "(fn [_] ((fn spin [n] (if (= n 0) 0 (+ 1 (spin (- n 1)) (spin (- n 1))))) 60))"))))
            .effects("pure")
            .build();
    m.registry().register(loop, "test");
    assertThatThrownBy(() -> call("math.forever", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("Timeout");

    CapabilityManifest broken =
        CapabilityManifest.builder("math.broken")
            .provider(
                new ProviderSpec.Local(
                    null, Dict.of(Value.keyword("implementation"), Value.of("(fn [x] (+ x"))))
            .build();
    m.registry().register(broken, "test");
    assertThatThrownBy(() -> call("math.broken", "1"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("its RTFS implementation does not load: ParseError");
    CapabilityManifest notFn =
        CapabilityManifest.builder("math.notfn")
            .provider(
                new ProviderSpec.Local(
                    null, Dict.of(Value.keyword("implementation"), Value.of("42"))))
            .build();
    m.registry().register(notFn, "test");
    assertThatThrownBy(() -> call("math.notfn", "1"))
        .hasMessageContaining("is 42 (integer), not a function");
    CapabilityManifest none = CapabilityManifest.builder("math.none").build();
    m.registry().register(none, "test");
    assertThatThrownBy(() -> call("math.none", "1"))
        .hasMessage(
            "capability 'math.none' failed: no local function named 'math.none' is registered, and the manifest "
                + "has no RTFS implementation");
  }
}
