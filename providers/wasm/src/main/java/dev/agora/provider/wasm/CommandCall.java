package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.wasi.WasiExitException;
import run.endive.wasi.WasiOptions;
import run.endive.wasi.WasiPreview1;
import run.endive.wasm.types.FunctionType;

/**
 * One run of a WASI command module (no {@code function} in the manifest): the input's JSON on
 * stdin, {@code _start} run to its end, the result read as JSON from stdout (at most {@code
 * max_output_bytes}). A non-zero exit fails with the tail of stderr. WASI gets stdin, stdout,
 * stderr, the copies of the directories granted ({@link GuestFiles}), and the environment and
 * arguments granted ({@code env}, {@code args}) — nothing else, and never sockets. A fresh instance
 * runs each call: a command's WASI state is per run.
 */
final class CommandCall {

  /** How much of stderr a failure quotes. */
  static final int STDERR_TAIL = 1024;

  private CommandCall() {}

  static Value run(String id, Path base, Loaded loaded, WasmOptions options, Value input)
      throws IOException {
    byte[] in = Json.write(input).getBytes(StandardCharsets.UTF_8);
    Capped out = new Capped(options.maxOutputBytes());
    Capped err = new Capped(STDERR_TAIL);
    WasiOptions.Builder wasiOptions =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(in))
            .withStdout(out)
            .withStderr(err);
    options.env().forEach(wasiOptions::withEnvironment);
    if (!options.args().isEmpty()) {
      wasiOptions.withArguments(options.args());
    }
    int exit = 0;
    try (GuestFiles files = new GuestFiles(id, base, options.dirs(), wasiOptions);
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(wasiOptions.build()).build()) {
      ImportValues imports = ImportValues.builder().addFunction(wasi.toHostFunctions()).build();
      Instance instance = Instances.create(id, loaded, options.memoryPages(), imports);
      Instances.requireFunction(
          id, loaded, instance, "_start", FunctionType.of(List.of(), List.of()));
      instance.export("_start").apply();
    } catch (WasiExitException e) {
      exit = e.exitCode();
    }
    if (exit != 0) {
      throw new AgoraError.ProviderError(
          id,
          "WASM command "
              + loaded.path.getFileName()
              + " exited with status "
              + exit
              + "; stderr ends: "
              + err.tail().strip(),
          null);
    }
    if (out.overflowed) {
      throw new AgoraError.LimitExceeded(
          id, "its WASM command wrote more than max_output_bytes: " + options.maxOutputBytes());
    }
    return ExportCall.decode(id, out.toByteArray());
  }

  /**
   * Keeps the first {@code cap} bytes written (stdout), or the last ones ({@link #tail}, stderr);
   * notes whether more came.
   */
  static final class Capped extends OutputStream {
    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final byte[] ring;
    private long total;
    boolean overflowed;

    Capped(int cap) {
      this.cap = cap;
      this.ring = new byte[Math.min(cap, STDERR_TAIL)];
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int k = 0; k < len; k++) {
        ring[(int) ((total + k) % ring.length)] = b[off + k];
      }
      int room = (int) Math.max(0, Math.min(len, cap - total));
      kept.write(b, off, room);
      overflowed |= room < len;
      total += len;
    }

    byte[] toByteArray() {
      return kept.toByteArray();
    }

    /** The last bytes written, as text. */
    String tail() {
      int n = (int) Math.min(total, ring.length);
      byte[] t = new byte[n];
      for (int k = 0; k < n; k++) {
        t[k] = ring[(int) ((total - n + k) % ring.length)];
      }
      return new String(t, StandardCharsets.UTF_8);
    }
  }
}
