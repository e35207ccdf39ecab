package dev.agora.core.discovery;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.DiscoverySource;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A directory of manifest files ({@code .json .yaml .yml .rtfs}, subdirectories included). With
 * {@code watch}, added, changed and removed files update the registry while Agora runs (within
 * about {@value #QUIET_MS} ms of the last write): the source remembers which capabilities each file
 * gave, so a changed file adds, updates and removes exactly its own. A bad file is reported and the
 * others still load; a file that turns bad keeps what it gave until it reads again.
 *
 * <p>Two rules since issue 12. A link is followed only to a file inside the directory (real paths
 * compared): a link out — to /etc/shadow, an .env file, an SSH key — is a problem naming the link,
 * and nothing of its target is read. And one id and version comes from one manifest: a second file
 * (or entry) giving the same is refused, naming the file that has it; the first keeps it.
 */
public final class FileSource implements DiscoverySource {

  /** How long the directory must be quiet before changed files are read. */
  static final long QUIET_MS = 100;

  private final String name;
  private final Path dir;
  private final boolean watching;

  /** The (id, version) pairs each file gave last time it was read. */
  private final Map<Path, List<CapabilityManifest>> byFile = new HashMap<>();

  /** Which file gives each {@code id@version}. */
  private final Map<String, Path> owners = new HashMap<>();

  private WatchService watcher;
  private Thread watchThread;

  public FileSource(String name, Path dir, boolean watch) {
    this.name = name;
    this.dir = dir;
    this.watching = watch;
  }

  @Override
  public String name() {
    return name;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public synchronized Found discover() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("manifest directory " + dir + " does not exist");
    }
    List<CapabilityManifest> all = new ArrayList<>();
    List<DocumentProblem> problems = new ArrayList<>();
    byFile.clear();
    owners.clear();
    for (Path f : files()) {
      Manifests.LoadResult r = read(f);
      problems.addAll(r.problems());
      List<CapabilityManifest> kept = claim(f, r.manifests(), problems::add);
      byFile.put(f, kept);
      all.addAll(kept);
    }
    return new Found(all, problems);
  }

  @Override
  public Health health() {
    return Files.isDirectory(dir) ? Health.UP : new Health(false, dir + " does not exist");
  }

  @Override
  public synchronized void watch(Changes changes) {
    if (!watching || watchThread != null) {
      return;
    }
    try {
      watcher = FileSystems.getDefault().newWatchService();
      try (Stream<Path> dirs = Files.walk(dir)) {
        for (Path d : dirs.filter(Files::isDirectory).toList()) {
          register(d);
        }
      }
    } catch (IOException e) {
      changes.problem(
          this, new DocumentProblem(dir.toString(), 0, "", "cannot watch: " + e.getMessage()));
      return;
    }
    watchThread = Thread.ofVirtual().name("agora-watch-" + name).start(() -> loop(changes));
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // closing a watch service we own; nothing to do about a failure
      }
    }
  }

  // ---- Watching ----

  private void register(Path d) throws IOException {
    d.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
  }

  /**
   * Waits for changes; after the first event, keeps collecting until the directory has been quiet
   * for {@link #QUIET_MS}, then reloads each touched file once. Writers truncate before they write,
   * so reacting to the first event would read an empty file and drop its capabilities for a moment.
   */
  private void loop(Changes changes) {
    try {
      while (true) {
        Set<Path> touched = new LinkedHashSet<>();
        boolean rescan = collect(watcher.take(), touched);
        WatchKey more;
        while ((more = watcher.poll(QUIET_MS, TimeUnit.MILLISECONDS)) != null) {
          rescan |= collect(more, touched);
        }
        if (rescan) {
          rescan(changes);
        } else {
          for (Path p : touched) {
            reload(p, changes);
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: stop watching
    } catch (IOException e) {
      changes.problem(
          this, new DocumentProblem(dir.toString(), 0, "", "watching stopped: " + e.getMessage()));
    }
  }

  /** Adds the manifest files an event names; true if the whole directory must be rescanned. */
  private boolean collect(WatchKey key, Set<Path> touched) throws IOException {
    boolean rescan = false;
    Path base = (Path) key.watchable();
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        rescan = true;
        continue;
      }
      Path p = base.resolve((Path) event.context());
      if (Files.isDirectory(p) && event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
        register(p);
        rescan = true;
      } else if (Documents.formatOf(p) != null) {
        touched.add(p);
      }
    }
    key.reset();
    return rescan;
  }

  /** Re-reads one file and reports what it added, changed and dropped. */
  private synchronized void reload(Path file, Changes changes) {
    List<CapabilityManifest> before = byFile.getOrDefault(file, List.of());
    List<CapabilityManifest> after = List.of();
    if (Files.exists(file)) {
      Manifests.LoadResult r = read(file);
      r.problems().forEach(p -> changes.problem(this, p));
      if (!r.problems().isEmpty() && r.manifests().isEmpty() && !before.isEmpty()) {
        return; // a half-written or broken file: keep what it gave before until it reads again
      }
      owners.values().removeIf(file::equals);
      after = claim(file, r.manifests(), p -> changes.problem(this, p));
    } else {
      owners.values().removeIf(file::equals);
    }
    byFile.put(file, after);
    for (CapabilityManifest m : after) {
      changes.upsert(this, m);
    }
    for (CapabilityManifest old : before) {
      if (after.stream()
          .noneMatch(m -> m.id().equals(old.id()) && m.version().equals(old.version()))) {
        changes.remove(this, old.id(), old.version());
      }
    }
    if (after.isEmpty()) {
      byFile.remove(file);
    }
  }

  private synchronized void rescan(Changes changes) throws IOException {
    List<Path> now = files();
    for (Path f : now) {
      reload(f, changes);
    }
    for (Path gone : new ArrayList<>(byFile.keySet())) {
      if (!now.contains(gone)) {
        reload(gone, changes);
      }
    }
  }

  // ---- Reading ----

  /**
   * The manifest files, sorted. A link to a file that is itself one of them is left out: the file
   * is read once, under its own name, and does not clash with itself.
   */
  private List<Path> files() throws IOException {
    List<Path> found;
    try (Stream<Path> s = Files.walk(dir)) {
      found =
          s.filter(Files::isRegularFile)
              .filter(p -> Documents.formatOf(p) != null)
              .sorted()
              .toList();
    }
    Set<Path> plain = new HashSet<>();
    for (Path p : found) {
      if (!Files.isSymbolicLink(p)) {
        plain.add(p.toRealPath());
      }
    }
    List<Path> out = new ArrayList<>();
    for (Path p : found) {
      if (!Files.isSymbolicLink(p) || !plain.contains(realOrSelf(p))) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Loads a file — unless its real path is outside the directory (issue 12): then it is one problem
   * naming the file as found, and nothing of the target is read, named or quoted. A link is read
   * through the real path that was checked, so the file checked is the file loaded (a directory on
   * the way swapped for a link in between is not caught: that needs openat, which Java lacks).
   */
  Manifests.LoadResult read(Path file) {
    Path real;
    try {
      real = file.toRealPath();
      if (real.startsWith(dir.toRealPath())) {
        return Manifests.load(file, real); // named as found, read where it was checked
      }
    } catch (IOException e) { // gone meanwhile, or a link that leads nowhere
      return refused(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return refused(
        file,
        "a link to a file outside the manifest directory; not read (a link may only point inside"
            + " it)");
  }

  private static Manifests.LoadResult refused(Path file, String why) {
    return new Manifests.LoadResult(
        List.of(), List.of(new DocumentProblem(file.toString(), 0, "", why)));
  }

  private static Path realOrSelf(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  /**
   * The manifests of {@code file} that no other file gives; each one another file already gives is
   * a problem naming that file (issue 12: the second no longer silently wins).
   */
  private List<CapabilityManifest> claim(
      Path file, List<CapabilityManifest> found, Consumer<DocumentProblem> problems) {
    List<CapabilityManifest> kept = new ArrayList<>();
    for (CapabilityManifest m : found) {
      Path owner = owners.putIfAbsent(m.id() + "@" + m.version(), file);
      if (owner == null || owner.equals(file)) {
        kept.add(m);
      } else {
        problems.accept(
            new DocumentProblem(
                file.toString(),
                0,
                "",
                "capability '"
                    + m.id()
                    + "' version "
                    + m.version()
                    + " is already defined in "
                    + owner
                    + "; refused here (one manifest per id and version)"));
      }
    }
    return kept;
  }
}
