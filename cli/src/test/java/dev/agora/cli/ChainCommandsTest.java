package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainKey;
import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora chain …, and what the store keeps across restarts, on a real SQLite file per test. */
class ChainCommandsTest {

  static final String CONFIG = "../examples/agora.yaml";
  static final String ORDER = "../examples/plans/order.rtfs";

  @TempDir Path dir;

  private Path data() {
    return dir.resolve("data");
  }

  /**
   * Each invocation is a new process as far as the node is concerned: a restart on the same store.
   */
  private Result agora(String... args) {
    return CliTest.withData(data(), "", args);
  }

  private String planId() {
    String json = agora("chain", "show", "--type", "PlanStarted", "--json").out();
    int at = json.indexOf("\"id\":\"") + 6;
    return json.substring(at, json.indexOf('"', at));
  }

  @Test
  void a_run_is_recorded_verifiable_and_shown_as_a_tree() {
    assertThat(agora("run", "--config", CONFIG, ORDER).exit()).isZero();
    Result verify = agora("chain", "verify");
    assertThat(verify.exit()).isZero();
    assertThat(verify.out())
        .matches("ok: \\d+ entries, 1 signed checkpoints verified; root [0-9a-f]{64}\n");

    Result tree = agora("chain", "show", "--plan", planId(), "--tree");
    List<String> lines = tree.out().lines().toList();
    assertThat(lines.getFirst()).contains("PlanStarted").contains("by operator");
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("  #")
                    .contains("PlanStepStarted")
                    .contains("\"order report\""));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("      #")
                    .contains("CapabilityCall")
                    .contains("call shop.catalog.lookup"));
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).startsWith("        #").contains("CapabilityResult"));
    assertThat(lines.getLast()).startsWith("  #").contains("PlanCompleted");

    Result quotes =
        agora(
            "chain",
            "show",
            "--capability",
            "shop.pricing.quote",
            "--type",
            "CapabilityResult",
            "--json");
    assertThat(quotes.out())
        .startsWith("[{\"index\":")
        .contains("\"result\":{\"vat\":2598")
        .contains("\"success\":true")
        .contains("\"chain_hash\":\"");
    assertThat(agora("chain", "show", "--caller", "nobody").err()).isEqualTo("no actions match\n");
    assertThat(agora("chain", "show", "--since", "soon").exit()).isEqualTo(2);
    assertThat(
            agora(
                    "chain",
                    "show",
                    "--since",
                    "1h",
                    "--until",
                    "2999-01-01T00:00:00Z",
                    "--limit",
                    "3")
                .out()
                .lines())
        .hasSize(3);
  }

  @Test
  void a_restart_registers_nothing_again_and_keeps_runtime_registrations() throws IOException {
    agora("run", "--config", CONFIG, ORDER);
    int registered =
        agora("chain", "show", "--type", "CapabilityRegistered").out().lines().toList().size();
    assertThat(registered).isGreaterThan(5);
    agora("run", "--config", CONFIG, ORDER);
    assertThat(agora("chain", "show", "--type", "CapabilityRegistered").out().lines())
        .hasSize(registered);

    Path manifest = dir.resolve("greet.yaml");
    Files.writeString(
        manifest,
        """
        id: demo.greet
        version: 1.0.0
        description: Greets by name.
        input_schema: "[:map [:name :string]]"
        output_schema: ":string"
        effects: [pure]
        provider: {type: local, implementation: "(fn [in] (str \\"Hello, \\" (:name in)))"}
        """);
    Result add = agora("caps", "add", manifest.toString());
    assertThat(add.out()).isEqualTo("registered demo.greet 1.0.0\n");
    assertThat(agora("caps", "add", manifest.toString()).out())
        .isEqualTo("unchanged demo.greet 1.0.0\n");
    // a later process, even with another configuration, still has it
    assertThat(agora("caps", "list", "demo.*").out()).startsWith("demo.greet  1.0.0");
    assertThat(agora("caps", "call", "demo.greet", "{:name \"Ada\"}").out())
        .isEqualTo("\"Hello, Ada\"\n");
    // discovered manifests are not: without the config, its source is gone and so are they
    assertThat(agora("caps", "list", "shop.*").err()).isEqualTo("no capabilities match\n");
    assertThat(agora("caps", "remove", "demo.greet").out()).isEqualTo("removed demo.greet\n");
    assertThat(agora("caps", "list", "demo.*").err()).isEqualTo("no capabilities match\n");
    Result gone = agora("caps", "remove", "demo.greet");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).isEqualTo("error: NotFound: no capability 'demo.greet'\n");
    assertThat(agora("chain", "show", "--capability", "demo.greet").out())
        .contains("CapabilityRegistered")
        .contains("CapabilityRemoved");
    assertThat(agora("chain", "verify").exit()).isZero();
  }

  @Test
  void proofs_and_exports_verify_with_the_public_key_alone() throws IOException {
    agora("run", "--config", CONFIG, ORDER);
    Path pub = data().resolve("chain-key.pub");
    Result key = agora("chain", "key");
    assertThat(key.out().strip()).isEqualTo(Files.readString(pub).strip());

    String call = agora("chain", "show", "--type", "CapabilityCall", "--json").out();
    String callId =
        call.substring(
            call.indexOf("\"id\":\"") + 6, call.indexOf('"', call.indexOf("\"id\":\"") + 6));
    Result prove = agora("chain", "prove", callId);
    assertThat(prove.exit()).isZero();
    assertThat(prove.out()).startsWith("c2sp.org/tlog-proof@v1\nextra ");
    Path proof = dir.resolve("proof.txt");
    Files.writeString(proof, prove.out());
    Result ok = CliTest.agora("chain", "verify-proof", proof.toString(), "--key", pub.toString());
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).startsWith("ok: action " + callId + " (CapabilityCall) is entry ");
    Result other =
        CliTest.agora(
            "chain",
            "verify-proof",
            proof.toString(),
            "--key",
            ChainKey.generate("someone").verifier().encoded());
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.out())
        .startsWith("BAD: the proof does not hold")
        .endsWith("(the checkpoint is not signed by someone)\n");
    assertThat(CliTest.agora("chain", "verify-proof", proof.toString(), "--key", "garbage").err())
        .startsWith("error: --key: not a verifier key");
    assertThat(agora("chain", "prove", "no-such-action").err())
        .isEqualTo("error: no action 'no-such-action' in the chain\n");

    Path export = dir.resolve("chain.jsonl");
    Result exp = agora("chain", "export", export.toString());
    assertThat(exp.out())
        .startsWith("exported ")
        .contains("verify with: agora chain verify-export");
    Result good =
        CliTest.agora(
            "chain", "verify-export", export.toString(), "--key", Files.readString(pub).strip());
    assertThat(good.exit()).isZero();
    assertThat(good.out()).contains("ok: ");
    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    lines.set(
        6,
        lines
            .get(6)
            .replace("\"index\":5", "\"index\":5 ")
            .replaceFirst("\"body\":\"A", "\"body\":\"B"));
    Files.write(export, lines);
    Result bad =
        CliTest.agora("chain", "verify-export", export.toString(), "--key", pub.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).contains("BAD: entry 5: ");
    Files.writeString(export, "{}\n");
    assertThat(
            CliTest.agora("chain", "verify-export", export.toString(), "--key", pub.toString())
                .err())
        .startsWith("error: ")
        .contains("not an Agora chain export");

    assertThat(agora("chain", "checkpoint").out())
        .matches("(?s)agora\\.local/[0-9a-f]{16}\n\\d+\n.*\n\n\u2014 agora-.*\n");
    Result consistency = agora("chain", "consistency", "3");
    assertThat(consistency.exit()).isZero();
    assertThat(consistency.out()).startsWith("old size 3, root ");
    assertThat(agora("chain", "consistency", "100000").exit()).isEqualTo(1);
  }

  @Test
  void tampering_with_the_database_is_caught_by_chain_verify() throws SQLException {
    agora("run", "--config", CONFIG, ORDER);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().resolve("agora.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE chain_entries SET body = (SELECT body FROM chain_entries WHERE idx = 2), "
              + "leaf_hash = (SELECT leaf_hash FROM chain_entries WHERE idx = 2), action_id = "
              + "(SELECT action_id FROM chain_entries WHERE idx = 2), type = (SELECT type FROM chain_entries WHERE idx = 2), "
              + "time_nanos = (SELECT time_nanos FROM chain_entries WHERE idx = 2), capability_id = "
              + "(SELECT capability_id FROM chain_entries WHERE idx = 2) WHERE idx = 5");
    }
    Result r = agora("chain", "verify");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("BAD: entry 5: the chain hash does not match");
  }

  @Test
  void secrets_never_reach_the_chain() {
    assertThat(
            agora("caps", "call", "ccos.echo", "{:city \"Oslo\" :api_key \"sk-live-123\"}").out())
        .contains("sk-live-123"); // the caller gets its own value back
    String shown = agora("chain", "show", "--capability", "ccos.echo", "--json").out();
    assertThat(shown).contains("Oslo").contains("[redacted]").doesNotContain("sk-live-123");
  }

  @Test
  void a_memory_store_leaves_nothing_on_disk() throws IOException {
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(cfg, "storage: {type: memory}\n");
    assertThat(agora("caps", "call", "--config", cfg.toString(), "ccos.math.add", "[1 2]").out())
        .isEqualTo("3\n");
    assertThat(Files.exists(data())).isFalse();
    Files.writeString(cfg, "storage: {type: postgres}\n");
    Result pg = agora("caps", "list", "--config", cfg.toString());
    assertThat(pg.exit()).isEqualTo(2);
    assertThat(pg.err()).contains("postgres storage needs a url");
  }

  @Test
  void oneActionsSubtreeAsTextAndAsJson() {
    assertThat(agora("run", "--config", CONFIG, ORDER).exit()).isZero();
    String json = agora("chain", "show", "--type", "PlanStepStarted", "--json").out();
    int at = json.indexOf("\"id\":\"") + 6;
    String step = json.substring(at, json.indexOf('"', at));
    Result tree = agora("chain", "show", "--action", step, "--tree");
    List<String> lines = tree.out().lines().toList();
    assertThat(lines.getFirst()).startsWith("#").contains("PlanStepStarted");
    assertThat(lines).hasSizeGreaterThan(2).noneMatch(l -> l.contains("PlanStarted"));
    Result asJson = agora("chain", "show", "--action", step, "--tree", "--json");
    assertThat(asJson.out())
        .startsWith("[{")
        .contains("\"children\":[{")
        .contains("\"id\":\"" + step + "\"");
    Result one = agora("chain", "show", "--action", step);
    assertThat(one.out().lines()).singleElement().asString().contains("PlanStepStarted");
    Result none = agora("chain", "show", "--action", "no-such-action", "--tree");
    assertThat(none.err()).isEqualTo("no actions match\n");
  }
}
