package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import run.endive.wasm.Parser;

/**
 * Parsed module files, kept per path. Each call compares the file's modification time, size and
 * file key with those it was read at; any difference reads it again, and new bytes (a different
 * SHA-256) are parsed again — a module replaced on disk never keeps running its old code.
 */
final class Modules {

  private final Map<Path, Loaded> cache = new ConcurrentHashMap<>();

  /** The module at {@code path}, for capability {@code id}, parsed. */
  Loaded get(String id, Path path) {
    Loaded.Stamp now = stamp(id, path);
    Loaded cur = cache.get(path);
    if (cur != null && cur.stamp.equals(now)) {
      return cur;
    }
    return cache.compute(path, (p, old) -> load(id, p, now, old));
  }

  private static Loaded load(String id, Path path, Loaded.Stamp now, Loaded old) {
    if (old != null && old.stamp.equals(now)) {
      return old; // another call read it meanwhile
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new AgoraError.ProviderError(
          id, "cannot read WASM module " + path + ": " + e.getMessage(), e);
    }
    String digest = sha256(bytes);
    if (old != null && old.digest.equals(digest)) {
      return old.restamped(now);
    }
    try {
      return new Loaded(path, now, digest, Parser.parse(bytes));
    } catch (RuntimeException e) {
      throw new AgoraError.ProviderError(
          id, path + " is not a valid WebAssembly module: " + e.getMessage(), e);
    }
  }

  private static Loaded.Stamp stamp(String id, Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new Loaded.Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw new AgoraError.ProviderError(id, "WASM module file not found: " + path, e);
    } catch (IOException e) {
      throw new AgoraError.ProviderError(
          id, "cannot read WASM module " + path + ": " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
