package dev.agora.provider.plugin;

import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The child side of an out-of-process plugin: a JVM of its own that loads one plugin JAR (in the
 * same SPI-only class loader) and answers calls in JSON Lines on stdin and stdout, each value as
 * RTFS text (lossless: keywords stay keywords).
 *
 * <pre>
 * → (first line)  {"plugin": id, "version": v, "manifests": [rtfs…]}   or {"error": why}
 * ← {"id": n, "capability": "id@version", "input": rtfs, "timeout_ms": t}
 * → {"id": n, "result": rtfs}   or {"id": n, "error": message}
 * ← {"cancel": n}               (the caller's deadline passed: the call's thread is interrupted)
 * </pre>
 *
 * It ends when stdin closes. See {@link RemotePlugin} for the parent side.
 */
public final class PluginHost {

  private PluginHost() {}

  /** {@code PluginHost <jar>}: serves the plugin in {@code jar} on stdin and stdout. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err); // whatever the plugin prints must not garble the protocol
    System.exit(serve(Path.of(args[0]), System.in, out));
  }

  /** Loads the plugin in {@code jar} and answers calls from {@code in} until it closes. */
  static int serve(Path jar, InputStream in, PrintStream out) {
    Plugin p;
    try {
      byte[] bytes = Files.readAllBytes(jar);
      p =
          LoadedPlugin.load(
              jar,
              bytes,
              Hashes.hex(Hashes.sha256(bytes)),
              Files.createTempDirectory("agora-plugin-host"),
              PluginHost.class.getClassLoader());
    } catch (IOException | PluginException e) {
      send(out, Dict.builder().put("error", Value.of(e.getMessage())).build());
      return 1;
    }
    LoadedPlugin loaded = (LoadedPlugin) p;
    send(
        out,
        Dict.builder()
            .put("plugin", Value.of(loaded.id()))
            .put("version", Value.of(loaded.version()))
            .put(
                "providers",
                Vec.of(loaded.providerTypes().stream().map(t -> (Value) Value.of(t)).toList()))
            .put(
                "manifests",
                Vec.of(
                    loaded.manifests().stream()
                        .map(m -> (Value) Value.of(Printer.print(m.toValue())))
                        .toList()))
            .build());
    Map<Long, Thread> running = new ConcurrentHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        Dict req = (Dict) Json.parse(line);
        if (req.get("cancel") instanceof Value.Int n) {
          Thread t = running.get(n.value());
          if (t != null) {
            t.interrupt();
          }
          continue;
        }
        long id = ((Value.Int) req.get("id")).value();
        running.put(
            id,
            Thread.ofVirtual()
                .start(
                    () -> {
                      send(out, answer(loaded, id, req));
                      running.remove(id);
                    }));
      }
    } catch (IOException e) {
      return 1;
    }
    for (Thread t : running.values()) { // answer what was asked before stdin closed
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    return 0;
  }

  private static Dict answer(LoadedPlugin p, long id, Dict req) {
    Dict.Builder b = Dict.builder().put("id", Value.of(id));
    String key = ((Value.Str) req.get("capability")).value();
    CapabilityManifest m =
        p.manifests().stream()
            .filter(x -> LoadedPlugin.key(x).equals(key))
            .findFirst()
            .orElse(null);
    if (m == null) {
      return b.put("error", Value.of("the plugin host runs no " + key)).build();
    }
    try {
      Value input = Reader.readValue(((Value.Str) req.get("input")).value());
      long timeout = ((Value.Int) req.get("timeout_ms")).value();
      Value v = p.call(key, m, input, context(m, id, Duration.ofMillis(timeout)));
      return b.put("result", Value.of(Printer.print(v))).build();
    } catch (Exception e) {
      return b.put("error", Value.of(String.valueOf(e.getMessage()))).build();
    } catch (OutOfMemoryError e) { // its garbage is gone with the call: the host serves on
      return b.put(
              "error", Value.of("plugin " + p.label() + " ran out of memory: " + e.getMessage()))
          .build();
    }
  }

  /** What the plugin may know of a call it runs in the child. */
  private static CallContext context(CapabilityManifest m, long id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return new CallContext() {
      @Override
      public String callId() {
        return "host-" + id;
      }

      @Override
      public String capabilityId() {
        return m.id();
      }

      @Override
      public SecurityContext caller() {
        return SecurityContext.full("plugin-host");
      }

      @Override
      public String planId() {
        return null;
      }

      @Override
      public Duration remaining() {
        return Duration.ofNanos(deadline - System.nanoTime());
      }
    };
  }

  private static void send(PrintStream out, Dict message) {
    String line = Json.write(message);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
