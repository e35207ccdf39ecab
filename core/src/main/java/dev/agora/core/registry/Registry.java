package dev.agora.core.registry;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Ids;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.EditDistance;
import dev.agora.rtfs.Value;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.semver4j.Semver;

/**
 * Every registered capability, by id and version.
 *
 * <p>Design: lookups are one {@link ConcurrentHashMap} read (no lock). Searches use three indexes —
 * the ids in order (for glob prefixes and namespaces), ids by effect, and ids by word (for text) —
 * and check each candidate against the whole query, so a search that races a change never returns a
 * capability that is gone. Changes take one lock, update the maps and indexes, and emit a lifecycle
 * event ({@code CapabilityRegistered}, {@code CapabilityUpdated}, {@code CapabilityRemoved}) to the
 * sink, outside the lock.
 *
 * <p>Versions: an id may have several; {@link #get(String)} gives the highest (semantic order),
 * {@link #get(String, String)} an exact one, {@link #resolve} the highest satisfying a range such
 * as {@code ^1.2} or {@code >=2.0.0 <3}.
 */
public final class Registry {

  /**
   * The versions of one id, highest first, and the words of the latest. Immutable: replaced as a
   * whole on change.
   */
  private record Versions(CapabilityManifest[] byVersionDesc, String[] words) {
    CapabilityManifest latest() {
      return byVersionDesc[0];
    }

    CapabilityManifest exact(String version) {
      for (CapabilityManifest m : byVersionDesc) {
        if (m.version().equals(version)) {
          return m;
        }
      }
      return null;
    }
  }

  private static final Comparator<CapabilityManifest> HIGHEST_FIRST =
      Comparator.comparing((CapabilityManifest m) -> Semver.parse(m.version())).reversed();

  private final Map<String, Versions> byId = new ConcurrentHashMap<>();
  private final NavigableMap<String, Boolean> sortedIds = new ConcurrentSkipListMap<>();
  private final Map<String, Set<String>> byEffect = new ConcurrentHashMap<>();

  /**
   * Ids by word. A word held by one id maps to that id's string; only from the second id on to a
   * set: most words of 100,000 ids (their last segments) are unique, and a set each cost 20 MB.
   */
  private final NavigableMap<String, Object> byWord = new ConcurrentSkipListMap<>();

  private final Object writeLock = new Object();
  private final EventSink sink;
  private final Clock clock;

  /**
   * Told of every registration (including unchanged ones) and removal, after the registry changed.
   */
  public interface Listener {
    void registered(CapabilityManifest manifest, Change change);

    void removed(CapabilityManifest manifest);

    Listener NONE =
        new Listener() {
          @Override
          public void registered(CapabilityManifest manifest, Change change) {}

          @Override
          public void removed(CapabilityManifest manifest) {}
        };
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Adds a listener: the marketplace's persistence, a gateway keeping its tool list current. */
  public void listen(Listener l) {
    listeners.add(l);
  }

  /** Every registration and removal, told to every listener. */
  private final Listener listener =
      new Listener() {
        @Override
        public void registered(CapabilityManifest manifest, Change change) {
          listeners.forEach(l -> l.registered(manifest, change));
        }

        @Override
        public void removed(CapabilityManifest manifest) {
          listeners.forEach(l -> l.removed(manifest));
        }
      };

  public Registry(EventSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  // ---- Admission ----

  /**
   * Why a manifest was not admitted, in one line; {@code quarantined}: it changed after pinning.
   */
  public record Refusal(String why, boolean quarantined, String kind) {

    /** A trust refusal ({@code Untrusted}) or, if {@code quarantined}, a quarantine. */
    public Refusal(String why, boolean quarantined) {
      this(why, quarantined, quarantined ? "Quarantined" : "Untrusted");
    }

    /** A refusal of an untrusted manifest (not a quarantine). */
    public static Refusal of(String why) {
      return new Refusal(why, false);
    }

    /**
     * A refusal of a manifest that policy requires more isolation of than its provider gives here
     * ({@code Isolation}).
     */
    public static Refusal isolation(String why) {
      return new Refusal(why, false, "Isolation");
    }
  }

  /** A manifest that was refused, and why: kept to say why, and to compare and approve. */
  public record Refused(CapabilityManifest manifest, Refusal refusal) {}

  /**
   * Decides whether a manifest may be registered: the node's trust policy (passports, pinning).
   * Asked at every registration and restore, and of everything registered on {@link #recheck}.
   */
  @FunctionalInterface
  public interface Admission {
    /** Why {@code m} (its provenance set) may not be registered; null if it may. */
    Refusal refusal(CapabilityManifest m);

    Admission ALL = m -> null;
  }

  private volatile Admission admission = Admission.ALL;

  /** Each refused id@version, while it stays refused. */
  private final NavigableMap<String, Refused> refused = new ConcurrentSkipListMap<>();

  /** Sets what decides admission from now on; see {@link #recheck} for what is registered. */
  public void admit(Admission a) {
    this.admission = a;
  }

  /** Why {@code id} at {@code version} was refused, or null if it was not (or is admitted now). */
  public String refusal(String id, String version) {
    Refused r = refused.get(id + "@" + version);
    return r == null ? null : r.refusal().why();
  }

  /** The refused versions of {@code id}, lowest key first; empty when none. */
  public List<Refused> refused(String id) {
    return List.copyOf(
        refused.subMap(id + "@", true, id + "@" + Character.MAX_VALUE, true).values());
  }

  /** Every refusal standing, by {@code id@version}, sorted. */
  public NavigableMap<String, Refused> refusals() {
    return new java.util.TreeMap<>(refused);
  }

  /**
   * Asks admission again about everything registered (after the trust policy changed, or as time
   * passes expiries): what it refuses now is removed and its refusal recorded. Returns how many.
   */
  public int recheck() {
    int n = 0;
    for (Versions v : byId.values()) {
      for (CapabilityManifest m : v.byVersionDesc()) {
        Refusal why = admission.refusal(m);
        if (why != null) {
          refuse(m, why);
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Asks admission again about everything refused — after a definition was approved, or pins were
   * reloaded — and registers what it admits now. Returns how many.
   */
  public int readmit() {
    int n = 0;
    for (Refused r : refused.values()) {
      CapabilityManifest m = r.manifest();
      if (admission.refusal(m) == null && register(m, m.provenance().source()) != Change.REFUSED) {
        n++;
      }
    }
    return n;
  }

  private static boolean sameDefinition(CapabilityManifest a, CapabilityManifest b) {
    return a.provenance() != null
        && b.provenance() != null
        && a.provenance().contentHash().equals(b.provenance().contentHash());
  }

  /** Removes {@code m}'s id and version if registered, and records why it was refused. */
  private void refuse(CapabilityManifest m, Refusal why) {
    remove(m.id(), m.version());
    Refused before = refused.put(m.id() + "@" + m.version(), new Refused(m, why));
    if (before != null && before.refusal().equals(why) && sameDefinition(before.manifest(), m)) {
      return; // refused again for the same reason (a rediscovery): recorded once
    }
    Event e =
        Event.of(
                EventIds.next(),
                why.quarantined() ? EventType.CapabilityQuarantined : EventType.CapabilityRefused,
                clock.instant(),
                null,
                null,
                null)
            .withCapability(m.id(), m.version())
            .withArguments(m.toValue())
            .withError(why.kind(), why.why(), java.time.Duration.ZERO);
    if (m.provenance() != null) {
      e = e.withMetadata(Dict.of(Value.keyword("source"), Value.of(m.provenance().source())));
    }
    sink.accept(e);
  }

  // ---- Lookup ----

  /** The highest version of {@code id}, or null. */
  public CapabilityManifest get(String id) {
    Versions v = byId.get(id);
    return v == null ? null : v.latest();
  }

  /** Exactly this version of {@code id}, or null. */
  public CapabilityManifest get(String id, String version) {
    Versions v = byId.get(id);
    return v == null ? null : v.exact(version);
  }

  /**
   * The highest version of {@code id} satisfying {@code range} (npm-style: {@code 1.2.3}, {@code
   * ^1.2}, {@code ~1.2.0}, {@code >=1 <2}), or null; a null range means the highest.
   */
  public CapabilityManifest resolve(String id, String range) {
    Versions v = byId.get(id);
    if (v == null || range == null) {
      return v == null ? null : v.latest();
    }
    for (CapabilityManifest m : v.byVersionDesc()) {
      if (Semver.parse(m.version()).satisfies(range)) {
        return m;
      }
    }
    return null;
  }

  /** Every version of {@code id}, highest first. */
  public List<CapabilityManifest> versions(String id) {
    Versions v = byId.get(id);
    return v == null ? List.of() : List.of(v.byVersionDesc());
  }

  /** Every version of every id, ids in order, highest version first. */
  public List<CapabilityManifest> all() {
    List<CapabilityManifest> out = new ArrayList<>();
    for (String id : sortedIds.keySet()) {
      out.addAll(versions(id));
    }
    return out;
  }

  /** The number of ids registered. */
  public int size() {
    return byId.size();
  }

  /**
   * Up to {@code max} registered ids close to {@code id}, closest first: for "did you mean" in
   * NotFound.
   */
  public List<String> suggest(String id, int max) {
    record Candidate(String id, int distance) {}
    int limit = Math.max(2, id.length() / 4) + 1;
    List<Candidate> found = new ArrayList<>();
    for (String candidate : candidates(id)) {
      int d = EditDistance.distance(id, candidate, limit);
      if (d < limit) {
        found.add(new Candidate(candidate, d));
      }
    }
    found.sort(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::id));
    return found.stream().limit(max).map(Candidate::id).toList();
  }

  /**
   * Ids worth comparing with a missing one: its namespace, and ids sharing its last word (bounded).
   */
  private Collection<String> candidates(String id) {
    Set<String> out = new TreeSet<>();
    String ns = Ids.namespace(id);
    for (String other : sortedIds.subMap(ns, true, ns + Character.MAX_VALUE, true).keySet()) {
      if (out.size() >= 2_000) {
        break;
      }
      out.add(other);
    }
    List<String> words = words(id);
    if (!words.isEmpty()) {
      Object sharing = byWord.get(words.get(words.size() - 1));
      if (sharing != null) {
        postingIds(sharing).stream().limit(2_000).forEach(out::add);
      }
    }
    return out;
  }

  // ---- Search ----

  /**
   * The capabilities matching every criterion of {@code q}, highest versions, in id order, at most
   * {@code q.limit()}. Plan: take the narrowest slice an index gives — ids in order (glob prefix,
   * namespace) or an unordered set (ids with an effect, ids with a word) — and check each candidate
   * against the whole query. An ordered slice stops at the limit; an unordered one keeps the {@code
   * limit} smallest ids seen.
   */
  public List<CapabilityManifest> search(Query q) {
    List<String> textWords = q.text() == null ? List.of() : words(q.text());
    NavigableMap<String, Boolean> ordered = orderedSlice(q);
    List<Collection<String>> unordered = unorderedSlice(q, textWords);
    long unorderedSize =
        unordered == null ? Long.MAX_VALUE : unordered.stream().mapToLong(Collection::size).sum();
    if (unordered != null && unorderedSize * 8 < ordered.size()) {
      return topByIdFrom(unordered, q, textWords);
    }
    List<CapabilityManifest> out = new ArrayList<>();
    for (String id : ordered.keySet()) {
      if (out.size() >= q.limit()) {
        break;
      }
      Versions v = byId.get(id);
      if (v != null && matches(v, q, textWords)) {
        out.add(v.latest());
      }
    }
    return out;
  }

  /**
   * The ids in order that every match lies in: under the glob's literal prefix and the namespace.
   */
  private NavigableMap<String, Boolean> orderedSlice(Query q) {
    NavigableMap<String, Boolean> slice = sortedIds;
    if (q.glob() != null && !q.glob().literalPrefix().isEmpty()) {
      slice = prefixed(slice, q.glob().literalPrefix());
    }
    if (q.namespace() != null && !q.namespace().isEmpty()) {
      NavigableMap<String, Boolean> ns = prefixed(sortedIds, q.namespace());
      slice = ns.size() < slice.size() ? ns : slice;
    }
    return slice;
  }

  private static NavigableMap<String, Boolean> prefixed(
      NavigableMap<String, Boolean> map, String prefix) {
    return map.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
  }

  /**
   * The smallest unordered index slice (the ids with the effect, or with one text word), or null.
   */
  private List<Collection<String>> unorderedSlice(Query q, List<String> textWords) {
    List<Collection<String>> best = null;
    long bestSize = Long.MAX_VALUE;
    if (q.effect() != null) {
      best = List.of(byEffect.getOrDefault(effectKey(q.effect()), Set.of()));
      bestSize = best.get(0).size();
    }
    for (String w : textWords) {
      List<Collection<String>> postings = new ArrayList<>();
      for (Object ids : byWord.subMap(w, true, w + Character.MAX_VALUE, true).values()) {
        postings.add(postingIds(ids));
      }
      long size = postings.stream().mapToLong(Collection::size).sum();
      if (size < bestSize) {
        best = postings;
        bestSize = size;
      }
    }
    return best;
  }

  /**
   * Checks every candidate, keeping the {@code limit} smallest ids (a bounded max-heap), then sorts
   * them.
   */
  private List<CapabilityManifest> topByIdFrom(
      List<Collection<String>> slices, Query q, List<String> textWords) {
    PriorityQueue<String> top = new PriorityQueue<>(Comparator.reverseOrder());
    Set<String> seen = slices.size() > 1 ? new HashSet<>() : null;
    for (Collection<String> slice : slices) {
      for (String id : slice) {
        if ((seen != null && !seen.add(id))
            || (top.size() >= q.limit() && id.compareTo(top.peek()) >= 0)) {
          continue;
        }
        Versions v = byId.get(id);
        if (v != null && matches(v, q, textWords)) {
          top.add(id);
          if (top.size() > q.limit()) {
            top.poll();
          }
        }
      }
    }
    List<CapabilityManifest> out = new ArrayList<>(top.size());
    for (String id : top) {
      Versions v = byId.get(id);
      if (v != null) {
        out.add(v.latest());
      }
    }
    out.sort(Comparator.comparing(CapabilityManifest::id));
    return out;
  }

  private static boolean matches(Versions v, Query q, List<String> textWords) {
    CapabilityManifest m = v.latest();
    if (q.glob() != null && !q.glob().matches(m.id())) {
      return false;
    }
    if (q.namespace() != null && !Ids.inNamespace(m.id(), q.namespace())) {
      return false;
    }
    if (q.effect() != null && !hasEffect(m, q.effect())) {
      return false;
    }
    for (String w : textWords) {
      if (!hasWordStartingWith(v.words(), w)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasWordStartingWith(String[] words, String prefix) {
    for (String word : words) {
      if (word.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasEffect(CapabilityManifest m, String effect) {
    String e = Ids.effect(effect);
    return e.equals(CapabilityManifest.PURE) ? m.isPure() : m.effects().contains(e);
  }

  // ---- Changes ----

  /** What a registration did. */
  public enum Change {
    REGISTERED,
    UPDATED,
    UNCHANGED,
    /** Refused by the node's trust policy (see {@link #refusal}); not registered. */
    REFUSED
  }

  /**
   * Registers a manifest from {@code source}: a new id or version is {@code REGISTERED}; the same
   * id and version with different content {@code UPDATED}; identical content {@code UNCHANGED} (no
   * event). The registry sets the provenance (source, content hash, time; an origin the manifest
   * came with is kept). A manifest {@linkplain Admission admission} refuses is {@code REFUSED}: the
   * refusal is recorded, and what was registered under its id and version is removed — nothing
   * refused stays callable.
   */
  public Change register(CapabilityManifest manifest, String source) {
    String hash = Manifests.contentHash(manifest);
    Provenance given = manifest.provenance();
    CapabilityManifest stored =
        manifest.withProvenance(
            new Provenance(
                source, hash, clock.instant(), given == null ? Dict.EMPTY : given.origin()));
    Refusal why = admission.refusal(stored);
    if (why != null) {
      refuse(stored, why);
      return Change.REFUSED;
    }
    refused.remove(manifest.id() + "@" + manifest.version());
    CapabilityManifest previous;
    CapabilityManifest unchanged;
    synchronized (writeLock) {
      Versions old = byId.get(manifest.id());
      previous = old == null ? null : old.exact(manifest.version());
      if (previous != null
          && previous.provenance() != null
          && previous.provenance().contentHash().equals(hash)) {
        unchanged = withOrigin(previous, stored.provenance().origin());
        if (unchanged != previous) { // restored from the store, now seen again where it came from
          putVersion(old, unchanged);
        }
      } else {
        unchanged = null;
        putVersion(old, stored);
      }
    }
    if (unchanged != null) {
      listener.registered(unchanged, Change.UNCHANGED);
      return Change.UNCHANGED;
    }
    emit(
        previous == null ? EventType.CapabilityRegistered : EventType.CapabilityUpdated,
        stored,
        previous);
    Change change = previous == null ? Change.REGISTERED : Change.UPDATED;
    listener.registered(stored, change);
    return change;
  }

  private static CapabilityManifest withOrigin(CapabilityManifest m, Dict origin) {
    Provenance p = m.provenance();
    return origin.isEmpty() || origin.equals(p.origin())
        ? m
        : m.withProvenance(new Provenance(p.source(), p.contentHash(), p.registeredAt(), origin));
  }

  /**
   * Puts back a manifest as it was stored — provenance and all — without an event: how a restart
   * restores the registry before discovery reconciles it. Replaces the same id and version.
   */
  public void restore(CapabilityManifest manifest) {
    Refusal why = admission.refusal(manifest);
    if (why != null) {
      refuse(manifest, why);
      return;
    }
    synchronized (writeLock) {
      putVersion(byId.get(manifest.id()), manifest);
    }
  }

  /** Adds or replaces one version (under the write lock). */
  private void putVersion(Versions old, CapabilityManifest m) {
    Versions now = withVersion(old, m);
    byId.put(m.id(), now);
    sortedIds.put(m.id(), Boolean.TRUE);
    reindex(old == null ? null : old.latest(), now.latest());
  }

  /** Removes every version of {@code id}; false if there was none. */
  public boolean remove(String id) {
    Versions old;
    synchronized (writeLock) {
      old = byId.remove(id);
      if (old == null) {
        return false;
      }
      sortedIds.remove(id);
      reindex(old.latest(), null);
    }
    for (CapabilityManifest m : old.byVersionDesc()) {
      emit(EventType.CapabilityRemoved, m, null);
      listener.removed(m);
    }
    return true;
  }

  /** Removes one version of {@code id}; false if it was not there. */
  public boolean remove(String id, String version) {
    CapabilityManifest gone;
    synchronized (writeLock) {
      Versions old = byId.get(id);
      gone = old == null ? null : old.exact(version);
      if (gone == null) {
        return false;
      }
      CapabilityManifest[] rest =
          Arrays.stream(old.byVersionDesc())
              .filter(m -> m != gone)
              .toArray(CapabilityManifest[]::new);
      if (rest.length == 0) {
        byId.remove(id);
        sortedIds.remove(id);
      } else {
        byId.put(id, new Versions(rest, wordArray(rest[0])));
      }
      reindex(old.latest(), rest.length == 0 ? null : rest[0]);
    }
    emit(EventType.CapabilityRemoved, gone, null);
    listener.removed(gone);
    return true;
  }

  private static Versions withVersion(Versions old, CapabilityManifest m) {
    List<CapabilityManifest> all = new ArrayList<>();
    if (old != null) {
      for (CapabilityManifest existing : old.byVersionDesc()) {
        if (!existing.version().equals(m.version())) {
          all.add(existing);
        }
      }
    }
    all.add(m);
    all.sort(HIGHEST_FIRST);
    return new Versions(all.toArray(CapabilityManifest[]::new), wordArray(all.get(0)));
  }

  private void emit(EventType type, CapabilityManifest m, CapabilityManifest previous) {
    Event e =
        Event.of(EventIds.next(), type, clock.instant(), null, null, null)
            .withCapability(m.id(), m.version())
            .withArguments(m.toValue());
    if (previous != null) {
      e =
          e.withMetadata(
              Dict.of(
                  Value.keyword("previous_hash"),
                  Value.of(previous.provenance().contentHash()),
                  Value.keyword("source"),
                  Value.of(m.provenance().source())));
    } else if (m.provenance() != null) {
      e = e.withMetadata(Dict.of(Value.keyword("source"), Value.of(m.provenance().source())));
    }
    sink.accept(e);
  }

  // ---- Indexes (under the write lock): they describe each id's latest version ----

  private void reindex(CapabilityManifest before, CapabilityManifest after) {
    if (before == after) {
      return;
    }
    if (before != null) {
      unindex(before);
    }
    if (after != null) {
      index(after);
    }
  }

  private void index(CapabilityManifest m) {
    for (String e : effectKeys(m)) {
      byEffect.computeIfAbsent(e, k -> ConcurrentHashMap.newKeySet()).add(m.id());
    }
    for (String w : manifestWords(m)) {
      Object ids = byWord.get(w);
      if (ids == null) {
        byWord.put(w, m.id());
      } else if (ids instanceof String one && !one.equals(m.id())) {
        Set<String> set = ConcurrentHashMap.newKeySet();
        set.add(one);
        set.add(m.id());
        byWord.put(w, set);
      } else if (ids instanceof Set<?>) {
        postingSet(ids).add(m.id());
      }
    }
  }

  /**
   * The words of an id, name and description, lower case, deduplicated, each the index's own
   * string.
   */
  private void unindex(CapabilityManifest m) {
    for (String e : effectKeys(m)) {
      removeFrom(byEffect, e, m.id());
    }
    for (String w : manifestWords(m)) {
      Object ids = byWord.get(w);
      if (ids instanceof String one && one.equals(m.id())) {
        byWord.remove(w);
      } else if (ids instanceof Set<?>) {
        Set<String> set = postingSet(ids);
        set.remove(m.id());
        if (set.size() == 1) {
          byWord.put(w, set.iterator().next());
        }
      }
    }
  }

  /**
   * Entries in the effect and word indexes, counted: lets tests check that removals leave nothing
   * behind.
   */
  long indexEntries() {
    long n = 0;
    for (Set<String> ids : byEffect.values()) {
      n += ids.size();
    }
    for (Object ids : byWord.values()) {
      n += postingIds(ids).size();
    }
    return n;
  }

  /** The ids a word maps to, as a collection. */
  private static Collection<String> postingIds(Object ids) {
    return ids instanceof String one ? List.of(one) : postingSet(ids);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> postingSet(Object ids) {
    return (Set<String>) ids;
  }

  private static void removeFrom(Map<String, Set<String>> index, String key, String id) {
    Set<String> ids = index.get(key);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        index.remove(key);
      }
    }
  }

  private static List<String> effectKeys(CapabilityManifest m) {
    return m.isPure() ? List.of(CapabilityManifest.PURE) : List.copyOf(m.effects());
  }

  private static String effectKey(String effect) {
    return Ids.effect(effect);
  }

  /**
   * The words kept with an id for text search, interned: a vocabulary is small next to the number
   * of capabilities, so 100,000 manifests share a few thousand strings instead of owning copies.
   */
  private static String[] wordArray(CapabilityManifest m) {
    return manifestWords(m).stream().map(String::intern).toArray(String[]::new);
  }

  /** The words of an id, name and description, lower case, deduplicated. */
  static List<String> manifestWords(CapabilityManifest m) {
    Set<String> out = new TreeSet<>(words(m.id()));
    out.addAll(words(m.name()));
    out.addAll(words(m.description()));
    return List.copyOf(out);
  }

  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}
