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
import java.util.List;
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
      CapabilityManifest m;
      try {
        Manifests.LoadResult r =
            Manifests.parse(
                Documents.parse(
                    s.manifest(), "stored " + s.id() + " " + s.version(), Documents.Format.RTFS));
        if (r.manifests().size() != 1) {
          log.accept(
              "warning: stored manifest "
                  + s.id()
                  + " "
                  + s.version()
                  + " is unreadable and was skipped: "
                  + r.problems());
          continue;
        }
        m = r.manifests().getFirst();
      } catch (DocumentException e) {
        log.accept(
            "warning: stored manifest "
                + s.id()
                + " "
                + s.version()
                + " is unreadable and was skipped: "
                + e.getMessage());
        continue;
      }
      registry.restore(
          m.withProvenance(new Provenance(s.source(), Manifests.contentHash(m), s.registeredAt())));
      restored.add(s);
    }
    return restored.size();
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
