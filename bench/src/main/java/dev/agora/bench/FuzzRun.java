package dev.agora.bench;

import dev.agora.core.fuzz.DocumentFuzz;
import dev.agora.core.fuzz.Mutator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The long fuzz run behind docs/BENCHMARKS.md: DocumentFuzzTest's generator and checks, a million
 * inputs per parser (manifests in JSON, YAML and RTFS, and agora.yaml), printing the count per
 * outcome, inputs/s and the slowest input. Exits 1 on the first untyped error, with seed and index.
 * {@code java -cp bench/target/benchmarks.jar dev.agora.bench.FuzzRun [inputs] [seed] [parser…]},
 * from the repository root (the examples are the seeds).
 */
public final class FuzzRun {

  private FuzzRun() {}

  public static void main(String[] args) throws Exception {
    int inputs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    Path base = Files.createTempDirectory("agora-fuzz");
    for (DocumentFuzz parser : DocumentFuzz.values()) {
      if (args.length > 2 && !Arrays.asList(args).subList(2, args.length).contains(parser.name())) {
        continue;
      }
      Mutator mutator = new Mutator(parser.seeds(DocumentFuzz.repoRoot()), seed);
      Map<DocumentFuzz.Outcome, Integer> outcomes = new EnumMap<>(DocumentFuzz.Outcome.class);
      long slowest = 0;
      long start = System.nanoTime();
      for (int i = 0; i < inputs; i++) {
        String input = mutator.next();
        long t = System.nanoTime();
        try {
          outcomes.merge(parser.run(input, base), 1, Integer::sum);
        } catch (AssertionError e) {
          System.out.println(parser + " seed " + seed + " input #" + i + ": " + e.getMessage());
          System.exit(1);
        }
        slowest = Math.max(slowest, System.nanoTime() - t);
        if ((i + 1) % 100_000 == 0 && i + 1 < inputs) {
          System.out.printf(
              "%-13s %d inputs, %.0f s: %s%n",
              parser, i + 1, (System.nanoTime() - start) / 1e9, outcomes);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%-13s seed %d: %d inputs in %.0f s, %.0f inputs/s, slowest %.0f ms: %s%n",
          parser, seed, inputs, seconds, inputs / seconds, slowest / 1e6, outcomes);
    }
  }
}
