package dev.agora.cli;

import dev.agora.chain.event.EventSink;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.isolation.Classification;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.store.RegistryMirror;
import dev.agora.core.trust.Passports;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
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
    String source = m.provenance() == null ? null : m.provenance().source();
    if (source == null) {
      return "unknown";
    }
    if (source.startsWith(RegistryMirror.RUNTIME)) {
      return "added at run time (" + source.substring(RegistryMirror.RUNTIME.length()) + ")";
    }
    return source;
  }

  /**
   * A manifest for people: one field per line, schemas in RTFS syntax, then where it came from and
   * its passport ({@code trusted}: whether the node checks passports — it has a {@code trust:}
   * section — so a registered one was verified).
   */
  static String describe(CapabilityManifest m, boolean trusted) {
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
    line(sb, "risk", Classification.of(m).describe());
    if (m.timeout() != null) {
      line(sb, "timeout", m.timeout().toMillis() + " ms");
    }
    if (!m.metadata().isEmpty()) {
      line(sb, "metadata", Printer.print(m.metadata()));
    }
    if (m.provenance() != null) {
      if (m.provenance().source() != null) { // registered
        line(sb, "source", m.provenance().source());
        line(sb, "definition", "sha256:" + m.provenance().contentHash());
      }
      m.provenance()
          .origin()
          .asMap()
          .forEach((k, v) -> line(sb, "origin " + Json.keyName(k), Commands.plain(v)));
    }
    Attestation a = m.attestation();
    if (a == null) {
      line(sb, "passport", "none");
    } else {
      line(
          sb,
          "passport",
          "by "
              + a.authority()
              + (trusted ? ", verified" : ", not checked (no trust: section)")
              + (a.createdAt() == null ? "" : ", signed " + a.createdAt())
              + (a.expiresAt() == null ? "" : ", expires " + a.expiresAt()));
      line(sb, "passport id", String.valueOf(Passports.id(a)));
    }
    return sb.toString().stripTrailing();
  }

  /** A string as itself, anything else in RTFS syntax. */
  private static String plain(Value v) {
    return v instanceof Value.Str str ? str.value() : Printer.print(v);
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(pad(key)).append(value).append(System.lineSeparator());
  }

  /** {@code key:} padded to the column {@link #describe} aligns values in. */
  static String pad(String key) {
    return String.format("%-14s ", key + ":");
  }
}
