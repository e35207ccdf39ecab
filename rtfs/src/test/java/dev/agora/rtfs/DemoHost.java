package dev.agora.rtfs;

/**
 * The language tests' host: {@code ccos.echo} (returns its input) and {@code ccos.math.add} (sums
 * numbers) as plain functions. Agora's own built-ins live in core; this stand-in keeps the language
 * testable without the marketplace.
 */
final class DemoHost {

  private DemoHost() {}

  static SimpleHost create() {
    return new SimpleHost()
        .register("ccos.echo", input -> input)
        .register("ccos.math.add", DemoHost::add);
  }

  private static Value add(Value input) {
    Value[] terms =
        switch (input) {
          case Seq s -> s.toArray();
          case Dict d -> d.asMap().values().toArray(Value[]::new);
          default -> new Value[] {input};
        };
    long sum = 0;
    double fsum = 0;
    boolean real = false;
    for (Value t : terms) {
      switch (t) {
        case Value.Int i -> sum = Math.addExact(sum, i.value());
        case Value.Real r -> {
          fsum += r.value();
          real = true;
        }
        default ->
            throw new RtfsError(
                ErrorKind.InvalidInput, "ccos.math.add adds numbers, got " + Printer.describe(t));
      }
    }
    return real ? Value.of(sum + fsum) : Value.of(sum);
  }
}
