package dev.agora.core.spi;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How far a capability's code is kept from the node, weakest first: the order policy compares in
 * ({@code require: wasm} is met by {@code wasm} or {@code process}).
 *
 * <ul>
 *   <li>{@link #IN_PROCESS} — Java or RTFS in Agora's JVM, or a child process run with Agora's own
 *       rights: no isolation beyond the language's.
 *   <li>{@link #WASM} — a WebAssembly instance in the JVM: its own linear memory (capped), no
 *       system calls but the WASI ones granted, interrupted at its deadline; it shares the JVM's
 *       CPU and heap.
 *   <li>{@link #PROCESS} — a child in Linux namespaces (bubblewrap) under kernel limits: its own
 *       address space, no network unless granted, a read-only root, CPU, memory, file and process
 *       limits.
 * </ul>
 *
 * A microVM level (Firecracker, gVisor) would come after {@code PROCESS}; none runs on the hosts
 * Agora is built on, so none is named.
 */
public enum IsolationLevel {
  IN_PROCESS,
  WASM,
  PROCESS;

  /**
   * The level's name as written in configuration: {@code in-process}, {@code wasm}, {@code
   * process}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True if this level is at least as strong as {@code required}. */
  public boolean meets(IsolationLevel required) {
    return compareTo(required) >= 0;
  }

  /** The level named {@code label} ({@code in_process} is accepted too), or null. */
  public static IsolationLevel parse(String label) {
    String n = label.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (IsolationLevel l : values()) {
      if (l.name().equals(n)) {
        return l;
      }
    }
    return null;
  }

  /** The labels, for error messages: {@code in-process, wasm, process}. */
  public static String labels() {
    return Arrays.stream(values()).map(IsolationLevel::label).collect(Collectors.joining(", "));
  }
}
