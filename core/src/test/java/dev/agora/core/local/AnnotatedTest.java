package dev.agora.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How {@link Annotated} maps Java signatures to schemas and converts arguments and results: every
 * supported parameter type, missing optional arguments, narrowing that would lose data, and results
 * that have no RTFS form.
 */
class AnnotatedTest {

  /** One method per supported parameter type, each echoing its argument. */
  public static final class Types {
    @Capability(id = "t.prims")
    public String prims(
        @Param("l") long l,
        @Param("i") int i,
        @Param("s") short s,
        @Param("d") double d,
        @Param("f") float f,
        @Param("b") boolean b) {
      return l + "|" + i + "|" + s + "|" + d + "|" + f + "|" + b;
    }

    @Capability(id = "t.boxed")
    public List<Object> boxed(
        @Param(value = "l", optional = true) Long l,
        @Param(value = "i", optional = true) Integer i,
        @Param(value = "s", optional = true) Short s,
        @Param(value = "d", optional = true) Double d,
        @Param(value = "f", optional = true) Float f,
        @Param(value = "b", optional = true) Boolean b) {
      return java.util.Arrays.asList(
          l, i, s == null ? null : (long) s, d, f == null ? null : (double) f, b);
    }

    @Capability(id = "t.defaults")
    public String defaults(
        @Param(value = "l", optional = true) long l,
        @Param(value = "i", optional = true) int i,
        @Param(value = "s", optional = true) short s,
        @Param(value = "d", optional = true) double d,
        @Param(value = "f", optional = true) float f,
        @Param(value = "b", optional = true) boolean b) {
      return l + "|" + i + "|" + s + "|" + d + "|" + f + "|" + b;
    }

    @Capability(id = "t.collections")
    public Map<String, Object> collections(
        @Param("xs") List<Value> xs,
        @Param("m") Map<Value, Value> m,
        @Param("v") Value v,
        @Param(value = "seq", optional = true) Seq seq,
        @Param(value = "dict", optional = true) Dict dict) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("n", xs.size());
      out.put("keys", m.size());
      out.put("v", v);
      out.put("seq", seq);
      out.put("dict", dict);
      out.put("a b", "not a keyword name");
      return out;
    }

    @Capability(id = "t.nothing")
    public void nothing() {}

    @Capability(id = "t.odd", output = ":any")
    public Object odd(@Param("what") String what) {
      return switch (what) {
        case "set" -> Set.of(1);
        case "nested" -> List.of(Map.of(1L, List.of(2.5f, (short) 3)));
        default -> null;
      };
    }

    @Capability(id = "t.error")
    public String error() {
      throw new UnsupportedOperationException("no such thing");
    }

    @Capability(id = "t.fatal")
    public String fatal() {
      throw new StackOverflowError("deep");
    }
  }

  private static final Map<String, Annotated.Binding> BOUND = byId(Annotated.bind(new Types()));

  private static Map<String, Annotated.Binding> byId(List<Annotated.Binding> bindings) {
    Map<String, Annotated.Binding> out = new LinkedHashMap<>();
    bindings.forEach(b -> out.put(b.manifest().id(), b));
    return out;
  }

  private static Value call(String id, String input) throws Exception {
    return BOUND.get(id).function().apply(Reader.readValue(input), null);
  }

  private static String input(String id) {
    return BOUND.get(id).manifest().input().type().show();
  }

  private static String output(String id) {
    return BOUND.get(id).manifest().output().type().show();
  }

  @Test
  void schemasFollowTheJavaSignature() {
    assertThat(input("t.prims"))
        .isEqualTo("[:map [:l :int] [:i :int] [:s :int] [:d :number] [:f :number] [:b :bool]]");
    assertThat(input("t.boxed"))
        .isEqualTo(
            "[:map [:l :int ?] [:i :int ?] [:s :int ?] [:d :number ?] [:f :number ?] [:b :bool ?]]");
    assertThat(input("t.collections"))
        .isEqualTo(
            "[:map [:xs [:vector :any]] [:m :map] [:v :any] [:seq [:vector :any] ?] [:dict :map ?]]");
    assertThat(output("t.prims")).isEqualTo(":string");
    assertThat(output("t.nothing")).isEqualTo(":nil");
    assertThat(output("t.collections")).isEqualTo(":map");
    assertThat(BOUND.get("t.prims").manifest().name()).isEqualTo("t.prims");
  }

  @Test
  void argumentsAreConvertedToEachParameterType() throws Exception {
    assertThat(call("t.prims", "{:l 1 :i 2 :s 3 :d 4 :f 5 :b true}"))
        .isEqualTo(Value.of("1|2|3|4.0|5.0|true"));
    assertThat(call("t.prims", "{:l 1 :i 2 :s 3 :d 4.5 :f 5.5 :b false}"))
        .isEqualTo(Value.of("1|2|3|4.5|5.5|false"));
    assertThat(call("t.prims", "{\"l\" 1 \"i\" 2 \"s\" 3 \"d\" 4 \"f\" 5 \"b\" true}"))
        .as("string keys are read too")
        .isEqualTo(Value.of("1|2|3|4.0|5.0|true"));
    assertThat(call("t.boxed", "{:l 1 :i 2 :s 3 :d 4 :f 5 :b true}"))
        .isEqualTo(Reader.readValue("[1 2 3 4.0 5.0 true]"));
    assertThat(call("t.boxed", "{:d 1.5 :f 2.5}"))
        .isEqualTo(Reader.readValue("[nil nil nil 1.5 2.5 nil]"));
  }

  @Test
  void absentOptionalArgumentsAreNullOrZero() throws Exception {
    assertThat(call("t.boxed", "{}")).isEqualTo(Reader.readValue("[nil nil nil nil nil nil]"));
    assertThat(call("t.defaults", "{}")).isEqualTo(Value.of("0|0|0|0.0|0.0|false"));
    assertThat(call("t.defaults", "nil"))
        .as("a nil input is an empty map")
        .isEqualTo(Value.of("0|0|0|0.0|0.0|false"));
  }

  @Test
  void collectionsAndValuesPassThroughAndResultsComeBackAsRtfs() throws Exception {
    Value out = call("t.collections", "{:xs [1 2 3] :m {:a 1} :v :kw :seq (1 2) :dict {:b 2}}");
    assertThat(out)
        .isEqualTo(
            Reader.readValue(
                "{:n 3 :keys 1 :v :kw :seq (1 2) :dict {:b 2} \"a b\" \"not a keyword name\"}"));
    assertThat(call("t.nothing", "{}")).isEqualTo(Value.NIL);
    assertThat(call("t.odd", "{:what \"nested\"}"))
        .isEqualTo(Vec.of(Dict.of(Value.of(1), Reader.readValue("[2.5 3]"))));
    assertThat(call("t.odd", "{:what \"none\"}")).isEqualTo(Value.NIL);
  }

  @Test
  void narrowingThatWouldLoseDataIsRefused() {
    assertThatThrownBy(() -> call("t.prims", "{:l 1 :i 3000000000 :s 3 :d 4 :f 5 :b true}"))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("t.prims", "{:l 1 :i 2 :s 100000 :d 4 :f 5 :b true}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot pass 100000 (integer) as short: out of range");
    assertThatThrownBy(() -> call("t.prims", "{:l 1.5 :i 2 :s 3 :d 4 :f 5 :b true}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot pass 1.5 (float) as long");
    assertThatThrownBy(() -> call("t.collections", "{:xs {:a 1} :m {} :v 1}"))
        .hasMessage("cannot pass {:a 1} (map) as List");
  }

  @Test
  void resultsWithoutAnRtfsFormAreRefused() {
    assertThatThrownBy(() -> call("t.odd", "{:what \"set\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot return a ")
        .hasMessageEndingWith(" as an RTFS value");
  }

  @Test
  void exceptionsFromTheMethodArriveUnwrapped() {
    assertThatThrownBy(() -> call("t.error", "{}"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("no such thing");
    assertThatThrownBy(() -> call("t.fatal", "{}"))
        .isInstanceOf(java.lang.reflect.InvocationTargetException.class)
        .hasCauseInstanceOf(StackOverflowError.class);
  }

  /**
   * Parameters without {@code @Param} need names compiled in; this test class is compiled without
   * them.
   */
  public static final class Unnamed {
    @Capability(id = "t.unnamed")
    public long twice(long x) {
      return 2 * x;
    }
  }

  @Test
  void parametersWithoutNamesAreRefusedAtRegistration() {
    assertThatThrownBy(() -> Annotated.bind(new Unnamed()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unnamed.twice: name parameter 0 with @Param (or compile with -parameters)");
  }

  /** Explicit schemas override the derived ones. */
  public static final class Explicit {
    @Capability(
        id = "t.explicit",
        name = "Explicit",
        input = "[:map [:x [:and :int [:> 0]]]]",
        output = ":any",
        effects = {"network"},
        permissions = {"net.read"})
    public Value get(@Param("x") long x) {
      return Value.of(x);
    }
  }

  @Test
  void explicitSchemasEffectsAndPermissionsAreKept() {
    Annotated.Binding b = Annotated.bind(new Explicit()).getFirst();
    assertThat(b.manifest().name()).isEqualTo("Explicit");
    assertThat(b.manifest().input().type().show()).isEqualTo("[:map [:x [:and :int [:> 0]]]]");
    assertThat(b.manifest().output().type().show()).isEqualTo(":any");
    assertThat(b.manifest().effects()).contains("network");
    assertThat(b.manifest().permissions()).containsExactly("net.read");
  }
}
