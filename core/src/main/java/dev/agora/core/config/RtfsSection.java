package dev.agora.core.config;

import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import dev.agora.rtfs.Limits;
import java.time.Duration;

/**
 * agora.yaml's {@code rtfs:} section: the budgets of the plans {@code agora run}, {@code agora
 * eval} and the REPL evaluate (the command line's {@code --timeout-ms}, {@code --max-steps} and
 * {@code --max-memory-bytes} override them), and the memory budget of every RTFS implementation of
 * a local capability, which otherwise runs under its call's deadline:
 *
 * <pre>
 * rtfs:
 *   timeout: 60s                  # a plan's deadline (default 60s)
 *   max_steps: 100000000          # function applications a plan may make (default: unlimited)
 *   max_memory_bytes: 268435456   # bytes of values one evaluation may make (default 256 MiB)
 * </pre>
 */
public final class RtfsSection implements ConfigSection<Limits> {

  /** The section, to ask a configuration for its value. */
  public static final RtfsSection SECTION = new RtfsSection();

  /** A plan's deadline when agora.yaml names none: long enough for slow calls, never forever. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The budgets when agora.yaml has no {@code rtfs:} section. */
  public static final Limits DEFAULTS = Limits.DEFAULT.withTimeout(DEFAULT_TIMEOUT);

  /** The budgets {@code config} gives plans: its {@code rtfs:} section or the defaults. */
  public static Limits of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "rtfs";
  }

  @Override
  public Limits defaults() {
    return DEFAULTS;
  }

  @Override
  public Limits read(Fields s, Core core) {
    Duration timeout = s.duration("timeout", DEFAULT_TIMEOUT);
    long steps = s.integer("max_steps", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    long memory = s.integer("max_memory_bytes", Limits.DEFAULT_MAX_MEMORY, 1, Long.MAX_VALUE);
    s.rejectUnknown();
    return DEFAULTS.withTimeout(timeout).withMaxSteps(steps).withMaxMemory(memory);
  }
}
