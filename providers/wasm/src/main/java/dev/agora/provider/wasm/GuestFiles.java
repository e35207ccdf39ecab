package dev.agora.provider.wasm;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.agora.core.error.AgoraError;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import run.endive.wasi.WasiOptions;

/**
 * The directories a WASI command is granted ({@code dirs}), as copies in an in-memory file system
 * made for one call. Endive's WASI resolves guest paths on the {@link Path}s it is given without
 * confining them, so the guest is never given a host path: whatever it reads is the copy, whatever
 * it writes, creates or deletes is lost with the file system at the end of the call — the host
 * directory is read-only by design. Only regular files and directories are copied (symbolic links
 * are not followed), at most {@link #MAX_BYTES} in all.
 */
final class GuestFiles implements AutoCloseable {

  /** The most bytes copied for one call, over all granted directories. */
  static final long MAX_BYTES = 16L << 20;

  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());

  /** Copies each granted directory (host paths relative to {@code base}) and grants the copy. */
  GuestFiles(String id, Path base, Map<String, String> dirs, WasiOptions.Builder wasi) {
    long total = 0;
    for (Map.Entry<String, String> d : dirs.entrySet()) {
      Path host = base.resolve(d.getValue()).normalize();
      Path guest = fs.getPath(d.getKey());
      total = copy(id, host, guest, total);
      wasi.withDirectory(d.getKey(), guest);
    }
  }

  private static long copy(String id, Path host, Path guest, long total) {
    if (!Files.isDirectory(host)) {
      throw new AgoraError.ProviderError(
          id, "provider option 'dirs' grants " + host + ", which is not a directory", null);
    }
    try (Stream<Path> walk = Files.walk(host)) {
      List<Path> all = walk.toList();
      for (Path p : all) {
        Path to = guest.resolve(host.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(to);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          total += Files.size(p);
          if (total > MAX_BYTES) {
            throw new AgoraError.LimitExceeded(
                id, "the directories in 'dirs' hold more than " + MAX_BYTES + " bytes");
          }
          Files.copy(p, to);
        }
      }
      return total;
    } catch (IOException e) {
      throw new AgoraError.ProviderError(
          id, "cannot copy " + host + " for provider option 'dirs': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
