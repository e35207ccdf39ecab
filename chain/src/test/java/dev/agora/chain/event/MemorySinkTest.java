package dev.agora.chain.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemorySinkTest {

  private static Event event(String id, EventType type) {
    return Event.of(id, type, Instant.EPOCH, null, null, "test");
  }

  @Test
  void keepsTheLastEventsInOrderAndCountsThemAll() {
    MemorySink sink = new MemorySink(3);
    assertThat(sink.events()).isEmpty();
    for (int i = 0; i < 5; i++) {
      sink.accept(event("e" + i, i % 2 == 0 ? EventType.PlanStarted : EventType.PlanCompleted));
    }
    assertThat(sink.count()).isEqualTo(5);
    assertThat(sink.events()).extracting(Event::id).containsExactly("e2", "e3", "e4");
    assertThat(sink.events(EventType.PlanStarted))
        .extracting(Event::id)
        .containsExactly("e2", "e4");
    assertThat(sink.events(EventType.PolicyDenied)).isEmpty();
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> new MemorySink(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be positive, got 0");
  }

  @Test
  void theNoneSinkDropsEverything() {
    EventSink.NONE.accept(event("dropped", EventType.PlanStarted)); // no effect, no failure
    MemorySink sink = new MemorySink(1);
    List.of(sink, EventSink.NONE).forEach(s -> s.accept(event("kept", EventType.PlanStarted)));
    assertThat(sink.events()).extracting(Event::id).containsExactly("kept");
  }

  @Test
  void eventIdsAreUniqueAndShareTheProcessPrefix() {
    Set<String> ids = new HashSet<>();
    String prefix = EventIds.next().split("-")[0];
    for (int i = 0; i < 1_000; i++) {
      String id = EventIds.next();
      assertThat(id).matches("[0-9a-f]{16}-[0-9a-f]+").startsWith(prefix + "-");
      ids.add(id);
    }
    assertThat(ids).hasSize(1_000);
  }
}
