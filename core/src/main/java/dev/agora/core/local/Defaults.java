package dev.agora.core.local;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.types.Problem;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Consumer;

/**
 * The capabilities every marketplace starts with: the reference's {@code ccos.echo} and {@code
 * ccos.math.add}, plus logging, time and JSON. Each declares its schemas and its real effects:
 * echo, add and the JSON pair are pure; the log writes ({@code :logging}); the clock reads the time
 * ({@code :time}, not pure: two calls differ).
 *
 * <p>Deliberately absent: the reference's {@code ccos.system.get-env}, whose results would carry
 * secrets into the Causal Chain; file and network capabilities come with their providers.
 */
public final class Defaults {

  /** A default capability: its manifest, its function, whether it may run inline. */
  public record Entry(CapabilityManifest manifest, LocalFunction function, boolean inline) {}

  private Defaults() {}

  /** The defaults, with {@code clock} for ccos.time.now and {@code log} for ccos.io.log. */
  public static List<Entry> all(Clock clock, Consumer<String> log) {
    return List.of(
        new Entry(
            CapabilityManifest.builder("ccos.echo")
                .name("Echo")
                .description("Returns its input unchanged.")
                .input(":any")
                .output(":any")
                .effects("pure")
                .build(),
            (in, call) -> in,
            true),
        new Entry(
            CapabilityManifest.builder("ccos.math.add")
                .name("Add")
                .description(
                    "Adds numbers: a vector of them, or the values of a map such as {:a 1 :b 2}.")
                .input("[:union [:vector :number] [:map-of :any :number]]")
                .output(":number")
                .effects("pure")
                .build(),
            (in, call) -> add(in),
            true),
        new Entry(
            CapabilityManifest.builder("ccos.io.log")
                .name("Log")
                .description(
                    "Writes a message to Agora's log: a string, or {:message \"…\" :level :info :data …}"
                        + " (the level a keyword or, from JSON, a string).")
                .input(
                    "[:union :string [:map [:message :string] [:level [:enum :debug :info :warn :error"
                        + " \"debug\" \"info\" \"warn\" \"error\"] ?] [:data :any ?]]]")
                .output(":nil")
                .effects("logging")
                .build(),
            (in, call) -> {
              log.accept(logLine(in, call.caller().identity()));
              return Value.NIL;
            },
            false),
        new Entry(
            CapabilityManifest.builder("ccos.time.now")
                .name("Current time")
                .description(
                    "The current time: {:iso \"2026-11-21T10:00:00Z\" :epoch-ms … :zone \"UTC\"}; "
                        + "give {:zone \"Europe/Oslo\"} for local time there.")
                .input("[:union :nil [:map [:zone :string ?]]]")
                .output("[:map [:iso :string] [:epoch-ms :int] [:zone :string]]")
                .effects("time")
                .build(),
            (in, call) -> now(clock, in),
            false),
        new Entry(
            CapabilityManifest.builder("ccos.data.parse-json")
                .name("Parse JSON")
                .description(
                    "Parses JSON text into RTFS data; object keys become keywords where they can.")
                .input("[:union :string [:map [:json :string]]]")
                .output(":any")
                .effects("pure")
                .build(),
            (in, call) -> parseJson(in),
            true),
        new Entry(
            CapabilityManifest.builder("ccos.data.to-json")
                .name("To JSON")
                .description("Writes RTFS data as compact JSON text.")
                .input(":any")
                .output(":string")
                .effects("pure")
                .build(),
            (in, call) -> toJson(in),
            true));
  }

  private static Value add(Value in) {
    Iterable<Value> terms = in instanceof Seq s ? s.items() : ((Dict) in).asMap().values();
    long sum = 0;
    double real = 0;
    boolean isReal = false;
    for (Value t : terms) {
      if (t instanceof Value.Int i) {
        try {
          sum = Math.addExact(sum, i.value());
        } catch (ArithmeticException e) {
          throw new AgoraError.ProviderError("ccos.math.add", "the sum does not fit in 64 bits", e);
        }
      } else {
        real += ((Value.Real) t).value();
        isReal = true;
      }
    }
    return isReal ? Value.of(sum + real) : Value.of(sum);
  }

  /**
   * One line of the log, whatever the caller wrote: control characters (a newline that would start
   * a forged line, an escape sequence for the terminal) are written as escapes (issue 12).
   */
  private static String logLine(Value in, String caller) {
    return escapeControls(rawLogLine(in, caller));
  }

  private static String rawLogLine(Value in, String caller) {
    if (in instanceof Value.Str s) {
      return "[info] " + caller + ": " + s.value();
    }
    Dict d = (Dict) in;
    Value level = d.get("level");
    Value data = d.get("data");
    return "["
        + switch (level) {
          case null -> "info";
          case Value.Keyword k -> k.name();
          default -> ((Value.Str) level).value(); // JSON has no keywords: "level": "error"
        }
        + "] "
        + caller
        + ": "
        + ((Value.Str) d.get("message")).value()
        + (data == null ? "" : " " + Printer.print(data));
  }

  /**
   * {@code s} with every control character (C0, DEL, C1, line and paragraph separators) escaped.
   */
  static String escapeControls(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
      if (control && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        switch (c) {
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (control) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
    }
    return b == null ? s : b.toString();
  }

  private static Value now(Clock clock, Value in) {
    String zone = in instanceof Dict d && d.get("zone") instanceof Value.Str z ? z.value() : "UTC";
    ZoneId id;
    try {
      id = ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new AgoraError.InvalidInput(
          "ccos.time.now",
          List.of(
              new Problem(
                  List.of(Value.keyword("zone")),
                  "an IANA time zone such as Europe/Oslo",
                  Printer.describe(Value.of(zone)))));
    }
    ZonedDateTime t = ZonedDateTime.now(clock.withZone(id));
    return Dict.builder()
        .put("iso", Value.of(t.toOffsetDateTime().toString()))
        .put("epoch-ms", Value.of(t.toInstant().toEpochMilli()))
        .put("zone", Value.of(id.getId()))
        .build();
  }

  private static Value parseJson(Value in) {
    String text =
        in instanceof Value.Str s ? s.value() : ((Value.Str) ((Dict) in).get("json")).value();
    try {
      return Json.parse(text);
    } catch (JsonException e) {
      throw new AgoraError.InvalidInput(
          "ccos.data.parse-json", List.of(new Problem(List.of(), "JSON text", e.getMessage())));
    }
  }

  private static Value toJson(Value in) {
    try {
      return Value.of(Json.write(in));
    } catch (JsonException e) {
      throw new AgoraError.InvalidInput(
          "ccos.data.to-json",
          List.of(new Problem(List.of(), "a value with a JSON form", e.getMessage())));
    }
  }
}
