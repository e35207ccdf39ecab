package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.eval.Interpreter;
import dev.agora.rtfs.reader.Reader;
import org.junit.jupiter.api.Test;

class PrinterTest {

  @Test
  void prints_each_kind_of_value() {
    assertThat(Printer.print(Value.NIL)).isEqualTo("nil");
    assertThat(Printer.print(Value.TRUE)).isEqualTo("true");
    assertThat(Printer.print(Value.of(-42))).isEqualTo("-42");
    assertThat(Printer.print(Value.of(1.0))).isEqualTo("1.0");
    assertThat(Printer.print(Value.of(1e21))).isEqualTo("1.0E21");
    assertThat(Printer.print(Value.of(Double.NEGATIVE_INFINITY))).isEqualTo("##-Inf");
    assertThat(Printer.print(Value.of(Double.NaN))).isEqualTo("##NaN");
    assertThat(Printer.print(Value.of("a\"b\\c\nd\te\r"))).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\r\"");
    assertThat(Printer.print(Value.keyword("ns.x/y"))).isEqualTo(":ns.x/y");
    assertThat(Printer.print(Reader.readValue("[1 (2 3) {:a \"x\" 2 nil}]")))
        .isEqualTo("[1 (2 3) {:a \"x\" 2 nil}]");
  }

  @Test
  void display_shows_strings_raw_and_the_rest_printed() {
    assertThat(Printer.display(Value.of("a\"b"))).isEqualTo("a\"b");
    assertThat(Printer.display(Vec.of(Value.of("a")))).isEqualTo("[\"a\"]");
    assertThat(Printer.display(Value.NIL)).isEqualTo("nil");
  }

  @Test
  void describe_is_short_and_typed() {
    assertThat(Printer.describe(Value.of("x"))).isEqualTo("\"x\" (string)");
    String longText = "y".repeat(500);
    assertThat(Printer.describe(Value.of(longText)))
        .hasSize(80 + 1 + " (string)".length())
        .endsWith("… (string)");
  }

  @Test
  void functions_and_errors_print_as_opaque_forms() {
    Interpreter rtfs = Interpreter.create();
    assertThat(Printer.print(rtfs.eval("(defn sq [x] (* x x))"))).isEqualTo("#<fn sq>");
    assertThat(Printer.print(rtfs.eval("+"))).isEqualTo("#<fn +>");
    assertThat(Printer.print(rtfs.eval("(try (/ 1 0) (catch e e))")))
        .isEqualTo("#<error DivisionByZero: Division by zero>");
  }

  @Test
  void printing_then_reading_gives_an_equal_value_for_random_data() {
    long seed = System.nanoTime();
    System.out.println("PrinterTest round-trip seed: " + seed);
    RandomValues gen = new RandomValues(seed);
    for (int i = 0; i < 20_000; i++) {
      Value v = gen.value(4);
      String printed = Printer.print(v);
      assertThat(Reader.readValue(printed)).as("seed %d, value %s", seed, printed).isEqualTo(v);
    }
  }

  @Test
  void values_too_deep_to_read_back_are_refused_by_print_but_cut_by_describe() {
    Value v = Value.NIL;
    for (int i = 0; i <= Printer.MAX_DEPTH + 1; i++) {
      v = Vec.of(v);
    }
    Value deep = v;
    assertThatThrownBy(() -> Printer.print(deep))
        .isInstanceOf(RtfsError.class)
        .hasMessage("a value nested more than 1000 levels deep cannot be printed");
    assertThat(Printer.describe(deep)).startsWith("[[[[").endsWith("… (vector)");
  }
}
