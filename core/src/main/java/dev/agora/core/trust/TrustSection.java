package dev.agora.core.trust;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.Glob;
import dev.agora.core.spi.ConfigSection;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * agora.yaml's {@code trust:} section (docs/SECURITY.md, "Trust"):
 *
 * <pre>
 * trust:
 *   authorities:
 *     - {name: acme, public_key: keys/acme.pub, namespaces: ["shop.*"], expires: 2027-12-31}
 *   require_signature: ["shop.*"]     # these must carry a valid passport
 *   pinning: {mode: tofu, lock_file: agora.lock}   # tofu | lock | off
 * </pre>
 *
 * Key files are read at load: a missing or malformed one is a configuration error with its line.
 */
public final class TrustSection implements ConfigSection<TrustPolicy> {

  /** The section, to ask a configuration for its value. */
  public static final TrustSection SECTION = new TrustSection();

  /** The trust {@code config} gives: its {@code trust:} section, or {@link TrustPolicy#OFF}. */
  public static TrustPolicy of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "trust";
  }

  @Override
  public TrustPolicy defaults() {
    return TrustPolicy.OFF;
  }

  @Override
  public TrustPolicy read(Fields s, Core core) {
    Map<String, Authority> authorities = new LinkedHashMap<>();
    for (Fields a : s.items("authorities")) {
      Authority read = authority(a, core.base());
      if (read != null) {
        Authority same = authorities.get(read.name());
        authorities.put(read.name(), same == null ? read : rotated(same, read));
      }
    }
    List<Glob> required = Glob.list(s, "require_signature");
    Pinning pinning = pinning(s.map("pinning"), core.base());
    s.rejectUnknown();
    return new TrustPolicy(true, authorities, required, pinning);
  }

  /** Two entries of one name: one authority with both keys and both namespace lists. */
  private static Authority rotated(Authority a, Authority b) {
    List<PublicKey> keys = new ArrayList<>(a.keys());
    keys.addAll(b.keys());
    List<Glob> ns = new ArrayList<>(a.namespaces());
    ns.addAll(b.namespaces());
    Instant expires =
        a.expires() == null || b.expires() == null
            ? null
            : a.expires().isAfter(b.expires()) ? a.expires() : b.expires();
    return new Authority(a.name(), keys, ns, expires);
  }

  private static Authority authority(Fields a, Path base) {
    String name = a.required("name");
    String keyFile = a.required("public_key");
    List<Glob> namespaces = Glob.list(a, "namespaces");
    if (a.has("name") && namespaces.isEmpty()) {
      a.problem(
          "namespaces",
          "authority '"
              + name
              + "' needs the namespaces it may vouch for, such as [\"shop.*\"] (or [\"*\"])");
    }
    Instant expires = endOfDay(a, "expires");
    a.rejectUnknown();
    if (name == null || keyFile == null || namespaces.isEmpty()) {
      return null;
    }
    PublicKey key;
    try {
      key = Keys.readPublic(base.resolve(keyFile));
    } catch (TrustException e) {
      a.problem("public_key", e.getMessage());
      return null;
    }
    return new Authority(name, List.of(key), namespaces, expires);
  }

  /** A date ({@code 2027-12-31}: trusted through that day, UTC) or an instant. */
  private static Instant endOfDay(Fields f, String key) {
    String text = f.string(key, null);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException notADate) {
      try {
        return Instant.parse(text);
      } catch (DateTimeException e) {
        f.problem(key, "expected a date such as 2027-12-31, found \"" + text + "\"");
        return null;
      }
    }
  }

  private static Pinning pinning(Fields p, Path base) {
    String mode = p.string("mode", "tofu");
    Pinning.Mode m;
    try {
      m = Pinning.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      p.problem("mode", "expected tofu, lock or off, found \"" + mode + "\"");
      m = Pinning.Mode.OFF;
    }
    Path lock = base.resolve(p.string("lock_file", "agora.lock"));
    p.rejectUnknown();
    return new Pinning(m, lock);
  }
}
