package dev.agora.chain;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the Causal Chain's entries live. Implementations: {@link MemoryChainStore} here, SQLite and
 * PostgreSQL in the store module. The chain logic (hashing, linking, Merkle, verification) is in
 * {@code dev.agora.chain}; a store only keeps bytes, numbers and index columns, and provides one
 * exclusive, atomic append.
 */
public interface ChainStore {

  /**
   * The one way to append: lock the chain against every other writer (threads and, for shared
   * stores, other processes), read the head, let {@code extend} turn it into entries and a new
   * head, write both, commit durably, unlock. A failure leaves the chain as it was.
   */
  ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend);

  /** The current head (a snapshot). */
  ChainHead head();

  /**
   * Entries with {@code from <= index < to} as stored — gaps, duplicates and all — in index order.
   */
  void scan(long from, long to, Consumer<Entry> each);

  /** Entries matching {@code q}, in index order. */
  List<Entry> query(ChainQuery q);

  /** The entry recording action {@code actionId}. */
  default Optional<Entry> byActionId(String actionId) {
    return query(ChainQuery.ALL.withActionId(actionId).withLimit(1)).stream().findFirst();
  }

  /** The stored leaf hashes of entries {@code from <= index < to}, in index order. */
  List<byte[]> leafHashes(long from, long to);

  void addCheckpoint(Checkpoint c);

  /** Every checkpoint, oldest first. */
  List<Checkpoint> checkpoints();

  /**
   * The log's origin (its identity in checkpoints): the stored one, or {@code proposed} stored now
   * if the log has none yet. The first node to open a shared store names the log.
   */
  String origin(String proposed);

  /** The stored origin, if the log has one; only reads (for a store opened read-only). */
  Optional<String> storedOrigin();

  /**
   * One past the highest stored index, 0 when nothing is stored. With an intact store it equals the
   * head's size; rows inserted past the head make it larger (verification reports them).
   */
  long storedEnd();
}
