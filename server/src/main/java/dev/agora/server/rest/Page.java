package dev.agora.server.rest;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;

/**
 * Pagination: {@code limit} items (1–1000, default 100) from the opaque {@code cursor} on; the
 * answer is {@code {"items": [...], "next": cursor-or-null}}.
 */
final class Page {

  static final int DEFAULT = 100;
  static final int MAX = 1_000;

  private Page() {}

  /** Where a page starts (the cursor is the number of items before it). */
  static int from(Request r) {
    return r.integer("cursor", 0, 0, 100_000_000);
  }

  static int size(Request r) {
    return r.integer("limit", DEFAULT, 1, MAX);
  }

  /** The page of {@code all} (the items from the cursor on, perhaps one more than a page). */
  static Dict of(List<? extends Value> all, Request r) {
    int from = from(r);
    int size = size(r);
    List<? extends Value> items =
        all.subList(Math.min(from, all.size()), Math.min(all.size(), from + size));
    boolean more = all.size() > from + size;
    return Dict.builder()
        .put("items", Vec.of(List.copyOf(items)))
        .put("next", more ? Value.of(Integer.toString(from + size)) : Value.NIL)
        .build();
  }
}
