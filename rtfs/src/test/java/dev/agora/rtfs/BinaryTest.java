package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.reader.Reader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinaryTest {

  /** The varint of 2^64 - 1: all 64 bits set. */
  private static final byte[] ALL_ONES =
      bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);

  // ---- Round trips ----

  @Test
  void scalars_round_trip() {
    for (Value v :
        new Value[] {
          Value.NIL,
          Value.TRUE,
          Value.FALSE,
          Value.of(0),
          Value.of(1),
          Value.of(-1),
          Value.of(63),
          Value.of(64),
          Value.of(-64),
          Value.of(-65),
          Value.of(1L << 35),
          Value.of(Long.MAX_VALUE),
          Value.of(Long.MIN_VALUE),
          Value.of(1.5),
          Value.of(Double.MIN_VALUE),
          Value.of(Double.MAX_VALUE),
          Value.of(Double.POSITIVE_INFINITY),
          Value.of(Double.NEGATIVE_INFINITY),
          Value.of(Double.NaN),
          Value.of(Double.longBitsToDouble(0x7ff0_0000_0000_0001L)), // another NaN
          Value.of(""),
          Value.of("Oslo"),
          Value.of("é€ and 😀 beyond the BMP, \u0000 and \uFFFD"),
          Value.of("long ".repeat(100)),
          Value.keyword("com.acme.db:v1.0:sales-query"),
          Value.keyword(""),
          Value.symbol("ns.part/name")
        }) {
      assertThat(roundTrip(v)).as(Printer.print(v)).isEqualTo(v);
    }
  }

  @Test
  void zeroes_keep_their_sign() {
    Value.Real negative = (Value.Real) roundTrip(Value.of(-0.0));
    Value.Real positive = (Value.Real) roundTrip(Value.of(0.0));
    assertThat(Double.doubleToRawLongBits(negative.value())).isEqualTo(Long.MIN_VALUE);
    assertThat(Double.doubleToRawLongBits(positive.value())).isZero();
  }

  @Test
  void collections_round_trip_empty_and_nested() {
    Value nested =
        Reader.readValue(
            "[() [] {} (1 [2 {:a (3)}]) {:k [:k \"k\" k] \"k\" 1 7 {\"x y\" nil}} (:k k \"k\")]");
    for (Value v : new Value[] {Vec.EMPTY, Lst.EMPTY, Dict.EMPTY, nested}) {
      assertThat(roundTrip(v)).isEqualTo(v);
    }
    assertThat(roundTrip(Lst.of(Value.of(1)))).isInstanceOf(Lst.class);
    assertThat(roundTrip(Vec.of(Value.of(1)))).isInstanceOf(Vec.class);
  }

  @Test
  void errors_round_trip_with_their_kind_message_data_and_position() {
    Err plain = new Err(ErrorKind.DivisionByZero, "Division by zero", null, null);
    Err placed =
        new Err(
            ErrorKind.ProviderError,
            "the weather service failed: " + "x".repeat(40),
            Reader.readValue("{:status 503 :retry true}"),
            new SourcePos("plan.rtfs", 3, 14));
    Vec both = Vec.of(plain, placed, plain);
    assertThat(roundTrip(plain)).isEqualTo(plain);
    assertThat(roundTrip(placed)).isEqualTo(placed);
    assertThat(roundTrip(both)).isEqualTo(both);
  }

  @Test
  void random_values_round_trip() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    RandomValues gen = new RandomValues(seed);
    for (int i = 0; i < 5_000; i++) {
      Value v = gen.value(4);
      assertThat(roundTrip(v)).as("seed %d, value %s", seed, Printer.print(v)).isEqualTo(v);
    }
  }

  @Test
  void random_integers_and_floats_round_trip_bit_for_bit() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 5_000; i++) {
      long bits = random.nextLong() >> random.nextInt(64);
      assertThat(roundTrip(Value.of(bits))).as("seed %d", seed).isEqualTo(Value.of(bits));
      double d = Double.longBitsToDouble(bits);
      Value.Real back = (Value.Real) roundTrip(Value.of(d));
      assertThat(Double.doubleToLongBits(back.value()))
          .as("seed %d", seed)
          .isEqualTo(Double.doubleToLongBits(d));
    }
  }

  @Test
  void nesting_up_to_the_limit_round_trips() {
    Value deep = Value.NIL;
    for (int i = 0; i < Binary.MAX_DEPTH; i++) {
      deep = i % 3 == 0 ? Vec.of(deep) : i % 3 == 1 ? Lst.of(deep) : Dict.of(Value.of(i), deep);
    }
    assertThat(roundTrip(deep)).isEqualTo(deep);
  }

  // ---- The bytes ----

  @Test
  void the_bytes_are_as_documented() {
    assertThat(Binary.encode(Value.NIL)).containsExactly(0x01, 0x00);
    assertThat(Binary.encode(Value.of(-1))).containsExactly(0x01, 0x03, 0x01);
    assertThat(Binary.encode(Value.of(64))).containsExactly(0x01, 0x03, 0x80, 0x01);
    assertThat(Binary.encode(Value.of(1.0)))
        .containsExactly(0x01, 0x04, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0);
    assertThat(Binary.encode(Value.of(Double.longBitsToDouble(0x7ff0_0000_0000_0001L))))
        .containsExactly(0x01, 0x04, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0);
    // a keyword, a symbol and a string with the same text share one table entry
    assertThat(Binary.encode(Reader.readValue("[:a a \"a\" :a]")))
        .containsExactly(0x01, 0x0C, 4, 0x08, 1, 'a', 0x0B, 0, 0x07, 0, 0x09, 0);
    // a string longer than SHORT_STRING goes without the table, unless it is a map key
    String longText = "s".repeat(Binary.SHORT_STRING + 1);
    byte[] asValue = Binary.encode(Vec.of(Value.of(longText), Value.of(longText)));
    assertThat(asValue[2 + 1]).isEqualTo((byte) 0x05);
    assertThat(occurrences(asValue, longText)).isEqualTo(2);
    byte[] asKeys =
        Binary.encode(
            Vec.of(
                Dict.of(Value.of(longText), Value.NIL), Dict.of(Value.of(longText), Value.TRUE)));
    assertThat(occurrences(asKeys, longText)).isEqualTo(1);
  }

  @Test
  void a_table_of_similar_maps_is_smaller_than_its_printed_text_and_spells_each_key_once() {
    Value[] rows = new Value[100];
    for (int i = 0; i < rows.length; i++) {
      rows[i] =
          Dict.builder()
              .put("station", Value.of("station-" + i))
              .put("city", Value.of(i % 2 == 0 ? "Oslo" : "Bergen"))
              .put("temperature", Value.of(i / 4.0))
              .put("humidity", Value.of(40 + i % 50))
              .put("raining", Value.of(i % 3 == 0))
              .build();
    }
    Vec table = Vec.adopt(rows);
    byte[] bytes = Binary.encode(table);
    byte[] printed = Printer.print(table).getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isLessThan(printed.length / 2);
    assertThat(occurrences(bytes, "temperature")).isEqualTo(1);
    assertThat(occurrences(bytes, "Bergen")).isEqualTo(1);
    assertThat(Binary.decode(bytes)).isEqualTo(table);
  }

  // ---- What cannot be encoded ----

  @Test
  void functions_are_refused_by_name() {
    Fn square = new Builtin("square", 1, 1, (args, ev) -> args[0]);
    assertThatThrownBy(() -> Binary.encode(Vec.of(Value.of(1), square)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot encode #<fn square> (function): functions stay on the node that has them");
  }

  @Test
  void unpaired_surrogates_are_refused() {
    assertThatThrownBy(() -> Binary.encode(Value.of("a😀\uD800b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot encode the text \"a😀\uD800b\" (string): it holds an unpaired surrogate,"
                + " U+D800, which has no UTF-8 form");
    assertThatThrownBy(() -> Binary.encode(Value.keyword("\uDC00"))).hasMessageContaining("U+DC00");
  }

  @Test
  void values_nested_too_deep_are_refused() {
    Value deep = Value.NIL;
    for (int i = 0; i <= Binary.MAX_DEPTH; i++) {
      deep = Vec.of(deep);
    }
    Value tooDeep = deep;
    assertThatThrownBy(() -> Binary.encode(tooDeep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot encode [nil] (vector): it is nested more than 512 levels deep");
  }

  // ---- What cannot be decoded ----

  @Test
  void truncated_input_is_refused_where_it_ends() {
    refused(bytes(), "truncated input: expected the format byte at byte 0");
    refused(bytes(1), "truncated input: expected a tag at byte 1");
    refused(bytes(1, 0x03, 0x80), "truncated input: expected an integer at byte 3");
    refused(
        bytes(1, 0x04, 0, 0, 0),
        "truncated input: a float needs 8 bytes (bytes left: 3) at byte 2");
    refused(bytes(1, 0x05), "truncated input: expected a text length at byte 2");
    refused(bytes(1, 0x07), "truncated input: expected a table index at byte 2");
    refused(bytes(1, 0x0C), "truncated input: expected a count at byte 2");
    refused(bytes(1, 0x0C, 2, 0x0C, 0), "truncated input: expected a tag at byte 5");
    refused(bytes(1, 0x0E, 1, 0x03, 2), "truncated input: expected a tag at byte 5");
  }

  @Test
  void unknown_format_and_tags_are_refused() {
    refused(bytes('{', '}'), "unknown format 0x7b (this decoder reads 0x01) at byte 0");
    refused(bytes(1, 0x10), "unknown tag 0x10 at byte 1");
    refused(bytes(1, 0x0C, 1, 0xff), "unknown tag 0xff at byte 3");
  }

  @Test
  void trailing_bytes_are_refused() {
    refused(bytes(1, 0, 0, 0), "2 trailing bytes after the value that ends at byte 2");
  }

  @Test
  void integers_over_64_bits_are_refused() {
    refused(
        bytes(1, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02),
        "an integer does not fit in 64 bits at byte 2");
    refused(
        bytes(1, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
        "an integer does not fit in 64 bits at byte 2");
    assertThat(Binary.decode(concat(bytes(1, 0x03), ALL_ONES))).isEqualTo(Value.of(Long.MIN_VALUE));
  }

  @Test
  void lengths_and_counts_past_the_end_are_refused_before_allocating() {
    refused(
        bytes(1, 0x05, 10, 'a'), "a text of 10 bytes runs past the end (bytes left: 1) at byte 2");
    byte[] huge = concat(bytes(1, 0x05), ALL_ONES);
    refused(
        huge, "a text of 18446744073709551615 bytes runs past the end (bytes left: 0) at byte 2");
    refused(
        bytes(1, 0x0C, 0xff, 0xff, 0xff, 0xff, 0x07, 0),
        "a vector of 2147483647 items cannot fit in the rest (bytes left: 1) at byte 1");
    refused(
        bytes(1, 0x0D, 3, 0, 0),
        "a list of 3 items cannot fit in the rest (bytes left: 2) at byte 1");
    refused(
        bytes(1, 0x0E, 2, 0, 0, 0),
        "a map of 2 entries cannot fit in the rest (bytes left: 3) at byte 1");
    refused(
        concat(bytes(1, 0x0E), ALL_ONES),
        "a map of 18446744073709551615 entries cannot fit in the rest (bytes left: 0) at byte 1");
  }

  @Test
  void table_references_out_of_range_are_refused() {
    refused(bytes(1, 0x07, 0), "table index 0 out of range (table size 0) at byte 1");
    refused(
        bytes(1, 0x0C, 2, 0x08, 1, 'a', 0x0B, 1),
        "table index 1 out of range (table size 1) at byte 6");
    refused(
        concat(bytes(1, 0x09), ALL_ONES),
        "table index 18446744073709551615 out of range (table size 0) at byte 1");
  }

  @Test
  void malformed_utf8_is_refused_where_it_starts() {
    refused(bytes(1, 0x05, 2, 0xc3, 0x28), "malformed UTF-8 at byte 3"); // bad continuation
    refused(bytes(1, 0x06, 3, 'a', 'b', 0x80), "malformed UTF-8 at byte 5"); // lone continuation
    refused(bytes(1, 0x08, 3, 0xed, 0xa0, 0x80), "malformed UTF-8 at byte 3"); // a surrogate
    refused(bytes(1, 0x0A, 2, 0xc0, 0x80), "malformed UTF-8 at byte 3"); // overlong
    refused(bytes(1, 0x05, 2, 'a', 0xe2, 0), "malformed UTF-8 at byte 4"); // cut short
    assertThat(Binary.decode(bytes(1, 0x05, 3, 0xef, 0xbf, 0xbd))).isEqualTo(Value.of("\uFFFD"));
  }

  @Test
  void nesting_past_the_limit_is_refused() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    for (int i = 0; i <= Binary.MAX_DEPTH; i++) {
      out.write(0x0C);
      out.write(1);
    }
    out.write(0);
    refused(out.toByteArray(), "collections nested more than 512 levels deep at byte 1025");
  }

  @Test
  void bad_map_keys_are_refused() {
    refused(
        bytes(1, 0x0E, 1, 0x00, 0x00),
        "a map key must be a keyword, string or integer, not a nil at byte 3");
    refused(
        bytes(1, 0x0E, 1, 0x0C, 0, 0x00),
        "a map key must be a keyword, string or integer, not a vector at byte 3");
    refused(
        bytes(1, 0x0E, 2, 0x08, 1, 'k', 0x00, 0x09, 0, 0x00),
        "duplicate map key :k (keyword) at byte 7");
  }

  @Test
  void malformed_errors_are_refused() {
    byte[] kind = bytes(0x08, 9, 'T', 'y', 'p', 'e', 'E', 'r', 'r', 'o', 'r');
    byte[] message = bytes(0x05, 1, 'm');
    refused(
        concat(bytes(1, 0x0F, 0x05, 1, 'x')),
        "an error's kind must be a keyword, not a string at byte 2");
    refused(concat(bytes(1, 0x0F, 0x08, 3, 'F', 'o', 'o')), "unknown error kind :Foo at byte 2");
    refused(
        concat(bytes(1, 0x0F), kind, bytes(0x03, 0)),
        "an error's message must be a string, not an integer at byte 13");
    refused(
        concat(bytes(1, 0x0F), kind, message, bytes(0, 0x03, 2)),
        "an error's position must be nil or a source string, not an integer at byte 17");
    refused(
        concat(bytes(1, 0x0F), kind, message, bytes(0, 0x05, 1, 'f', 0x00)),
        "a line or column must be an integer, not a nil at byte 20");
    refused(
        concat(
            bytes(1, 0x0F),
            kind,
            message,
            bytes(0, 0x05, 1, 'f', 0x03, 2, 0x03, 0x80, 0x80, 0x80, 0x80, 0x20)),
        "a line or column of 4294967296 is out of range at byte 22");
    assertThat(
            Binary.decode(
                concat(bytes(1, 0x0F), kind, message, bytes(0, 0x05, 1, 'f', 0x03, 2, 0x03, 4))))
        .isEqualTo(new Err(ErrorKind.TypeError, "m", null, new SourcePos("f", 1, 2)));
  }

  @Test
  void random_corruptions_give_a_value_or_a_format_error() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    RandomValues gen = new RandomValues(seed);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = Binary.encode(gen.value(4));
      byte[] bad = Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length + 2));
      bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      try {
        Binary.decode(bad);
      } catch (BinaryFormatException e) {
        assertThat(e.offset()).as("seed %d", seed).isBetween(0, bad.length);
        assertThat(e.getMessage()).endsWith(" at byte " + e.offset());
      }
    }
  }

  // ---- Helpers ----

  private static Value roundTrip(Value v) {
    return Binary.decode(Binary.encode(v));
  }

  private static void refused(byte[] bytes, String message) {
    assertThatThrownBy(() -> Binary.decode(bytes))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessage(message);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int occurrences(byte[] haystack, String needle) {
    String text = new String(haystack, StandardCharsets.ISO_8859_1);
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }
}
