package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-node causal links (issue 18). A call that a peer node ran (the remote-rtfs provider) names,
 * in its result's metadata, the node and the actions the peer recorded under it: {@code remote:
 * {node "agora-2" children ["act-1" …]}}. Nodes that run each other's calls share one log, so each
 * of those actions must be in it as a child of the call; {@link CausalChain#verify} checks that
 * with a second look at the log, made only when the first found such a result.
 */
final class RemoteLinks {

  /** The metadata key of a result whose call ran on another node. */
  static final String KEY = "remote";

  /** What one result says another node recorded under its call. */
  private record Claim(long index, String callId, String node) {}

  private final Map<String, Claim> wanted = new HashMap<>();

  /** Notes what {@code e} says, if it is the result of a call another node ran. */
  void see(Entry e) {
    if (!EventType.CapabilityResult.name().equals(e.columns().type())) {
      return;
    }
    Event result;
    try {
      result = e.action();
    } catch (RuntimeException undecodable) { // the entry checks say what is wrong with it
      return;
    }
    if (result.metadata().get(KEY) instanceof Dict remote
        && remote.get("children") instanceof Seq children) {
      Value node = remote.get("node");
      Claim claim =
          new Claim(
              e.index(),
              result.parentId(),
              node instanceof Value.Str s ? s.value() : String.valueOf(node));
      for (int i = 0; i < children.size(); i++) {
        if (children.get(i) instanceof Value.Str id) {
          wanted.put(id.value(), claim);
        }
      }
    }
  }

  /** True when some result named actions of another node. */
  boolean any() {
    return !wanted.isEmpty();
  }

  /**
   * Null when every action named is in {@code entries}, a child of its call; else a bad report
   * saying which is not.
   */
  Verifier.Report check(Verifier.Entries entries, Verifier.Report good) {
    Map<String, Claim> missing = new HashMap<>(wanted);
    List<String> wrong = new ArrayList<>();
    long[] firstBad = {Long.MAX_VALUE};
    entries.forEach(
        e -> {
          Claim c = missing.remove(e.columns().actionId());
          if (c != null && !c.callId().equals(e.columns().parentId())) {
            wrong.add(
                "entry "
                    + e.index()
                    + " is named by entry "
                    + c.index()
                    + " as node "
                    + c.node()
                    + "'s action under call "
                    + c.callId()
                    + " but its parent is "
                    + e.columns().parentId());
            firstBad[0] = Math.min(firstBad[0], c.index());
          }
        });
    for (Map.Entry<String, Claim> m : missing.entrySet()) {
      Claim c = m.getValue();
      wrong.add(
          "entry "
              + c.index()
              + " says node "
              + c.node()
              + " recorded "
              + m.getKey()
              + " under call "
              + c.callId()
              + ", and the log has no such entry");
      firstBad[0] = Math.min(firstBad[0], c.index());
    }
    if (wrong.isEmpty()) {
      return null;
    }
    wrong.sort(null);
    return Verifier.Report.bad(
        firstBad[0], "a cross-node link does not hold: " + wrong.getFirst(), good.checkpoints());
  }
}
