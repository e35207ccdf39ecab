package dev.agora.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The registry's indexes (ids in order, effects, word postings that switch between one id and a
 * set, versions per id) are kept up to date change by change. After a seeded run of registrations,
 * updates and removals, every lookup and search must answer exactly as a registry built fresh from
 * the same final contents — the model is a plain map of id → version → manifest.
 */
class RegistryModelTest {

  private static final List<String> IDS =
      List.of(
          "billing.invoice.create",
          "billing.invoice.list",
          "billing.refund",
          "crm.contact.find",
          "crm.contact.merge",
          "crm.note",
          "geo.lookup",
          "geo.distance",
          "geo.lookup.reverse",
          "mail.send",
          "mail.inbox.list",
          "search.web",
          "search.docs",
          "billing:v2:export",
          "crm/legacy.sync");
  private static final List<String> WORDS =
      List.of(
          "fast",
          "contact",
          "invoice",
          "lookup",
          "web",
          "refund",
          "list",
          "merge",
          "exporter",
          "export",
          "geo",
          "mail");
  private static final List<String> EFFECTS = List.of("network", "writes", "filesystem");
  private static final List<String> VERSIONS = List.of("1.0.0", "1.1.0", "2.0.0", "2.0.0-beta.1");

  @Test
  void incrementalIndexesAnswerLikeAFreshRegistry() {
    long seed = Long.getLong("agora.seed", System.nanoTime());
    System.out.println(
        "RegistryModelTest seed " + seed + " (rerun with -Dagora.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    Registry registry = new Registry(e -> {}, Clock.systemUTC());
    Map<String, TreeMap<String, CapabilityManifest>> model = new TreeMap<>();
    for (int step = 1; step <= 3_000; step++) {
      String id = IDS.get(r.nextInt(IDS.size()));
      int op = r.nextInt(10);
      if (op < 7) {
        CapabilityManifest m = random(r, id);
        registry.register(m, "model");
        model.computeIfAbsent(id, k -> new TreeMap<>()).put(m.version(), m);
      } else if (op < 9) {
        String version = VERSIONS.get(r.nextInt(VERSIONS.size()));
        boolean had = model.containsKey(id) && model.get(id).containsKey(version);
        assertThat(registry.remove(id, version))
            .as("remove %s %s at step %d", id, version, step)
            .isEqualTo(had);
        if (had) {
          model.get(id).remove(version);
          if (model.get(id).isEmpty()) {
            model.remove(id);
          }
        }
      } else {
        assertThat(registry.remove(id))
            .as("remove %s at step %d", id, step)
            .isEqualTo(model.remove(id) != null);
      }
      if (step % 250 == 0) {
        assertSameAnswers(registry, fresh(model), r, "step " + step + ", seed " + seed);
      }
    }
  }

  private static CapabilityManifest random(SplittableRandom r, String id) {
    List<String> effects = new ArrayList<>();
    for (String e : EFFECTS) {
      if (r.nextInt(3) == 0) {
        effects.add(e);
      }
    }
    StringBuilder description = new StringBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      description.append(WORDS.get(r.nextInt(WORDS.size()))).append(' ');
    }
    return CapabilityManifest.builder(id)
        .version(VERSIONS.get(r.nextInt(VERSIONS.size())))
        .name(r.nextBoolean() ? null : WORDS.get(r.nextInt(WORDS.size())) + " " + id)
        .description(description.toString().strip())
        .effects(effects.toArray(String[]::new))
        .provider(new ProviderSpec.Local(null, Dict.EMPTY))
        .build();
  }

  private static Registry fresh(Map<String, TreeMap<String, CapabilityManifest>> model) {
    Registry fresh = new Registry(e -> {}, Clock.systemUTC());
    model.values().forEach(versions -> versions.values().forEach(m -> fresh.register(m, "model")));
    return fresh;
  }

  private static void assertSameAnswers(
      Registry incremental, Registry fresh, SplittableRandom r, String where) {
    assertThat(incremental.size()).as(where).isEqualTo(fresh.size());
    assertThat(incremental.indexEntries())
        .as("index entries (nothing left behind), %s", where)
        .isEqualTo(fresh.indexEntries());
    for (String id : IDS) {
      assertThat(ids(incremental.versions(id)))
          .as("versions of %s, %s", id, where)
          .isEqualTo(ids(fresh.versions(id)));
      assertThat(key(incremental.get(id)))
          .as("latest %s, %s", id, where)
          .isEqualTo(key(fresh.get(id)));
      assertThat(key(incremental.resolve(id, "^1.0.0")))
          .isEqualTo(key(fresh.resolve(id, "^1.0.0")));
      for (String v : VERSIONS) {
        assertThat(key(incremental.get(id, v))).isEqualTo(key(fresh.get(id, v)));
      }
    }
    List<Query> queries =
        new ArrayList<>(
            List.of(
                Query.ALL,
                Query.glob("billing.*"),
                Query.glob("*.list"),
                Query.glob("geo.lookup*"),
                Query.ALL.withNamespace("crm"),
                Query.ALL.withNamespace("billing.invoice"),
                Query.ALL.withEffect("pure"),
                Query.ALL.withEffect("network").withNamespace("geo")));
    for (String w : WORDS) {
      queries.add(Query.ALL.withText(w));
      queries.add(Query.ALL.withText(w.substring(0, 3)));
      queries.add(Query.ALL.withText(w + " " + WORDS.get(r.nextInt(WORDS.size()))));
    }
    for (String e : EFFECTS) {
      queries.add(Query.ALL.withEffect(e));
      queries.add(Query.ALL.withEffect(e).withText(WORDS.get(r.nextInt(WORDS.size()))));
    }
    for (Query q : queries) {
      List<String> all = ids(fresh.search(q));
      assertThat(ids(incremental.search(q))).as("%s, %s", q, where).isEqualTo(all);
      for (int limit : new int[] {1, 2, 5}) {
        assertThat(ids(incremental.search(q.withLimit(limit))))
            .as("%s limit %d, %s", q, limit, where)
            .isEqualTo(all.subList(0, Math.min(limit, all.size())));
      }
    }
    for (String id : IDS) {
      assertThat(incremental.suggest(id + "x", 3)).isEqualTo(fresh.suggest(id + "x", 3));
    }
  }

  private static List<String> ids(List<CapabilityManifest> ms) {
    return ms.stream().map(RegistryModelTest::key).toList();
  }

  private static String key(CapabilityManifest m) {
    return m == null
        ? null
        : m.id() + "@" + m.version() + " " + m.description() + " " + m.effects();
  }
}
