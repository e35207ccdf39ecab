package dev.agora.bench.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The harnesses' {@code name=value} arguments, each with a default; an unknown name is refused. */
public record Options(Map<String, String> values) {

  public static Options parse(String[] args, Map<String, String> defaults) {
    Map<String, String> v = new HashMap<>(defaults);
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1 || !defaults.containsKey(a.substring(0, eq))) {
        throw new IllegalArgumentException(
            "unknown argument '"
                + a
                + "'; expected name=value with a name among "
                + Set.copyOf(defaults.keySet()));
      }
      v.put(a.substring(0, eq), a.substring(eq + 1));
    }
    System.out.println("options: " + new TreeMap<>(v));
    return new Options(v);
  }

  public String string(String name) {
    return values.get(name);
  }

  public int integer(String name) {
    return Integer.parseInt(values.get(name));
  }

  public Duration seconds(String name) {
    return Duration.ofMillis((long) (Double.parseDouble(values.get(name)) * 1000));
  }

  public List<Integer> integers(String name) {
    return Arrays.stream(values.get(name).split(",")).map(Integer::parseInt).toList();
  }
}
