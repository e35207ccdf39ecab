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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /** The runtime registrations this node knows to be stored (guarded by this mirror). */
  private final Set<String> known = new HashSet<>();

  /** The store's fingerprint at the last look (guarded by this mirror). */
  private String fingerprint;

  /**
   * Whether this mirror is taking in other nodes' changes (on the thread holding its lock): then
   * what the registry does is theirs, already stored, and is not written back.
   */
  private boolean following;

  /**
   * Runs {@code follow} soon after another node changes the store, until closed; null when the
   * store cannot tell ({@link RegistryStore#changes}).
   */
  public AutoCloseable onChange(Runnable follow) {
    return store.changes(follow, log);
  }

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
      synchronized (this) {
        if (following) {
          return;
        }
        Provenance p = m.provenance();
        store.put(
            new RegistryStore.Stored(
                m.id(), m.version(), p.source(), Printer.print(m.toValue()), p.registeredAt()));
        if (runtime(m)) {
          known.add(key(m.id(), m.version()));
        }
        fingerprint = null; // this node's own change: the next look reads the store whole
      }
    }
  }

  @Override
  public synchronized void removed(CapabilityManifest m) {
    if (following) {
      return;
    }
    store.remove(m.id(), m.version());
    known.remove(key(m.id(), m.version()));
    // another node may undo this change before the next look, leaving the fingerprint as it was
    fingerprint = null;
  }

  private static boolean runtime(CapabilityManifest m) {
    return m.provenance() != null
        && m.provenance().source() != null
        && m.provenance().source().startsWith(RUNTIME);
  }

  /**
   * Runs {@code change} — a runtime registration or removal — so that it and its write to the store
   * happen together with respect to {@link #follow}: a look at the store never sees the registry
   * changed but the store not yet.
   */
  public synchronized <T> T exclusive(Supplier<T> change) {
    return change.get();
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
        if (s.source().startsWith(RUNTIME)) {
          synchronized (this) {
            known.add(key(s.id(), s.version()));
          }
        }
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
   * Takes in the runtime registrations and removals other nodes on the store made (issue 18):
   * registers those stored but missing here (or stored with other content), and removes here those
   * this node knew to be stored and that are gone now. What it does here is not written back to the
   * store (it is the other nodes', already stored), and a definition this node refuses (its own
   * pins) is refused here only. Does nothing while the store's {@linkplain
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
    following = true;
    try {
      for (RegistryStore.Stored s : stored.values()) {
        CapabilityManifest here = registry.get(s.id(), s.version());
        if (here != null && Objects.equals(here.provenance().registeredAt(), s.registeredAt())) {
          continue; // the very registration stored: nothing to parse
        }
        CapabilityManifest there = read(s);
        if (there != null
            && (here == null
                || !there.provenance().contentHash().equals(here.provenance().contentHash()))) {
          registry.register(there, s.source());
          changed++;
        }
      }
      for (String gone : known) {
        if (!stored.containsKey(gone)) {
          int at = gone.lastIndexOf('@');
          CapabilityManifest here = registry.get(gone.substring(0, at), gone.substring(at + 1));
          if (here != null && runtime(here)) {
            registry.remove(here.id(), here.version());
            changed++;
          }
        }
      }
    } finally {
      following = false;
    }
    known.clear();
    known.addAll(stored.keySet());
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
