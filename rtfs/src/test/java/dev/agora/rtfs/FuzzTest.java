package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agora.rtfs.eval.Interpreter;
import dev.agora.rtfs.stdlib.Stdlib;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Throws generated and mutated programs at the reader and evaluator. Whatever the input, only a
 * {@link RtfsError} may come out: no other exception, no hang (each run has a step budget and a
 * deadline, and the whole test a hard timeout). The seed is printed; set {@code -Dfuzz.seed=N} to
 * replay a run and {@code -Dfuzz.programs=N} to change its size.
 */
class FuzzTest {

  private static final String[] BUILTINS = Stdlib.builtins().keySet().toArray(String[]::new);
  private static final String[] FORMS = {
    "let",
    "if",
    "do",
    "fn",
    "def",
    "defn",
    "match",
    "try",
    "catch",
    "finally",
    "step",
    "and",
    "or",
    "when",
    "cond",
    "->",
    "->>",
    "call",
    "throw",
    "%params",
    "&",
    "_",
    ":as",
    ":keys",
    ":or",
    "when",
    "λ",
    ".getMessage"
  };
  private static final String MUTATION_CHARS = "()[]{}\"\\;:#'`~^@&%,.-+*/0123456789abcxyzλ é\n\t";
  private static final Limits LIMITS =
      new Limits(20_000, Duration.ofSeconds(2), 300, 20_000, 200_000, 64L << 20);

  @Test
  void only_rtfs_errors_come_out() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int programs = Integer.getInteger("fuzz.programs", 100_000);
    System.out.println("FuzzTest seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    List<String> corpus = corpus();
    SplittableRandom random = new SplittableRandom(seed);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        Duration.ofMinutes(10),
        () -> {
          for (int i = 0; i < programs; i++) {
            String program =
                switch (i % 4) {
                  case 0 -> generate(random, 4);
                  case 1 -> mutate(random, corpus.get(random.nextInt(corpus.size())));
                  case 2 -> mutate(random, generate(random, 3));
                  default -> noise(random);
                };
            outcomes[run(program, seed, i)]++;
          }
        });
    System.out.println(
        "FuzzTest: "
            + outcomes[0]
            + " programs returned a value, "
            + outcomes[1]
            + " raised RTFS errors");
    assertThat(outcomes[0])
        .as("the generator must produce some working programs")
        .isGreaterThan(programs / 20);
    assertThat(outcomes[1]).as("and some failing ones").isGreaterThan(programs / 20);
  }

  /** Runs one program; returns 0 for a value, 1 for an RTFS error; anything else fails the test. */
  private static int run(String program, long seed, int index) {
    SimpleHost host =
        DemoHost.create()
            .register(
                "fuzz.explode",
                v -> {
                  throw new IllegalStateException("exploded on " + Printer.describe(v));
                });
    Interpreter rtfs =
        Interpreter.builder()
            .host(host)
            .limits(LIMITS)
            .out(new PrintStream(OutputStream.nullOutputStream()))
            .build();
    try {
      Value v = rtfs.eval(program, "fuzz.rtfs");
      Printer.describe(v);
      return 0;
    } catch (RtfsError e) {
      assertThat(e.getMessage()).as("an error has a message").isNotBlank();
      return 1;
    } catch (Throwable t) {
      throw new AssertionError(
          "seed " + seed + ", program #" + index + " threw " + t + " for:\n" + program, t);
    }
  }

  // ---- Generation ----

  private static String generate(SplittableRandom r, int depth) {
    StringBuilder sb = new StringBuilder();
    int forms = 1 + r.nextInt(3);
    for (int i = 0; i < forms; i++) {
      expr(r, depth, sb);
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void expr(SplittableRandom r, int depth, StringBuilder sb) {
    if (depth <= 0 || r.nextInt(4) == 0) {
      atom(r, sb);
      return;
    }
    switch (r.nextInt(12)) {
      case 0 ->
          sb.append("(let [")
              .append(name(r))
              .append(' ')
              .append(sub(r, depth))
              .append("] ")
              .append(sub(r, depth))
              .append(')');
      case 1 ->
          sb.append("(if ")
              .append(sub(r, depth))
              .append(' ')
              .append(sub(r, depth))
              .append(' ')
              .append(sub(r, depth))
              .append(')');
      case 2 ->
          sb.append("(defn ")
              .append(name(r))
              .append(" [")
              .append(name(r))
              .append("] ")
              .append(sub(r, depth))
              .append(')');
      case 3 ->
          sb.append("(match ")
              .append(sub(r, depth))
              .append(" [a b] a {:k v} v _ ")
              .append(sub(r, depth))
              .append(')');
      case 4 -> sb.append("(try ").append(sub(r, depth)).append(" (catch e (:message e)))");
      case 5 ->
          sb.append("(step \"s\" :params {\"p\" ")
              .append(sub(r, depth))
              .append("} ")
              .append(sub(r, depth))
              .append(')');
      case 6 -> sb.append('[').append(sub(r, depth)).append(' ').append(sub(r, depth)).append(']');
      case 7 ->
          sb.append("{:a ")
              .append(sub(r, depth))
              .append(" \"b\" ")
              .append(sub(r, depth))
              .append('}');
      case 8 ->
          sb.append("(call ")
              .append(r.nextBoolean() ? ":ccos.echo" : r.nextBoolean() ? ":fuzz.explode" : ":nope")
              .append(' ')
              .append(sub(r, depth))
              .append(')');
      case 9 ->
          sb.append("((fn [x & r] ")
              .append(sub(r, depth))
              .append(") ")
              .append(sub(r, depth))
              .append(')');
      case 10 ->
          sb.append('(')
              .append(FORMS[r.nextInt(FORMS.length)])
              .append(' ')
              .append(sub(r, depth))
              .append(' ')
              .append(sub(r, depth))
              .append(')');
      default -> {
        sb.append('(').append(BUILTINS[r.nextInt(BUILTINS.length)]);
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          sb.append(' ').append(sub(r, depth));
        }
        sb.append(')');
      }
    }
  }

  private static String sub(SplittableRandom r, int depth) {
    StringBuilder sb = new StringBuilder();
    expr(r, depth - 1, sb);
    return sb.toString();
  }

  private static void atom(SplittableRandom r, StringBuilder sb) {
    switch (r.nextInt(10)) {
      case 0 -> sb.append(r.nextInt(-5, 20));
      case 1 -> sb.append(r.nextBoolean() ? "9223372036854775807" : "1.5");
      case 2 -> sb.append("\"s").append(r.nextInt(3)).append('"');
      case 3 -> sb.append(":k").append(r.nextInt(3));
      case 4 -> sb.append(r.nextBoolean() ? "nil" : "true");
      case 5 -> sb.append("[1 2 3]");
      case 6 -> sb.append("inc");
      case 7 -> sb.append(name(r));
      case 8 -> sb.append("(range ").append(r.nextInt(50)).append(')');
      default -> sb.append(BUILTINS[r.nextInt(BUILTINS.length)]);
    }
  }

  private static String name(SplittableRandom r) {
    return switch (r.nextInt(5)) {
      case 0 -> "a";
      case 1 -> "b";
      case 2 -> "f";
      case 3 -> "[a b]";
      default -> "{:keys [a]}";
    };
  }

  // ---- Mutation ----

  private static String mutate(SplittableRandom r, String program) {
    StringBuilder sb = new StringBuilder(program);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(5)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length())));
        case 2 -> sb.setLength(at);
        case 3 -> {
          int end = Math.min(sb.length(), at + r.nextInt(20));
          sb.insert(r.nextInt(sb.length()), sb.substring(at, end));
        }
        default -> sb.setCharAt(at, MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length())));
      }
    }
    return sb.toString();
  }

  private static String noise(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(60);
    for (int i = 0; i < n; i++) {
      sb.append(
          r.nextInt(8) == 0
              ? (char) r.nextInt(0x20, 0x3000)
              : MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length())));
    }
    return sb.toString();
  }

  private static List<String> corpus() {
    try {
      Path root = Path.of(FuzzTest.class.getResource("/conformance").toURI());
      List<String> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".rtfs")).toList()) {
          out.add(Files.readString(p));
        }
      }
      return out;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
