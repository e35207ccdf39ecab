package dev.agora.core.config;

import dev.agora.chain.Receipt;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import java.util.Locale;

/**
 * agora.yaml's {@code receipts:} section (issue 14): what a call's receipt is when a surface asks
 * for one (an MCP {@code tools/call}, {@code agora caps call --receipt}, {@code agora run
 * --receipts}):
 *
 * <pre>
 * receipts:
 *   mode: batched     # unsigned, completed by an inclusion proof against a checkpoint (default)
 *                     # immediate: signed by the node's key as the call returns
 *                     # off: no receipts; calls carry none and pay nothing for them
 * </pre>
 *
 * A call no surface asks a receipt for (a plain {@link dev.agora.core.Marketplace#call}) pays
 * nothing for receipts, whatever the mode; MCP {@code tools/call} and RTFS plans ask unless off.
 */
public final class ReceiptsSection implements ConfigSection<Receipt.Mode> {

  /** The section, to ask a configuration for its value. */
  public static final ReceiptsSection SECTION = new ReceiptsSection();

  /**
   * The mode when agora.yaml names none: batched, which adds about 2 µs to a call, where signing
   * each receipt with the JDK's Ed25519 adds about 0.5 ms (docs/BENCHMARKS.md, "Signed receipts").
   */
  public static final Receipt.Mode DEFAULT = Receipt.Mode.BATCHED;

  /** The receipt mode {@code config} asks for: its {@code receipts:} section or the default. */
  public static Receipt.Mode of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "receipts";
  }

  @Override
  public Receipt.Mode defaults() {
    return DEFAULT;
  }

  @Override
  public Receipt.Mode read(Fields s, Core core) {
    String mode = s.string("mode", DEFAULT.name().toLowerCase(Locale.ROOT));
    s.rejectUnknown();
    return switch (mode) {
      case "immediate" -> Receipt.Mode.IMMEDIATE;
      case "batched" -> Receipt.Mode.BATCHED;
      case "off" -> Receipt.Mode.OFF;
      default -> {
        s.problem(
            "mode",
            "use immediate (signed as the call returns), batched (completed by an inclusion"
                + " proof) or off");
        yield DEFAULT;
      }
    };
  }
}
