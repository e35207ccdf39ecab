package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.call.policy.ArgumentRule.Action;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The governed local call of {@link CallPathBenchmark} (a file-reading stand-in, {@code fs.read}
 * with {@code {:path "/srv/data/report.csv" :total 500}}) under 0, 1 and 4 argument-aware rules
 * ({@code policy.rules}), none of which holds — so every rule's CEL condition is evaluated and the
 * call goes through. The difference to {@code rules=0} is what the rules cost.
 *
 * <p>Run: {@code ./build bench ArgumentRulesBenchmark -f 1 -wi 3 -i 5} (SampleTime gives p50/p99).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class ArgumentRulesBenchmark {

  static final List<ArgumentRule> RULES =
      List.of(
          ArgumentRule.of(
              "fs.*", "!args.path.startsWith('/srv/')", Action.DENY, "outside /srv", "r0"),
          ArgumentRule.of("fs.*", "args.total > 1000", Action.REQUIRE_APPROVAL, null, "r1"),
          ArgumentRule.of("fs.*", "caller.identity == 'mallory'", Action.DENY, null, "r2"),
          ArgumentRule.of(
              "fs.*", "now < timestamp('2020-01-01T00:00:00Z')", Action.DENY, null, "r3"));

  @Param({"0", "1", "4"})
  int rules;

  Marketplace marketplace;
  CallRequest request;

  @Setup
  public void setup() {
    marketplace = Marketplace.builder().sink(new MemorySink(4096)).log(l -> {}).build();
    marketplace.bootstrap();
    marketplace.registerLocal(
        CapabilityManifest.builder("fs.read")
            .input("[:map [:path :string] [:total :int]]")
            .output(":bool")
            .effects("pure")
            .build(),
        (in, call) -> Value.TRUE,
        true,
        "bench");
    marketplace.setPolicy(
        IsolationPolicy.allowAll().withRules(RULES.subList(0, rules).toArray(ArgumentRule[]::new)));
    request =
        CallRequest.of(
            "fs.read",
            Reader.readValue("{:path \"/srv/data/report.csv\" :total 500}"),
            SecurityContext.full("bench"));
    if (!marketplace.call(request).equals(Value.TRUE)) {
      throw new IllegalStateException("the governed call is wrong");
    }
  }

  @TearDown
  public void tearDown() {
    marketplace.close();
  }

  @Benchmark
  public Value governedCall() {
    return marketplace.call(request);
  }
}
