package dev.agora.bench;

import java.util.SplittableRandom;

/** Deterministic RTFS source for benchmarks. */
public final class Programs {

  private Programs() {}

  /**
   * About {@code targetBytes} of plan-like RTFS: {@code defn}s with {@code let}, maps, vectors,
   * strings, keywords, numbers and nested calls, from a fixed seed so every run reads the same
   * text.
   */
  public static String generated(int targetBytes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(targetBytes + 1024);
    int n = 0;
    while (sb.length() < targetBytes) {
      n++;
      sb.append(";; generated plan fragment ").append(n).append('\n');
      sb.append("(defn step-").append(n).append(" [input {:keys [city limit]}]\n");
      sb.append("  (let [url (str \"https://api.example.com/v1/\" city \"?limit=\" limit)\n");
      sb.append("        weights [")
          .append(r.nextInt(1000))
          .append(' ')
          .append(r.nextDouble())
          .append(' ')
          .append(-r.nextInt(100))
          .append("]\n");
      sb.append("        result (call :weather.current {:city city :units :metric :retries ")
          .append(r.nextInt(5))
          .append("})]\n");
      sb.append("    (step \"fetch-").append(n).append("\"\n");
      sb.append("      (match result\n");
      sb.append("        {:status :ok :data d} (reduce + 0 (map (fn [x] (* x ")
          .append(r.nextInt(10))
          .append(")) d))\n");
      sb.append("        {:status :error :message m} (throw (str \"failed: \" m))\n");
      sb.append("        _ nil))))\n\n");
    }
    return sb.toString();
  }

  /** {@code (fib n)}, the classic call-heavy benchmark. */
  public static final String FIB = "(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))";

  /** Squares, keeps multiples of three, sums: three closures over 100k numbers. */
  public static final String PIPELINE =
      "(defn pipeline [n] (reduce + 0 (filter (fn [x] (= 0 (mod x 3))) (map (fn [x] (* x x)) (range n)))))";
}
