package dev.agora.cli;

import dev.agora.chain.event.EventSink;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.store.RegistryMirror;
import dev.agora.rtfs.Printer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the marketplace commands share: start-up with its error handling, and how a manifest is
 * shown.
 */
final class Commands {

  private Commands() {}

  /**
   * Starts the marketplace, runs {@code body}, closes it; a start-up failure prints its lines and
   * exits with its code.
   */
  static int withMarketplace(
      MarketplaceOptions options, Main.Io io, Function<MarketplaceOptions.Started, Integer> body) {
    return withMarketplace(options, io, EventSink.NONE, body);
  }

  static int withMarketplace(
      MarketplaceOptions options,
      Main.Io io,
      EventSink sink,
      Function<MarketplaceOptions.Started, Integer> body) {
    return with(() -> options.start(io, sink), io, body);
  }

  /** Opens the node without discovery (the chain commands), runs {@code body}, closes it. */
  static int withNode(
      MarketplaceOptions options, Main.Io io, Function<MarketplaceOptions.Started, Integer> body) {
    return with(() -> options.open(io, EventSink.NONE), io, body);
  }

  /** Loads the configuration (as the node commands do) and runs {@code body} with it. */
  static int withConfig(
      MarketplaceOptions options, Main.Io io, Function<AgoraConfig, Integer> body) {
    try {
      return body.apply(options.config());
    } catch (MarketplaceOptions.Stop stop) {
      io.err().println(stop.getMessage());
      return stop.exit;
    }
  }

  private static int with(
      Supplier<MarketplaceOptions.Started> start,
      Main.Io io,
      Function<MarketplaceOptions.Started, Integer> body) {
    try (MarketplaceOptions.Started s = start.get()) {
      return body.apply(s);
    } catch (MarketplaceOptions.Stop stop) {
      io.err().println(stop.getMessage());
      return stop.exit;
    }
  }

  /**
   * Where a capability came from, for people: {@code added at run time (cli x.yaml)}, or the name
   * of the discovery source that found it ({@code builtin}, a configured source's name).
   */
  static String origin(CapabilityManifest m) {
    String source = m.provenance() == null ? "unknown" : m.provenance().source();
    if (source.startsWith(RegistryMirror.RUNTIME)) {
      return "added at run time (" + source.substring(RegistryMirror.RUNTIME.length()) + ")";
    }
    return source;
  }

  /** A manifest for people: one field per line, schemas in RTFS syntax. */
  static String describe(CapabilityManifest m) {
    StringBuilder sb = new StringBuilder();
    line(sb, "id", m.id());
    line(sb, "name", m.name());
    line(sb, "description", m.description());
    line(sb, "version", m.version());
    line(sb, "provider", Printer.print(m.provider().toValue()));
    line(sb, "input", m.input() == null ? "any" : m.input().show());
    line(sb, "output", m.output() == null ? "any" : m.output().show());
    line(sb, "effects", m.isPure() ? "pure" : String.join(", ", m.effects()));
    line(
        sb, "permissions", m.permissions().isEmpty() ? "none" : String.join(", ", m.permissions()));
    if (m.timeout() != null) {
      line(sb, "timeout", m.timeout().toMillis() + " ms");
    }
    if (!m.metadata().isEmpty()) {
      line(sb, "metadata", Printer.print(m.metadata()));
    }
    if (m.provenance() != null) {
      line(sb, "source", m.provenance().source());
      line(sb, "content hash", m.provenance().contentHash());
    }
    return sb.toString().stripTrailing();
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(String.format("%-13s %s%n", key + ":", value));
  }
}
