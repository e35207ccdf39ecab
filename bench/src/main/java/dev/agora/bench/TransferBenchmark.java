package dev.agora.bench;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Binary;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sending an RTFS value from one node to another: encoding it to bytes and decoding them again,
 * with {@link Binary}, with core's JSON codec (value → JSON text → UTF-8 bytes → value, as a JSON
 * HTTP body) and with RTFS text ({@link Printer} → UTF-8 bytes → {@link Reader#readValue}). Three
 * payloads: a small weather-like map, a table of 1,000 maps with the same keys, a 64 KiB string.
 * The set-up checks that every codec gives the value back and prints the encoded sizes.
 *
 * <p>Run: {@code ./build bench TransferBenchmark -f 1 -wi 3 -i 5 -tu us}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TransferBenchmark {

  @Param({"small", "table", "text"})
  String payload;

  Value value;

  @Setup
  public void setup() {
    value =
        switch (payload) {
          case "small" -> weather(0);
          case "table" -> table(1_000);
          default -> Value.of(text(64 * 1024));
        };
    check("binary", TransferBenchmark::binary);
    check("json", TransferBenchmark::json);
    check("rtfs", TransferBenchmark::rtfs);
    System.out.printf(
        "%nencoded %s: binary %d bytes, json %d bytes, rtfs text %d bytes%n",
        payload, Binary.encode(value).length, jsonBytes(value).length, rtfsBytes(value).length);
  }

  @Benchmark
  public Value binary() {
    return binary(value);
  }

  @Benchmark
  public Value json() {
    return json(value);
  }

  @Benchmark
  public Value rtfsText() {
    return rtfs(value);
  }

  // ---- The three codecs, encode then decode ----

  static Value binary(Value v) {
    return Binary.decode(Binary.encode(v));
  }

  static Value json(Value v) {
    return Json.parse(jsonBytes(v));
  }

  static Value rtfs(Value v) {
    return Reader.readValue(new String(rtfsBytes(v), StandardCharsets.UTF_8));
  }

  static byte[] jsonBytes(Value v) {
    return Json.write(v).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] rtfsBytes(Value v) {
    return Printer.print(v).getBytes(StandardCharsets.UTF_8);
  }

  private void check(String codec, UnaryOperator<Value> roundTrip) {
    if (!roundTrip.apply(value).equals(value)) {
      throw new IllegalStateException(codec + " does not give the " + payload + " payload back");
    }
  }

  // ---- Payloads ----

  /** A weather service's answer. */
  static Dict weather(int i) {
    return Dict.builder()
        .put("city", Value.of(i % 2 == 0 ? "Oslo" : "Bergen"))
        .put("country", Value.of("NO"))
        .put("observed-at", Value.of("2026-11-21T10:" + (10 + i % 50) + ":00Z"))
        .put("temperature", Value.of(4.5 + i % 7))
        .put("humidity", Value.of(81 - i % 20))
        .put("raining", Value.of(i % 3 == 0))
        .put(
            "wind",
            Dict.builder().put("speed", Value.of(6.2)).put("direction", Value.of("SW")).build())
        .put("alerts", Vec.of(Value.of("fog"), Value.of("ice on roads")))
        .build();
  }

  /** Rows of a query result: every map has the same keys. */
  static Vec table(int rows) {
    Value[] out = new Value[rows];
    String[] cities = {"Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø"};
    for (int i = 0; i < rows; i++) {
      out[i] =
          Dict.builder()
              .put("id", Value.of(100_000 + i))
              .put("name", Value.of("customer " + i))
              .put("city", Value.of(cities[i % cities.length]))
              .put("balance", Value.of(i * 13.25))
              .put("active", Value.of(i % 4 != 0))
              .build();
    }
    return Vec.adopt(out);
  }

  /** {@code chars} characters of prose with line breaks and quotes. */
  static String text(int chars) {
    String line = "The \"quick\" brown fox jumps over the lazy dog, again and again.\n";
    StringBuilder sb = new StringBuilder(chars + line.length());
    while (sb.length() < chars) {
      sb.append(line);
    }
    sb.setLength(chars);
    return sb.toString();
  }
}
