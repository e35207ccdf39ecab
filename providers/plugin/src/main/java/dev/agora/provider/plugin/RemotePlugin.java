package dev.agora.provider.plugin;

import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plugin run out of process: a child JVM ({@link PluginHost}) loads the JAR and runs its code;
 * this side starts it with the command given (already wrapped, e.g. by a sandbox), reads what the
 * plugin contributes from its first line, and sends each call as a JSON line. A plugin that exits,
 * crashes or runs out of memory takes only its child down: calls in flight fail with a
 * ProviderError, later ones are refused until the JAR is replaced. At the deadline the call is
 * cancelled in the child (its thread interrupted).
 */
final class RemotePlugin implements Plugin {

  /** How long a child may take to load its plugin and announce it. */
  static final Duration START = Duration.ofSeconds(60);

  private final Path jar;
  private final String sha256;
  private final Process process;
  private final OutputStream stdin;
  private final String label;
  private final List<CapabilityManifest> manifests;
  private final Set<String> keys;
  private final IsolationLevel isolation;
  private List<String> declined = List.of();
  private final Map<Long, CompletableFuture<Dict>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean retired;
  private volatile String exited;

  private RemotePlugin(
      Path jar,
      String sha256,
      Process process,
      String label,
      List<CapabilityManifest> manifests,
      IsolationLevel isolation) {
    this.jar = jar;
    this.isolation = isolation;
    this.sha256 = sha256;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.label = label;
    this.manifests = List.copyOf(manifests);
    Set<String> k = new LinkedHashSet<>();
    manifests.forEach(m -> k.add(LoadedPlugin.key(m)));
    this.keys = Set.copyOf(k);
  }

  /** Starts {@code command} (a {@link PluginHost} for {@code jar}) and reads its announcement. */
  static RemotePlugin start(Path jar, String sha256, List<String> command) throws PluginException {
    return start(jar, sha256, new PluginHosts.Launch(command, null, IsolationLevel.IN_PROCESS));
  }

  /**
   * Starts the host {@code launch} says (with exactly its environment when it gives one) and reads
   * its announcement.
   */
  static RemotePlugin start(Path jar, String sha256, PluginHosts.Launch launch)
      throws PluginException {
    Process process;
    try {
      ProcessBuilder b =
          new ProcessBuilder(launch.command()).redirectError(ProcessBuilder.Redirect.INHERIT);
      if (launch.env() != null) {
        b.environment().clear();
        b.environment().putAll(launch.env());
      }
      process = b.start();
    } catch (IOException e) {
      throw new PluginException("its plugin host cannot start: " + e.getMessage(), e);
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    try {
      CompletableFuture<String> first = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> first.complete(readLine(out)));
      String line = first.get(START.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new PluginException("its plugin host exited before announcing the plugin");
      }
      Dict hello = (Dict) Json.parse(line);
      if (hello.get("error") instanceof Value.Str why) {
        throw new PluginException(why.value());
      }
      String id = ((Value.Str) hello.get("plugin")).value();
      String version = ((Value.Str) hello.get("version")).value();
      Dict origin =
          LoadedPlugin.origin(jar, sha256, id, version)
              .put("host", Value.of("process"))
              .put("isolation", Value.of(launch.level().label()))
              .build();
      List<CapabilityManifest> manifests = new ArrayList<>();
      for (Value text : ((Vec) hello.get("manifests")).items()) {
        Manifests.LoadResult r =
            Manifests.parse(
                Documents.parse(((Value.Str) text).value(), "plugin " + id, Documents.Format.RTFS));
        r.manifests().forEach(m -> manifests.add(m.withProvenance(Provenance.origin(origin))));
      }
      RemotePlugin p =
          new RemotePlugin(jar, sha256, process, id + " " + version, manifests, launch.level());
      if (hello.get("providers") instanceof Vec types) {
        p.declined = types.items().stream().map(t -> ((Value.Str) t).value()).toList();
      }
      Thread.ofVirtual().name("agora-plugin-host-" + id).start(() -> p.follow(out));
      return p;
    } catch (PluginException e) {
      process.destroyForcibly();
      throw e;
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      process.destroyForcibly();
      throw new PluginException("its plugin host did not announce the plugin: " + e, e);
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** Hands each answer to the call waiting for it; when the child ends, fails the rest. */
  private void follow(BufferedReader out) {
    for (String line = readLine(out); line != null; line = readLine(out)) {
      Dict answer = (Dict) Json.parse(line);
      CompletableFuture<Dict> f = pending.remove(((Value.Int) answer.get("id")).value());
      if (f != null) {
        f.complete(answer);
      }
    }
    exited = "plugin " + label + "'s host exited";
    pending.values().forEach(f -> f.completeExceptionally(new IOException(exited)));
  }

  @Override
  public Path jar() {
    return jar;
  }

  @Override
  public String sha256() {
    return sha256;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public List<CapabilityManifest> manifests() {
    return manifests;
  }

  @Override
  public Set<String> keys() {
    return keys;
  }

  /** The provider types the plugin adds, which cannot run out of process. */
  List<String> declinedTypes() {
    return declined;
  }

  @Override
  public IsolationLevel isolation() {
    return isolation;
  }

  /** The child process (for tests). */
  Process process() {
    return process;
  }

  @Override
  public Value call(String key, CapabilityManifest m, Value input, CallContext call)
      throws Exception {
    inFlight.incrementAndGet();
    long id = ids.incrementAndGet();
    CompletableFuture<Dict> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      if (exited != null) {
        throw new AgoraError.ProviderError(m.id(), exited, null);
      }
      send(
          Dict.builder()
              .put("id", Value.of(id))
              .put("capability", Value.of(key))
              .put("input", Value.of(Printer.print(input)))
              .put("timeout_ms", Value.of(Math.max(1, call.remaining().toMillis())))
              .build());
      Dict a;
      try {
        a = answer.get();
      } catch (InterruptedException e) { // the deadline: stop it in the child too
        send(Dict.builder().put("cancel", Value.of(id)).build());
        throw e;
      } catch (ExecutionException e) {
        throw new AgoraError.ProviderError(m.id(), e.getCause().getMessage(), null);
      }
      if (a.get("error") instanceof Value.Str why) {
        throw new AgoraError.ProviderError(m.id(), why.value(), null);
      }
      return Reader.readValue(((Value.Str) a.get("result")).value());
    } finally {
      pending.remove(id);
      if (inFlight.decrementAndGet() == 0 && retired) {
        stop();
      }
    }
  }

  private void send(Dict message) throws AgoraError {
    byte[] line = (Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (stdin) {
        stdin.write(line);
        stdin.flush();
      }
    } catch (IOException e) {
      throw new AgoraError.ProviderError(
          "plugin", "plugin " + label + "'s host cannot be reached: " + e.getMessage(), e);
    }
  }

  @Override
  public void retire() {
    retired = true;
    if (inFlight.get() == 0) {
      stop();
    }
  }

  /** Closes the child's stdin (it exits) and makes sure it is gone. */
  private void stop() {
    try {
      stdin.close();
    } catch (IOException e) { // gone already
    }
    process.destroyForcibly();
  }
}
