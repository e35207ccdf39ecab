package dev.agora.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.Ledger;
import dev.agora.chain.MemoryChainStore;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chain entries as JSON: the fields that apply and no others, a payload JSON cannot hold given in
 * RTFS syntax, trees nested through {@code children}.
 */
class ChainJsonTest {

  @Test
  void entriesCarryTheirFieldsAndTreesTheirChildren() {
    Ledger ledger =
        new Ledger(
            new MemoryChainStore(),
            ChainKey.generate("json-test"),
            Ledger.Settings.DEFAULT,
            l -> {});
    Instant at = Instant.parse("2026-12-05T10:00:00Z");
    ledger.append(Event.of("p1", EventType.PlanStarted, at, null, "p1", "ops"));
    ledger.append(
        Event.of("c1", EventType.CapabilityCall, at, "p1", "p1", "ops")
            .withCapability("ccos.math.add", "1.0.0")
            .withArguments(Value.of(Double.NaN)));
    ledger.append(
        Event.of("r1", EventType.CapabilityResult, at, "c1", "p1", "ops")
            .withCapability("ccos.math.add", "1.0.0")
            .withError("Timeout", "too slow", Duration.ofMillis(3))
            .withMetadata(Dict.builder().put("trace_id", Value.of("abc")).build()));
    ledger.append(
        Event.of("r2", EventType.CapabilityResult, at, "c1", "p1", "ops")
            .withResult(Value.of(3), Duration.ofMillis(1), 0.25));
    ledger.flush();
    CausalChain chain = new CausalChain(ledger, List.of());
    List<Entry> all = chain.query(ChainQuery.ALL);
    Dict plan = ChainJson.entry(all.get(0));
    assertThat(plan.get(Json.key("type"))).isEqualTo(Value.of("PlanStarted"));
    assertThat(plan.get(Json.key("capability"))).isNull();
    assertThat(plan.get(Json.key("chain_hash"))).isInstanceOf(Value.Str.class);
    Dict call = ChainJson.entry(all.get(1));
    assertThat(call.get(Json.key("arguments"))).isEqualTo(Value.of("##NaN"));
    assertThat(call.get(Json.key("parent"))).isEqualTo(Value.of("p1"));
    Dict result = ChainJson.entry(all.get(2));
    assertThat(result.get(Json.key("success"))).isEqualTo(Value.FALSE);
    assertThat(result.get(Json.key("error_kind"))).isEqualTo(Value.of("Timeout"));
    assertThat(result.get(Json.key("duration_ms"))).isEqualTo(Value.of(3.0));
    assertThat(Json.write(result.get(Json.key("metadata")))).contains("abc");
    Dict ok = ChainJson.entry(all.get(3));
    assertThat(ok.get(Json.key("result"))).isEqualTo(Value.of(3));
    assertThat(ok.get(Json.key("cost"))).isEqualTo(Value.of(0.25));
    assertThat(ChainJson.entries(all).items()).hasSize(4);
    Vec forest = ChainJson.forest(chain.tree("p1"));
    assertThat(Json.write(forest)).contains("\"children\":[{").contains("\"id\":\"r1\"");
  }
}
