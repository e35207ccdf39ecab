package dev.agora.core.store;

import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.RegistryStore;
import dev.agora.rtfs.Printer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Keeps a {@link RegistryStore} in step with the registry, so a restart has what the node knew.
 *
 * <p>At start-up the stored manifests are {@linkplain #restore restored} without events; the
 * built-ins and discovery then register again, which for unchanged manifests is silent, so a
 * restart does not flood the Causal Chain with registrations. Finally {@link #reconcile} removes
 * what no source offers any more; manifests registered at runtime ({@code runtime:} sources) stay
 * until they are removed.
 */
public final class RegistryMirror implements Registry.Listener {

  private final RegistryStore store;
  private final Consumer<String> log;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final List<RegistryStore.Stored> restored = new ArrayList<>();
  private Set<String> followed = Set.of();
  private String fingerprint;

  public RegistryMirror(RegistryStore store, Consumer<String> log) {
    this.store = store;
    this.log = log;
  }

  private static String key(String id, String version) {
    return id + "@" + version;
  }

  @Override
  public void registered(CapabilityManifest m, Registry.Change change) {
    seen.add(key(m.id(), m.version()));
    if (change != Registry.Change.UNCHANGED) {
      Provenance p = m.provenance();
      store.put(
          new RegistryStore.Stored(
              m.id(), m.version(), p.source(), Printer.print(m.toValue()), p.registeredAt()));
    }
  }

  @Override
  public void removed(CapabilityManifest m) {
    store.remove(m.id(), m.version());
  }

  /**
   * Puts every stored manifest back into {@code registry}; an unreadable one is reported and left
   * alone.
   */
  public int restore(Registry registry) {
    for (RegistryStore.Stored s : store.all()) {
      CapabilityManifest m = read(s);
      if (m != null) {
        registry.restore(m);
        restored.add(s);
      }
    }
    return restored.size();
  }

  /** {@code s} as a manifest with its stored provenance, or null (reported) if unreadable. */
  private CapabilityManifest read(RegistryStore.Stored s) {
    try {
      Manifests.LoadResult r =
          Manifests.parse(
              Documents.parse(
                  s.manifest(), "stored " + s.id() + " " + s.version(), Documents.Format.RTFS));
      if (r.manifests().size() != 1) {
        return unreadable(s, String.valueOf(r.problems()));
      }
      CapabilityManifest m = r.manifests().getFirst();
      return m.withProvenance(
          new Provenance(s.source(), Manifests.contentHash(m), s.registeredAt()));
    } catch (DocumentException e) {
      return unreadable(s, e.getMessage());
    }
  }

  private CapabilityManifest unreadable(RegistryStore.Stored s, String why) {
    log.accept(
        "warning: stored manifest "
            + s.id()
            + " "
            + s.version()
            + " is unreadable and was skipped: "
            + why);
    return null;
  }

  /**
   * Follows the runtime registrations other nodes on the store made since the last look (issue 18):
   * registers those stored but missing here (or stored with other content), and removes here those
   * that were stored at the last look and are gone now. Does nothing while the store's {@linkplain
   * RegistryStore#fingerprint fingerprint} is unchanged. Returns how many changed.
   */
  public synchronized int follow(Registry registry) {
    String now = store.fingerprint();
    if (now == null || now.equals(fingerprint)) {
      return 0;
    }
    Map<String, RegistryStore.Stored> stored = new LinkedHashMap<>();
    for (RegistryStore.Stored s : store.all()) {
      if (s.source().startsWith(RUNTIME)) {
        stored.put(key(s.id(), s.version()), s);
      }
    }
    int changed = 0;
    for (RegistryStore.Stored s : stored.values()) {
      CapabilityManifest here = registry.get(s.id(), s.version());
      CapabilityManifest there = read(s);
      if (there != null
          && (here == null
              || !there.provenance().contentHash().equals(here.provenance().contentHash()))) {
        registry.register(there, s.source());
        changed++;
      }
    }
    for (String gone : followed) {
      if (!stored.containsKey(gone)) {
        int at = gone.lastIndexOf('@');
        CapabilityManifest here = registry.get(gone.substring(0, at), gone.substring(at + 1));
        if (here != null && here.provenance().source().startsWith(RUNTIME)) {
          registry.remove(here.id(), here.version());
          changed++;
        }
      }
    }
    followed = stored.keySet();
    fingerprint = now;
    return changed;
  }

  /**
   * Removes what was restored but not registered again in this run — a manifest file deleted, a
   * source dropped from the configuration — except runtime registrations (source {@code
   * runtime:…}), which stay until removed, and manifests of sources that failed this run, which
   * keep what they had. Returns how many were removed.
   */
  public int reconcile(Registry registry, Set<String> failedSources) {
    int removed = 0;
    for (RegistryStore.Stored s : restored) {
      boolean kept = s.source().startsWith(RUNTIME) || failedSources.contains(s.source());
      if (!kept && !seen.contains(key(s.id(), s.version()))) {
        registry.remove(s.id(), s.version());
        removed++;
      }
    }
    restored.clear();
    return removed;
  }

  /** The source prefix of runtime registrations. */
  public static final String RUNTIME = "runtime:";
}
