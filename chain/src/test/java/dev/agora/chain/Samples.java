package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Fixed events for golden vectors, and seeded random ones for the chain tests. */
public final class Samples {

  public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private Samples() {}

  /** The golden events, by name (their bytes are pinned in chain/golden.txt). */
  public static Map<String, Event> golden() {
    Map<String, Event> m = new LinkedHashMap<>();
    m.put("plan-started", Event.of("p-1", EventType.PlanStarted, T0, null, "p-1", "agent"));
    m.put(
        "call",
        Event.of("c-1", EventType.CapabilityCall, T0.plusNanos(1_500), "s-1", "p-1", "agent")
            .withCapability("weather.current", "1.2.0")
            .withArguments(
                Reader.readValue(
                    "{:city \"Oslo\" :units :metric \"raw key\" [1 2.5 nil true] 7 \"seven\"}")));
    m.put(
        "result",
        Event.of("r-1", EventType.CapabilityResult, T0.plusSeconds(1), "c-1", "p-1", "agent")
            .withCapability("weather.current", "1.2.0")
            .withResult(
                Dict.of(
                    Value.keyword("temp"),
                    Value.of(-3.5),
                    Value.keyword("nan"),
                    Value.of(Double.NaN),
                    Value.keyword("zero"),
                    Value.of(-0.0),
                    Value.keyword("text"),
                    Value.of("snø ❄ \"quoted\"\n"),
                    Value.keyword("list"),
                    Lst.of(Value.symbol("sym"), Value.keyword("ns.part/name"))),
                Duration.ofMillis(12),
                0.25)
            .withMetadata(
                Dict.of(Value.keyword("b"), Value.of(2), Value.keyword("a"), Value.of(1))));
    m.put(
        "failure",
        Event.of("r-2", EventType.CapabilityResult, T0.plusMillis(5), "c-2", null, "ops")
            .withCapability("billing.charge", null)
            .withError("Timeout", "billing.charge timed out after 2000 ms", Duration.ofSeconds(2))
            .withMetadata(
                Dict.of(
                    Value.keyword("error"),
                    new Err(ErrorKind.Timeout, "late", Value.of(1), null))));
    m.put(
        "registered",
        new Event(
            "g-1",
            null,
            null,
            EventType.CapabilityRegistered,
            T0,
            "x.y",
            "0.1.0",
            "system",
            null,
            null,
            true,
            null,
            null,
            0,
            null,
            Dict.EMPTY));
    return m;
  }

  /**
   * A random but plausible action: ids, plan, parent, capability, arguments and result from {@code
   * r}.
   */
  public static Event random(SplittableRandom r, int n) {
    EventType[] types = EventType.values();
    String plan = "plan-" + r.nextInt(20);
    Event e =
        Event.of(
                "a-" + n,
                types[r.nextInt(types.length)],
                T0.plusMillis(n),
                n == 0 ? null : "a-" + r.nextInt(n),
                plan,
                "caller-" + r.nextInt(4))
            .withCapability("cap." + r.nextInt(30), "1." + r.nextInt(3) + ".0");
    Dict.Builder args = Dict.builder();
    for (int i = r.nextInt(5); i > 0; i--) {
      args.put(
          "k" + r.nextInt(10),
          r.nextBoolean() ? Value.of(r.nextLong()) : Value.of("v" + r.nextInt(1000)));
    }
    e = e.withArguments(args.build());
    return r.nextBoolean()
        ? e.withResult(Value.of(r.nextInt()), Duration.ofMillis(r.nextInt(100)), r.nextDouble())
        : e.withError(
            "ProviderError", "upstream said " + r.nextInt(), Duration.ofMillis(r.nextInt(100)));
  }
}
