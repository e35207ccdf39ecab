package dev.agora.rtfs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map, {@code {:a 1 "b" 2 3 :c}}. Keys are keywords, strings or integers, as in the reference.
 * Entries keep their insertion order, so printing is deterministic; equality ignores order.
 *
 * <p>Updates copy the entries (a map is small in plans; a persistent map can replace this class
 * without changing its API).
 */
public final class Dict implements Value {

  public static final Dict EMPTY = new Dict(new LinkedHashMap<>());

  private final Map<Value, Value> entries;

  private Dict(LinkedHashMap<Value, Value> entries) {
    Evaluation.charge(Evaluation.mapBytes(entries.size()));
    this.entries = entries;
  }

  /** A map with these entries; every key must be a keyword, string or integer. */
  public static Dict of(Map<? extends Value, ? extends Value> entries) {
    Builder b = builder();
    entries.forEach(b::put);
    return b.build();
  }

  /** A map from alternating keys and values. */
  public static Dict of(Value... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw RtfsError.invalid(
          "a map needs an even number of keys and values, got " + keysAndValues.length);
    }
    Builder b = builder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Refuses keys the reference does not allow, naming the bad key. */
  public static Value checkKey(Value key) {
    if (key instanceof Keyword || key instanceof Str || key instanceof Int) {
      return key;
    }
    throw RtfsError.type(
        "map keys must be keywords, strings or integers, got " + Printer.describe(key));
  }

  /** The value at {@code key}, or null when absent. */
  public Value get(Value key) {
    return entries.get(key);
  }

  /** The value at the keyword {@code :name}, or null when absent. */
  public Value get(String keywordName) {
    return entries.get(Value.keyword(keywordName));
  }

  public boolean containsKey(Value key) {
    return entries.containsKey(key);
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** A read-only view of the entries, in insertion order. */
  public Map<Value, Value> asMap() {
    return Collections.unmodifiableMap(entries);
  }

  /** This map with {@code key} set to {@code value}. */
  public Dict assoc(Value key, Value value) {
    checkKey(key);
    LinkedHashMap<Value, Value> copy = new LinkedHashMap<>(entries);
    copy.put(key, value);
    return new Dict(copy);
  }

  /** This map without {@code key}. */
  public Dict dissoc(Value key) {
    if (!entries.containsKey(key)) {
      return this;
    }
    LinkedHashMap<Value, Value> copy = new LinkedHashMap<>(entries);
    copy.remove(key);
    return new Dict(copy);
  }

  /** A builder seeded with this map's entries. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.entries.putAll(entries);
    return b;
  }

  @Override
  public String typeName() {
    return "map";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dict d && entries.equals(d.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }

  /** Builds a map without copying on every put. */
  public static final class Builder {
    private LinkedHashMap<Value, Value> entries = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(Value key, Value value) {
      entries.put(checkKey(key), value);
      return this;
    }

    /** Puts {@code :name value}. */
    public Builder put(String keywordName, Value value) {
      return put(Value.keyword(keywordName), value);
    }

    public Builder remove(Value key) {
      entries.remove(key);
      return this;
    }

    public boolean containsKey(Value key) {
      return entries.containsKey(key);
    }

    public int size() {
      return entries.size();
    }

    public Dict build() {
      if (entries.isEmpty()) {
        return EMPTY;
      }
      Dict d = new Dict(entries);
      entries = new LinkedHashMap<>();
      return d;
    }
  }
}
