package dev.agora.rtfs;

import java.util.SplittableRandom;

/** Seeded random RTFS data values, for round-trip and validation properties. */
public final class RandomValues {

  private static final String CHARS = "abcxyz019 \n\t\"\\;:()[]{}#é€😀-_";
  private final SplittableRandom random;

  public RandomValues(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A data value nested at most {@code depth} levels. */
  public Value value(int depth) {
    int choice = random.nextInt(depth <= 0 ? 7 : 10);
    return switch (choice) {
      case 0 -> Value.NIL;
      case 1 -> Value.of(random.nextBoolean());
      case 2 -> Value.of(random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(-2000, 2000));
      case 3 -> Value.of(real());
      case 4 -> Value.of(string());
      case 5 -> Value.keyword(name());
      case 6 -> Value.symbol(name());
      case 7 -> Vec.adopt(items(depth));
      case 8 -> Lst.adopt(items(depth));
      default -> map(depth);
    };
  }

  private double real() {
    return switch (random.nextInt(6)) {
      case 0 -> Double.NaN;
      case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
      default -> random.nextInt(-1000, 1000) / 8.0;
    };
  }

  private String string() {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(
          CHARS.codePointAt(
              CHARS.offsetByCodePoints(
                  0, random.nextInt(CHARS.codePointCount(0, CHARS.length())))));
    }
    return sb.toString();
  }

  private String name() {
    String[] heads = {
      "a", "foo", "ccos.echo", "ns.part/name", "com.acme.db:v1.0:q", "x?", "valid!", "k-1"
    };
    return heads[random.nextInt(heads.length)]
        + (random.nextBoolean() ? "" : Integer.toString(random.nextInt(100)));
  }

  private Value[] items(int depth) {
    Value[] out = new Value[random.nextInt(5)];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(depth - 1);
    }
    return out;
  }

  private Dict map(int depth) {
    Dict.Builder b = Dict.builder();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      Value key =
          switch (random.nextInt(3)) {
            case 0 -> Value.keyword(name());
            case 1 -> Value.of(string());
            default -> Value.of(random.nextInt(100));
          };
      b.put(key, value(depth - 1));
    }
    return b.build();
  }
}
