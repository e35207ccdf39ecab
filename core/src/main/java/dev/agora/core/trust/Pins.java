package dev.agora.core.trust;

import dev.agora.chain.Hashes;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.registry.Registry;
import dev.agora.core.trust.pins.PinStore;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pinned capability definitions: each discovered definition's digest, kept so that a definition
 * that changes behind an id — a "rug pull" — is noticed and quarantined.
 *
 * <p>Two sets of pins: the lock file's ({@code trust.pinning.lock_file}, meant to be committed;
 * {@code agora caps pin} writes it: YAML, {@code pins: {id@version: {digest, definition}}}, sorted,
 * one field per line, so it diffs well) and, in {@code tofu} mode, the node's own, where
 * definitions seen for the first time are pinned: in the store the nodes share when it keeps pins
 * ({@link PinStore}, issue 18), else in the file {@code pins.lock} of its data directory, in the
 * lock file's form. A pin of the lock file wins over the node's.
 *
 * <p>The digest covers the whole definition except its passport (re-signing a definition does not
 * change it): SHA-256 of the canonical JSON of the manifest's data form without {@code
 * attestation}.
 */
public final class Pins {

  /** The node's own pins, in its data directory (tofu mode), when its store keeps none. */
  public static final String NODE_FILE = "pins.lock";

  /** One pin: the digest, and the definition it was taken from (for {@code agora caps diff}). */
  public record Pin(String digest, Value definition) {}

  private final Pinning pinning;
  private final PinStore node;
  private final Map<String, Pin> locked;
  private final Map<String, Pin> seen;
  private final String loaded;

  private Pins(
      Pinning pinning, PinStore node, Map<String, Pin> locked, Map<String, Pin> seen, String at) {
    this.pinning = pinning;
    this.node = node;
    this.locked = locked;
    this.seen = seen;
    this.loaded = at;
  }

  /**
   * The pins of {@code pinning}'s lock file and (tofu) of {@code dataDir}'s {@code pins.lock}. A
   * missing file has no pins; a malformed one is a {@link TrustException} naming its line — the
   * node must not start admitting everything because its lock file broke.
   */
  public static Pins load(Pinning pinning, Path dataDir) {
    return load(pinning, nodeFile(dataDir));
  }

  /**
   * The pins of {@code pinning}'s lock file and (tofu) those {@code node} keeps. A pin {@code node}
   * holds that cannot be read is a {@link TrustException}, as a malformed file is.
   */
  public static Pins load(Pinning pinning, PinStore node) {
    String at = stamp(pinning, node); // before reading: a write after it is noticed by changed()
    if (pinning.mode() == Pinning.Mode.OFF) {
      return new Pins(pinning, node, Map.of(), Map.of(), at);
    }
    Map<String, Pin> seen = new TreeMap<>();
    if (pinning.mode() == Pinning.Mode.TOFU) {
      for (PinStore.Stored s : node.all()) {
        seen.put(s.key(), pin(s, node));
      }
    }
    return new Pins(pinning, node, read(pinning.lockFile()), seen, at);
  }

  /** The node's own pins in {@code dataDir}'s {@code pins.lock} (none kept without a directory). */
  private static PinStore nodeFile(Path dataDir) {
    return new FilePins(dataDir == null ? null : dataDir.resolve(NODE_FILE));
  }

  /**
   * Takes the pins of {@code dataDir}'s {@code pins.lock} — where a node kept its own pins before
   * its store kept them — into {@code store}, each unless {@code store} pins its key already (an
   * approval made since is kept). Returns how many pins the file has; the file is not changed.
   */
  public static int adopt(Path dataDir, PinStore store) {
    List<PinStore.Stored> old = nodeFile(dataDir).all();
    old.forEach(store::pinIfAbsent);
    return old.size();
  }

  public Pinning pinning() {
    return pinning;
  }

  /**
   * Whether the pins were written since they were loaded — by this process or another: an approval,
   * {@code agora caps pin}, a pin another node took — so that they should be loaded again.
   */
  public boolean changed() {
    return !stamp(pinning, node).equals(loaded);
  }

  /** What the lock file and (tofu) the node's pins are now. */
  private static String stamp(Pinning pinning, PinStore node) {
    return stamp(pinning.lockFile())
        + " "
        + (pinning.mode() == Pinning.Mode.TOFU ? node.stamp() : "-");
  }

  /** A file's size and time, to notice that another process wrote it; "-" when there is none. */
  static String stamp(Path file) {
    try {
      return file == null || !Files.exists(file)
          ? "-"
          : Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) { // gone while looking: as if absent
      return "-";
    }
  }

  /** The digest a definition is pinned by (see the class comment). */
  public static String digest(CapabilityManifest m) {
    return Hashes.hex(
        Hashes.sha256(Json.canonical(definition(m)).getBytes(StandardCharsets.UTF_8)));
  }

  private static Value definition(CapabilityManifest m) {
    return m.toValue().dissoc(Value.keyword("attestation"));
  }

  private static String key(CapabilityManifest m) {
    return m.id() + "@" + m.version();
  }

  /** The pin of {@code id@version}, or null. */
  public synchronized Pin pinned(String id, String version) {
    String key = id + "@" + version;
    Pin p = locked.get(key);
    return p != null ? p : seen.get(key);
  }

  /**
   * Whether {@code m} may be registered as far as pinning goes: null if it matches its pin (or,
   * tofu, is pinned now, on first sight); a refusal if it is not in the lock file (lock mode); a
   * quarantine if it differs from its pin.
   */
  public synchronized Registry.Refusal check(CapabilityManifest m) {
    if (pinning.mode() == Pinning.Mode.OFF) {
      return null;
    }
    Pin pin = pinned(m.id(), m.version());
    String digest = digest(m);
    if (pin == null) {
      if (pinning.mode() == Pinning.Mode.LOCK) {
        return Registry.Refusal.of(
            "not pinned: '"
                + m.id()
                + "' "
                + m.version()
                + " is not in "
                + pinning.lockFile().getFileName()
                + " (trust.pinning mode lock); pin it with 'agora caps pin'");
      }
      // first sight: pinned unless another node pinned it meanwhile, whose pin then holds
      pin = pin(node.pinIfAbsent(stored(key(m), new Pin(digest, definition(m)))), node);
      seen.put(key(m), pin);
    }
    if (pin.digest().equals(digest)) {
      return null;
    }
    return new Registry.Refusal(
        "quarantined: the definition of '"
            + m.id()
            + "' "
            + m.version()
            + " changed since it was pinned ("
            + String.join(", ", changed(pin.definition(), definition(m)))
            + " changed); compare with 'agora caps diff "
            + m.id()
            + "', accept it with 'agora caps approve "
            + m.id()
            + "'",
        true);
  }

  /**
   * The top-level fields that differ between two definitions, sorted; both are compared in their
   * JSON form, as the lock file keeps them.
   */
  public static List<String> changed(Value before, Value after) {
    Map<Value, Value> a = readable(before) instanceof Dict d ? d.asMap() : Map.of();
    Map<Value, Value> b = readable(after) instanceof Dict d ? d.asMap() : Map.of();
    TreeSet<String> keys = new TreeSet<>();
    for (Value k : a.keySet()) {
      if (!a.get(k).equals(b.get(k))) {
        keys.add(Json.keyName(k));
      }
    }
    for (Value k : b.keySet()) {
      if (!a.containsKey(k)) {
        keys.add(Json.keyName(k));
      }
    }
    return keys.isEmpty() ? List.of("its form") : List.copyOf(keys);
  }

  /**
   * Pins {@code m} as it is now (an approval): in the node's pins and, where the lock file pins it,
   * in the lock file too.
   */
  public synchronized void approve(CapabilityManifest m) {
    Pin pin = new Pin(digest(m), definition(m));
    if (locked.containsKey(key(m)) || pinning.mode() == Pinning.Mode.LOCK) {
      locked.put(key(m), pin);
      save(pinning.lockFile(), locked);
    }
    if (pinning.mode() == Pinning.Mode.TOFU) {
      node.put(stored(key(m), pin));
      seen.put(key(m), pin);
    }
  }

  /**
   * Writes the lock file: its pins, with {@code manifests} pinned as they are now. Returns how many
   * pins it holds.
   */
  public synchronized int pinAll(Collection<CapabilityManifest> manifests) {
    for (CapabilityManifest m : manifests) {
      locked.put(key(m), new Pin(digest(m), definition(m)));
    }
    save(pinning.lockFile(), locked);
    return locked.size();
  }

  // ---- The node's pins as stored ----

  /** {@code pin} as a {@link PinStore} keeps it: its definition as the lock file's JSON text. */
  static PinStore.Stored stored(String key, Pin pin) {
    return new PinStore.Stored(key, pin.digest(), Json.write(readable(pin.definition())));
  }

  /** The pin {@code s} holds; one whose definition is not JSON is a {@link TrustException}. */
  static Pin pin(PinStore.Stored s, PinStore from) {
    try {
      return new Pin(s.digest(), Json.parse(s.definition()));
    } catch (JsonException e) {
      throw new TrustException(
          "the pins in " + from.describe() + " cannot be read: " + s.key() + ": " + e.getMessage());
    }
  }

  // ---- The file form ----

  static Map<String, Pin> read(Path file) {
    Map<String, Pin> pins = new TreeMap<>();
    if (file == null || !Files.exists(file)) {
      return pins;
    }
    List<String> problems = new ArrayList<>();
    try {
      var doc = Documents.parse(Files.readString(file), file.toString(), Documents.Format.YAML);
      List<dev.agora.core.doc.DocumentProblem> found = new ArrayList<>();
      Fields root = Fields.of(doc, List.of(), doc.root(), found);
      Fields all = root.map("pins");
      for (String key : all.keys()) {
        Fields p = all.map(key);
        String digest = p.required("digest");
        Value definition = p.get("definition");
        p.rejectUnknown();
        if (digest != null) {
          pins.put(key, new Pin(digest, definition == null ? Value.NIL : definition));
        }
      }
      root.rejectUnknown();
      found.forEach(x -> problems.add(x.toString()));
    } catch (DocumentException e) {
      e.problems().forEach(x -> problems.add(x.toString()));
    } catch (IOException e) {
      problems.add(e.toString());
    }
    if (!problems.isEmpty()) {
      throw new TrustException("the pins in " + file + " cannot be read: " + problems.getFirst());
    }
    return pins;
  }

  static void save(Path file, Map<String, Pin> pins) {
    if (file == null) {
      return;
    }
    Dict.Builder out = Dict.builder();
    for (var e : new TreeMap<>(pins).entrySet()) {
      out.put(
          Value.of(e.getKey()),
          Dict.builder()
              .put("digest", Value.of(e.getValue().digest()))
              .put("definition", readable(e.getValue().definition()))
              .build());
    }
    try {
      String text =
          "# Pinned capability definitions (agora caps pin / approve); commit this file.\n"
              + "# A definition that no longer matches its pin is quarantined until approved.\n"
              + Documents.write(Dict.of(Value.keyword("pins"), out.build()), Documents.Format.YAML);
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".pins", ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pins to " + file, e);
    }
  }

  /**
   * A definition as the lock file keeps it: its JSON form, schemas written as RTFS types as their
   * text ({@link Manifests#asText}).
   */
  public static Value readable(Value definition) {
    Value v = definition instanceof Dict d ? Manifests.asText(d) : definition;
    return Json.parse(Json.write(v));
  }
}
