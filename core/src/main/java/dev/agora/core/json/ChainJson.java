package dev.agora.core.json;

import dev.agora.chain.CausalChain;
import dev.agora.chain.Entry;
import dev.agora.chain.Hashes;
import dev.agora.chain.event.Event;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;

/**
 * Causal Chain entries as JSON-ready data, the one form {@code agora chain show --json} and the
 * REST API both give: the entry's index, the action's fields (those that apply), its chain hash.
 * Payloads JSON cannot hold (NaN, functions) are given in RTFS syntax.
 */
public final class ChainJson {

  private ChainJson() {}

  /** One entry. */
  public static Dict entry(Entry entry) {
    Event e = entry.action();
    Dict.Builder b =
        Dict.builder()
            .put("index", Value.of(entry.index()))
            .put("id", Value.of(e.id()))
            .put("type", Value.of(e.type().name()))
            .put("time", Value.of(e.at().toString()));
    put(b, "parent", e.parentId());
    put(b, "plan", e.planId());
    put(b, "capability", e.capabilityId());
    put(b, "version", e.capabilityVersion());
    put(b, "caller", e.caller());
    if (e.arguments() != null) {
      b.put("arguments", jsonSafe(e.arguments()));
    }
    if (e.result() != null) {
      b.put("result", jsonSafe(e.result()));
    }
    if (e.success() != null) {
      b.put("success", Value.of(e.success()));
    }
    put(b, "error_kind", e.errorKind());
    put(b, "error", e.error());
    if (e.duration() != null) {
      b.put("duration_ms", Value.of(e.duration().toNanos() / 1e6));
      b.put("cost", Value.of(e.cost()));
    }
    if (!e.metadata().isEmpty()) {
      b.put("metadata", jsonSafe(e.metadata()));
    }
    return b.put("chain_hash", Value.of(Hashes.hex(entry.chainHash()))).build();
  }

  /** Entries, oldest first. */
  public static Vec entries(List<Entry> entries) {
    return Vec.of(entries.stream().map(e -> (Value) entry(e)).toList());
  }

  /** Trees of entries: each entry with its {@code children}. */
  public static Vec forest(List<CausalChain.Node> nodes) {
    return Vec.of(nodes.stream().map(ChainJson::node).toList());
  }

  private static Value node(CausalChain.Node n) {
    return entry(n.entry()).assoc(Value.keyword("children"), forest(n.children()));
  }

  private static void put(Dict.Builder b, String key, String value) {
    if (value != null) {
      b.put(key, Value.of(value));
    }
  }

  /** {@code v} if JSON can hold it, else its RTFS text (NaN, functions): safe to write as JSON. */
  public static Value jsonSafe(Value v) {
    try {
      Json.write(v);
      return v;
    } catch (JsonException e) {
      return Value.of(Printer.print(v));
    }
  }
}
