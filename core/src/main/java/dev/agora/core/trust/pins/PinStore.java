package dev.agora.core.trust.pins;

import java.util.List;

/**
 * Where a node keeps its own pins ({@code trust.pinning} mode {@code tofu}: what it pinned on first
 * sight, and what was approved since): the file {@code pins.lock} in its data directory, or the
 * store the nodes share (issue 18), so that a definition pinned or approved on one node is pinned
 * the same on every node. The user's lock file ({@code trust.pinning.lock_file}) is not kept here:
 * it stays a file each node reads at its own path.
 *
 * <p>A pin is named {@code id@version}, as the lock files name it; its definition is the JSON text
 * of the definition as the lock file keeps it ({@code dev.agora.core.trust.Pins}).
 */
public interface PinStore {

  /** One pin: its {@code id@version}, the definition's digest, and the definition as JSON text. */
  record Stored(String key, String digest, String definition) {}

  /** Every pin. */
  List<Stored> all();

  /**
   * Stores {@code pin} unless its key is pinned already, and returns the pin stored under its key
   * now: {@code pin}, or the one that was there. When two nodes pin one key at once, the first to
   * commit wins and both get its pin back (the other then quarantines a definition that differs).
   */
  Stored pinIfAbsent(Stored pin);

  /**
   * Stores {@code pin}, replacing the pin of its key (an approval); the pins of other keys, whoever
   * writes them at the same time, are kept.
   */
  void put(Stored pin);

  /**
   * What the pins are now, cheap to ask: it differs after any pin is added or replaced, by this
   * process or another, so that a node polling it notices and reads them again.
   */
  String stamp();

  /** Where the pins are, for messages: a file's path, or the store's description. */
  String describe();
}
