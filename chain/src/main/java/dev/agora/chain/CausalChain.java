package dev.agora.chain;

import dev.agora.chain.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reading the Causal Chain: queries, the hierarchy of actions, verification and proofs. Writing is
 * the {@link Ledger}'s; both share one store.
 */
public final class CausalChain {

  /** An action and the actions recorded under it. */
  public record Node(Entry entry, Event action, List<Node> children) {}

  private final Ledger ledger;
  private final ChainStore store;
  private final List<VerifierKey> trusted;

  /**
   * {@code trusted}: keys besides the node's own whose checkpoints verification accepts (other
   * nodes of a shared store).
   */
  public CausalChain(Ledger ledger, List<VerifierKey> trusted) {
    this.ledger = ledger;
    this.store = ledger.store();
    this.trusted =
        Stream.concat(Stream.of(ledger.key().verifier()), trusted.stream()).distinct().toList();
  }

  public Ledger ledger() {
    return ledger;
  }

  public long size() {
    return store.head().size();
  }

  public List<Entry> query(ChainQuery q) {
    return store.query(q);
  }

  public Optional<Entry> get(String actionId) {
    return store.byActionId(actionId);
  }

  /** The action {@code actionId} was recorded under. */
  public Optional<Entry> parent(String actionId) {
    return get(actionId).map(e -> e.columns().parentId()).flatMap(this::get);
  }

  /** The actions recorded directly under {@code actionId}, in log order. */
  public List<Entry> children(String actionId) {
    return store.query(ChainQuery.ALL.withParent(actionId));
  }

  /** A plan as a tree: the plan, its steps, their calls and results, in log order. */
  public List<Node> tree(String planId) {
    return forest(store.query(ChainQuery.ALL.withPlan(planId)));
  }

  /** Entries arranged under their parents; those whose parent is not among them are roots. */
  public static List<Node> forest(List<Entry> entries) {
    Map<String, Node> byId = new LinkedHashMap<>();
    for (Entry e : entries) {
      byId.putIfAbsent(e.columns().actionId(), new Node(e, e.action(), new ArrayList<>()));
    }
    List<Node> roots = new ArrayList<>();
    for (Entry e : entries) {
      Node n = byId.get(e.columns().actionId());
      if (n.entry() != e) {
        continue; // a repeated id keeps its first entry
      }
      Node parent = e.columns().parentId() == null ? null : byId.get(e.columns().parentId());
      (parent == null || parent == n ? roots : parent.children()).add(n);
    }
    return roots;
  }

  /** Verifies the whole stored log: entries, head and every checkpoint. */
  public Verifier.Report verify() {
    return verify(store, ledger.origin(), trusted);
  }

  /**
   * Verifies a stored log with no ledger and no signing key — only reads, so it runs on a store
   * opened read-only: entries, head, every checkpoint (of log {@code origin}, signatures by {@code
   * trusted} keys), no rows stored past the head, and every cross-node link ({@link RemoteLinks})
   * holding.
   */
  public static Verifier.Report verify(ChainStore store, String origin, List<VerifierKey> trusted) {
    // read before the head: rows a live writer commits meanwhile never look like rows past it
    long storedEnd = store.storedEnd();
    RemoteLinks links = new RemoteLinks();
    Verifier.Report r = verifyEntries(store, origin, trusted, links);
    if (r.ok() && links.any()) { // calls run on other nodes: their actions are in this log too
      long size = r.size();
      Verifier.Report bad = links.check(each -> store.scan(0, size, each), r);
      if (bad != null) {
        return bad;
      }
    }
    if (r.ok() && storedEnd > r.size()) {
      return Verifier.Report.bad(
          r.size(),
          "the head says the log has "
              + r.size()
              + " entries but rows are stored past it (up to index "
              + (storedEnd - 1)
              + "): entries inserted after the last one; no node can append to this log until"
              + " they are removed",
          r.checkpoints());
    }
    return r;
  }

  /**
   * {@link #verify(ChainStore, String, List)}, and at least one checkpoint must be signed by a
   * trusted key — what {@code agora chain verify} requires of a store at rest. A log that no
   * trusted checkpoint covers could have been made by anyone: a deleted store recreated, a key file
   * swapped, entries written by someone who cannot sign.
   */
  public static Verifier.Report audit(ChainStore store, String origin, List<VerifierKey> trusted) {
    Verifier.Report r = verify(store, origin, trusted);
    if (!r.ok() || r.checkpoints() > 0) {
      return r;
    }
    String why;
    if (r.unsigned() > 0) {
      why =
          r.unsigned()
              + " checkpoints are signed only by keys not trusted here (was the node's key"
              + " replaced? another node's key belongs in chain.trusted_keys)";
    } else if (r.size() == 0) {
      why =
          "the log is empty and has no signed checkpoint: nothing shows it is this node's log (a"
              + " deleted or emptied store looks like this)";
    } else {
      why =
          "no checkpoint covers the "
              + r.size()
              + " entries (one is signed every chain.checkpoint_every entries, at shutdown and by"
              + " agora chain checkpoint)";
    }
    return Verifier.Report.bad(0, "no checkpoint is signed by a trusted key: " + why, 0);
  }

  private static Verifier.Report verifyEntries(
      ChainStore store, String origin, List<VerifierKey> trusted, RemoteLinks links) {
    Verifier verifier = new Verifier(trusted, origin);
    List<Checkpoint> checkpoints;
    try {
      checkpoints = store.checkpoints();
    } catch (ChainFormatException e) {
      return Verifier.Report.bad(
          0, "a stored checkpoint is not a valid signed note: " + e.getMessage(), 0);
    }
    ChainHead head;
    try {
      head = store.head();
    } catch (
        ChainFormatException e) { // check what the entries and checkpoints say, then blame the head
      Verifier.Report r =
          verifier.verify(each -> store.scan(0, Long.MAX_VALUE, each), null, checkpoints);
      return r.ok()
          ? Verifier.Report.bad(
              r.size(), "the stored chain head is corrupt: " + e.getMessage(), r.checkpoints())
          : r;
    }
    return verifier.verify(
        each ->
            store.scan(
                0,
                head.size(),
                e -> {
                  links.see(e);
                  each.accept(e);
                }),
        head,
        checkpoints);
  }

  /**
   * An inclusion proof for an action against a checkpoint that covers it (signing a new one if
   * needed).
   */
  public InclusionProof prove(String actionId) {
    Entry e =
        get(actionId)
            .orElseThrow(
                () -> new IllegalArgumentException("no action '" + actionId + "' in the chain"));
    Checkpoint c = ledger.latestCheckpoint();
    List<byte[]> leaves = store.leafHashes(0, c.size());
    return new InclusionProof(
        e.body(),
        e.index(),
        Merkle.inclusionProof(Merkle.Leaves.of(leaves), e.index(), c.size()),
        c);
  }

  /**
   * The proof that the log at its latest checkpoint extends the log of size {@code oldSize}, with
   * both roots.
   */
  public ConsistencyProof consistency(long oldSize) {
    Checkpoint c = ledger.latestCheckpoint();
    if (oldSize < 0 || oldSize > c.size()) {
      throw new IllegalArgumentException(
          "size " + oldSize + " is not within the log of " + c.size() + " entries");
    }
    List<byte[]> leaves = store.leafHashes(0, c.size());
    Merkle.Leaves l = Merkle.Leaves.of(leaves);
    return new ConsistencyProof(
        oldSize, Merkle.root(l, 0, oldSize), Merkle.consistencyProof(l, oldSize, c.size()), c);
  }

  /**
   * "The log of {@code checkpoint} extends the log of size {@code oldSize} with root {@code
   * oldRoot}."
   */
  public record ConsistencyProof(
      long oldSize, byte[] oldRoot, List<byte[]> proof, Checkpoint checkpoint) {
    public boolean verify() {
      return Merkle.verifyConsistency(
          oldSize, checkpoint.size(), oldRoot, checkpoint.root(), proof);
    }
  }
}
