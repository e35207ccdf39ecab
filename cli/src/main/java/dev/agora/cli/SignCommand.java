package dev.agora.cli;

import dev.agora.chain.Hashes;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.trust.JarSignatures;
import dev.agora.core.trust.Keys;
import dev.agora.core.trust.Passports;
import dev.agora.core.trust.TrustException;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agora caps sign MANIFEST --key KEY --authority NAME [--expires DATE] [--out FILE]}: gives
 * every manifest in a JSON, YAML or RTFS file a passport ({@link Passports}) and writes the file
 * back in its format — the manifests' data form, so comments and layout are not kept.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign the manifests in MANIFEST (JSON, YAML or RTFS): add an attestation block by AUTHORITY.",
      "The file is rewritten in its format (comments are not kept) unless --out names another."
    })
final class SignCommand implements Callable<Integer> {

  @Parameters(paramLabel = "MANIFEST", description = "The manifest file to sign.")
  Path manifest;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "The authority's private key ('agora trust keygen').")
  Path key;

  @Option(
      names = "--authority",
      required = true,
      paramLabel = "NAME",
      description = "The authority's name, as agora.yaml's trust.authorities names it.")
  String authority;

  @Option(
      names = "--expires",
      paramLabel = "DATE",
      description = "Valid through DATE (2027-12-31, UTC) or until an instant; default: no expiry.")
  String expires;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write here instead (its extension picks the format).")
  Path out;

  private final Main.Io io;
  private final Clock clock;

  SignCommand(Main.Io io) {
    this(io, Clock.systemUTC());
  }

  SignCommand(Main.Io io, Clock clock) {
    this.io = io;
    this.clock = clock;
  }

  /**
   * A plugin JAR: its signature over the JAR's digest, written to {@code JAR.sig} (or {@code
   * --out}) for {@code plugins.require_signature} (docs/PLUGINS.md).
   */
  private Integer signJar() {
    try {
      String sha = Hashes.hex(Hashes.sha256(Files.readAllBytes(manifest)));
      Path target = out == null ? manifest.resolveSibling(manifest.getFileName() + ".sig") : out;
      Files.writeString(target, JarSignatures.sign(sha, Keys.readPrivate(key), authority));
      io.out()
          .println("signed " + manifest + " (sha256 " + sha + ") by " + authority + ": " + target);
      return 0;
    } catch (IOException e) {
      io.err().println("error: " + manifest + ": " + e.getMessage());
      return 1;
    } catch (TrustException e) {
      io.err().println("error: " + e.getMessage());
      return 1;
    }
  }

  @Override
  public Integer call() {
    Instant until;
    try {
      until = expires == null ? null : endOf(expires);
    } catch (DateTimeException e) {
      io.err().println("error: --expires: expected a date such as 2027-12-31, found " + expires);
      return 2;
    }
    if (manifest.getFileName().toString().endsWith(".jar")) {
      return signJar();
    }
    Path target = out == null ? manifest : out;
    Documents.Format format = Documents.formatOf(target);
    if (format == null) {
      io.err().println("error: " + target + ": not a .json, .yaml, .yml or .rtfs file");
      return 2;
    }
    Manifests.LoadResult r = Manifests.load(manifest);
    if (!r.problems().isEmpty() || r.manifests().isEmpty()) {
      r.problems().forEach(p -> io.err().println("error: " + p));
      if (r.problems().isEmpty()) {
        io.err().println("error: " + manifest + ": no manifest to sign");
      }
      return 1;
    }
    try {
      PrivateKey k = Keys.readPrivate(key);
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      List<CapabilityManifest> signed =
          r.manifests().stream().map(m -> Passports.sign(m, k, authority, now, until)).toList();
      String text = write(signed, format);
      String changed = changedBy(text, target, format, signed);
      if (changed != null) {
        io.err()
            .println(
                "error: '"
                    + changed
                    + "' cannot be written as "
                    + format
                    + " without changing what it says (RTFS keeps every value); nothing was written");
        return 1;
      }
      Files.writeString(target, text);
      for (CapabilityManifest m : signed) {
        io.out()
            .println(
                "signed "
                    + m.id()
                    + " "
                    + m.version()
                    + " by "
                    + authority
                    + " (passport "
                    + Passports.id(m.attestation()).substring(0, 16)
                    + ")");
      }
      return 0;
    } catch (TrustException e) {
      io.err().println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      io.err().println("error: cannot write " + target + ": " + e.getMessage());
      return 1;
    }
  }

  /** A date is valid through its last second (UTC); an instant is taken as it is. */
  static Instant endOf(String text) {
    try {
      return LocalDate.parse(text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException notADate) {
      return Instant.parse(text);
    }
  }

  /**
   * The id of the first manifest that reads back from {@code text} other than it was signed (JSON
   * and YAML have no keywords), or null when all read back the same.
   */
  private static String changedBy(
      String text, Path target, Documents.Format format, List<CapabilityManifest> signed) {
    List<CapabilityManifest> back =
        Manifests.parse(Documents.parse(text, target.toString(), format)).manifests();
    for (int i = 0; i < signed.size(); i++) {
      if (i >= back.size()
          || !Arrays.equals(
              Passports.signedBytes(back.get(i)), Passports.signedBytes(signed.get(i)))) {
        return signed.get(i).id();
      }
    }
    return null;
  }

  /**
   * The manifests in a format: one as a map, several as a list (RTFS: one map per line). In JSON
   * and YAML a schema written as an RTFS type is written as its text, as people write it there.
   */
  static String write(List<CapabilityManifest> manifests, Documents.Format format) {
    List<Value> values =
        manifests.stream()
            .map(
                m ->
                    (Value)
                        (format == Documents.Format.RTFS
                            ? m.toValue()
                            : Manifests.asText(m.toValue())))
            .toList();
    Value all = values.size() == 1 ? values.getFirst() : Vec.of(values);
    if (format == Documents.Format.RTFS) { // (capability "id" :key value …), a key per line
      StringBuilder sb = new StringBuilder(";; signed with agora caps sign\n");
      for (Value v : values) {
        Dict m = (Dict) v;
        sb.append("(capability ").append(Printer.print(m.get("id")));
        m.asMap()
            .forEach(
                (k, x) -> {
                  if (!k.equals(Value.keyword("id"))) {
                    sb.append("\n  ").append(Printer.print(k)).append(' ').append(Printer.print(x));
                  }
                });
        sb.append(")\n");
      }
      return sb.toString();
    }
    return Documents.write(all, format);
  }
}
