package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTest {

  @Test
  void equality_is_type_strict() {
    assertThat(Value.of(1)).isNotEqualTo(Value.of(1.0));
    assertThat(Value.of("a")).isNotEqualTo(Value.keyword("a"));
    assertThat(Value.keyword("a")).isNotEqualTo(Value.symbol("a"));
    assertThat(Vec.of(Value.of(1))).isNotEqualTo(Lst.of(Value.of(1)));
    assertThat(Vec.of(Value.of(1)).hashCode()).isNotEqualTo(Lst.of(Value.of(1)).hashCode());
  }

  @Test
  void equality_and_hashing_are_by_value() {
    assertThat(Value.of(100_000)).isEqualTo(Value.of(100_000)).hasSameHashCodeAs(Value.of(100_000));
    assertThat(Vec.of(Value.of("x"), Value.NIL)).isEqualTo(Vec.of(Value.of("x"), Value.NIL));
    Map<Value, Value> a = new LinkedHashMap<>();
    a.put(Value.keyword("a"), Value.of(1));
    a.put(Value.keyword("b"), Value.of(2));
    Map<Value, Value> b = new LinkedHashMap<>();
    b.put(Value.keyword("b"), Value.of(2));
    b.put(Value.keyword("a"), Value.of(1));
    assertThat(Dict.of(a)).isEqualTo(Dict.of(b)).hasSameHashCodeAs(Dict.of(b));
  }

  @Test
  void floats_nan_equals_itself_and_zeroes_are_equal() {
    assertThat(Value.of(Double.NaN)).isEqualTo(Value.of(Double.NaN));
    assertThat(Value.of(0.0)).isEqualTo(Value.of(-0.0)).hasSameHashCodeAs(Value.of(-0.0));
    assertThat(Value.of(0.1 + 0.2)).isNotEqualTo(Value.of(0.3));
  }

  @Test
  void only_nil_and_false_are_falsy() {
    assertThat(Value.NIL.truthy()).isFalse();
    assertThat(Value.FALSE.truthy()).isFalse();
    for (Value v :
        new Value[] {
          Value.TRUE, Value.of(0), Value.of(0.0), Value.of(""), Vec.EMPTY, Dict.EMPTY, Lst.EMPTY
        }) {
      assertThat(v.truthy()).as(v.toString()).isTrue();
    }
  }

  @Test
  void small_integers_are_shared() {
    assertThat(Value.of(7)).isSameAs(Value.of(7));
    assertThat(Value.of(-128)).isSameAs(Value.of(-128));
  }

  @Test
  void map_keys_are_keywords_strings_or_integers() {
    assertThatThrownBy(() -> Dict.EMPTY.assoc(Value.of(1.5), Value.NIL))
        .isInstanceOf(RtfsError.class)
        .hasMessage("map keys must be keywords, strings or integers, got 1.5 (float)");
    assertThatThrownBy(() -> Dict.of(Value.keyword("a"))).hasMessageContaining("even number");
    assertThat(Dict.EMPTY.assoc(Value.of(3), Value.TRUE).get(Value.of(3))).isEqualTo(Value.TRUE);
  }

  @Test
  void collections_are_immutable() {
    Vec v = Vec.of(Value.of(1));
    assertThatThrownBy(() -> v.items().set(0, Value.NIL))
        .isInstanceOf(UnsupportedOperationException.class);
    Dict d = Dict.of(Value.keyword("a"), Value.of(1));
    assertThatThrownBy(() -> d.asMap().clear()).isInstanceOf(UnsupportedOperationException.class);
    Dict d2 = d.assoc(Value.keyword("b"), Value.of(2));
    assertThat(d.size()).isEqualTo(1);
    assertThat(d2.size()).isEqualTo(2);
    assertThat(d2.dissoc(Value.keyword("a")).asMap()).containsOnlyKeys(Value.keyword("b"));
  }

  @Test
  void type_names_match_the_reference() {
    assertThat(Value.NIL.typeName()).isEqualTo("nil");
    assertThat(Value.TRUE.typeName()).isEqualTo("boolean");
    assertThat(Value.of(1).typeName()).isEqualTo("integer");
    assertThat(Value.of(1.0).typeName()).isEqualTo("float");
    assertThat(Value.of("s").typeName()).isEqualTo("string");
    assertThat(Value.keyword("k").typeName()).isEqualTo("keyword");
    assertThat(Vec.EMPTY.typeName()).isEqualTo("vector");
    assertThat(Lst.EMPTY.typeName()).isEqualTo("list");
    assertThat(Dict.EMPTY.typeName()).isEqualTo("map");
  }

  @Test
  void error_kinds_form_a_hierarchy() {
    assertThat(ErrorKind.NotFound.isA(ErrorKind.CapabilityError)).isTrue();
    assertThat(ErrorKind.ProviderError.isA(ErrorKind.CapabilityError)).isTrue();
    assertThat(ErrorKind.ValidationError.isA(ErrorKind.TypeError)).isTrue();
    assertThat(ErrorKind.TypeError.isA(ErrorKind.ValidationError)).isFalse();
    assertThat(ErrorKind.Timeout.isA(ErrorKind.CapabilityError)).isFalse();
    assertThat(ErrorKind.byName(":DivisionByZero")).isEqualTo(ErrorKind.DivisionByZero);
    assertThat(ErrorKind.byName("Exception")).isNull();
  }
}
