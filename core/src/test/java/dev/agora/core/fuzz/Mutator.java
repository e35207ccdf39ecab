package dev.agora.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns valid seed documents into hostile ones, reproducibly from a seed: byte flips, truncation,
 * duplication, splicing of two seeds, deep nesting, huge numbers, invalid UTF-8 (as the decoder
 * would see it: U+FFFD and lone surrogates), YAML alias bombs and tags, very long strings. Used by
 * the fuzz tests (about 10k inputs) and by bench's FuzzRun (millions).
 */
public final class Mutator {

  private static final String NOISE =
      "{}[]()\"'\\:;,#&*!|>-?%@`~^ \n\t0123456789eE.+abcxyz\u00e9\u03bb\uFFFD";
  private static final String[] TOKENS = {
    "null",
    "true",
    "1e999999",
    "-0",
    "99999999999999999999999999999999",
    "NaN",
    "&a",
    "*a",
    "!!java.net.URL [\"http://127.0.0.1:1/\"]",
    "!!javax.script.ScriptEngineManager []",
    "<<: *a",
    "---",
    "...",
    "%YAML 1.2",
    "\\u0000",
    "\uD800",
    "#_",
    "#inst \"x\"",
    "^{:a 1}",
    ":",
    "::"
  };

  private final List<String> seeds;
  private final SplittableRandom random;

  public Mutator(List<String> seeds, long seed) {
    this.seeds = List.copyOf(seeds);
    this.random = new SplittableRandom(seed);
  }

  /** The next input: one of the seeds mutated one to four times, or now and then a crafted bomb. */
  public String next() {
    int pick = random.nextInt(100);
    if (pick < 3) {
      return deep(random.nextInt(100_000) + 1);
    }
    if (pick < 5) {
      return aliasBomb(random.nextInt(12) + 2);
    }
    String s = seeds.get(random.nextInt(seeds.size()));
    int rounds = random.nextInt(4) + 1;
    for (int i = 0; i < rounds; i++) {
      s = mutate(s);
    }
    return s;
  }

  private String mutate(String s) {
    int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
    return switch (random.nextInt(10)) {
      case 0 -> flip(s);
      case 1 -> s.substring(0, at); // truncation
      case 2 -> { // duplicate a slice in place
        int end = Math.min(s.length(), at + random.nextInt(200) + 1);
        yield s.substring(0, end) + s.substring(at, end) + s.substring(at);
      }
      case 3 -> { // splice another seed in
        String other = seeds.get(random.nextInt(seeds.size()));
        int from = other.isEmpty() ? 0 : random.nextInt(other.length());
        yield s.substring(0, at)
            + other.substring(from, Math.min(other.length(), from + random.nextInt(400) + 1))
            + s.substring(at);
      }
      case 4 -> s.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + s.substring(at);
      case 5 -> { // deep nesting inside the document
        int n = random.nextInt(2_000) + 1;
        String open = String.valueOf("[{(".charAt(random.nextInt(3)));
        yield s.substring(0, at) + open.repeat(n) + s.substring(at);
      }
      case 6 ->
          s.substring(0, at)
              + "9".repeat(random.nextInt(5_000) + 1)
              + s.substring(at); // huge number
      case 7 ->
          s.substring(0, at)
              + "x".repeat(random.nextInt(100_000) + 1)
              + s.substring(at); // long string
      case 8 ->
          new String(
              garble(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8); // invalid UTF-8
      default ->
          s.isEmpty()
              ? s
              : s.substring(0, at) + s.substring(Math.min(s.length(), at + random.nextInt(40) + 1));
    };
  }

  private String flip(String s) {
    StringBuilder b = new StringBuilder(s);
    int n = random.nextInt(8) + 1;
    for (int i = 0; i < n && b.length() > 0; i++) {
      b.setCharAt(random.nextInt(b.length()), NOISE.charAt(random.nextInt(NOISE.length())));
    }
    return b.toString();
  }

  private byte[] garble(byte[] bytes) {
    int n = random.nextInt(4) + 1;
    for (int i = 0; i < n && bytes.length > 0; i++) {
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 | random.nextInt(0x80));
    }
    return bytes;
  }

  /** {@code n} opening brackets of one kind, unclosed or closed at random. */
  public String deep(int n) {
    char open = "[{(".charAt(random.nextInt(3));
    String close =
        switch (open) {
          case '[' -> "]";
          case '{' -> "}";
          default -> ")";
        };
    String body =
        open == '{' ? "{\"a\":".repeat(n) + "1" + close.repeat(n) : String.valueOf(open).repeat(n);
    return random.nextBoolean() || open == '{' ? body : body + close.repeat(n);
  }

  /** The YAML "billion laughs": each level an array of ten aliases of the one before. */
  public static String aliasBomb(int levels) {
    StringBuilder b = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i < levels; i++) {
      b.append('a').append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        b.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    return b.toString();
  }
}
