package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora run and agora caps, against the example configuration and manifests. */
class MarketplaceCommandsTest {

  private static final String CONFIG = "../examples/agora.yaml";

  @TempDir Path dir;

  /**
   * The command with this test's own data directory: its own store and key, nothing shared between
   * tests.
   */
  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  @Test
  void run_prints_the_plans_value() {
    Result r = agora("run", "--config", CONFIG, "../examples/plans/order.rtfs");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "{:order \"A-17\" :customer \"Ada\" :items [\"Crafting Interpreters\" \"Fountain pen\"]"
                + " :total-cents 14493 :shipping :parcel :arrives-in-days 6}\n");
  }

  @Test
  void caps_stats_summarises_the_recorded_calls() {
    agora("caps", "call", "--config", CONFIG, "ccos.math.add", "[1 2]");
    agora("caps", "call", "--config", CONFIG, "ccos.math.add", "[3 4]");
    agora("caps", "call", "--config", CONFIG, "ccos.math.add", "\"three\"");
    agora("caps", "call", "--config", CONFIG, "admin.orders.purge", "{}");
    Result r = agora("caps", "stats", "--config", CONFIG);
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0])
        .startsWith("CAPABILITY")
        .contains(
            "CALLS", "FAILED", "P50", "P95", "RETRIES", "CACHED", "FALLBACKS", "CIRCUIT", "ERRORS");
    assertThat(r.out())
        .containsPattern("admin\\.orders\\.purge +1 +1 .* AccessDenied 1")
        .containsPattern("ccos\\.math\\.add +3 +1 .* InvalidInput 1");
    assertThat(agora("caps", "stats", "--config", CONFIG, "shop.*").out())
        .isEqualTo("no recorded calls matching 'shop.*'\n");
    Result bad = agora("caps", "stats", "--config", CONFIG, "--since", "yesterday");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--since: 'yesterday' is neither an ISO instant");
  }

  @Test
  void run_as_a_restricted_context() {
    Result operator = agora("run", "--config", CONFIG, "../examples/plans/fallbacks.rtfs");
    Result agent =
        agora("run", "--config", CONFIG, "--as", "agent", "../examples/plans/fallbacks.rtfs");
    assertThat(operator.out())
        .contains("{:step \"log a line\" :ok nil}")
        .contains(
            ":denied \"capability 'admin.orders.purge' "
                + "is denied by policy.deny[0] 'admin.*'\"");
    assertThat(agent.out()).contains(":refused \"caller 'agent' may not call 'ccos.io.log'");
    Result nobody =
        agora("run", "--config", CONFIG, "--as", "root", "../examples/plans/order.rtfs");
    assertThat(nobody.exit()).isEqualTo(2);
    assertThat(nobody.err())
        .startsWith("error: no security context 'root'")
        .contains("known contexts: agent, operator, sandbox");
  }

  @Test
  void run_trace_shows_the_plan_tree() {
    Result r = agora("run", "--config", CONFIG, "--trace", "../examples/plans/order.rtfs");
    assertThat(r.err())
        .contains(
            "trace: plan \"../examples/plans/order.rtfs\" started (operator)",
            "trace:   step \"order report\"",
            "trace:     step \"look up products\"",
            "trace:       call shop.catalog.lookup {:skus [\"book\" \"pen\"]} (map)");
  }

  @Test
  void a_failing_plan_exits_1_with_the_error_line() throws IOException {
    Path plan = dir.resolve("p.rtfs");
    Files.writeString(plan, "(step \"x\"\n  (call :shop.pricing.quote {:lines []}))");
    Result r = agora("run", "--config", CONFIG, plan.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: InvalidInput at "
                + plan
                + ":2:3: invalid input for 'shop.pricing.quote': "
                + "at [:lines]: expected [:non-empty], found [] (vector)\n");
  }

  @Test
  void configuration_problems_are_all_reported_and_stop_the_command() throws IOException {
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(cfg, "policy:\n  deny: [\"a b\"]\ncontexts:\n  x: {level: royal}\n");
    Result r = agora("run", "--config", cfg.toString(), "../examples/plans/order.rtfs");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: "
                + cfg
                + ":2: policy.deny: 'a b' contains ' '; patterns use id characters and the wildcards * and ?\n"
                + "error: "
                + cfg
                + ":4: contexts.x.level: 'royal' is not a level; use pure, controlled or full\n");
  }

  @Test
  void a_failing_source_is_a_warning_and_start_up_goes_on() throws IOException {
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(cfg, "sources:\n  - {name: gone, type: files, path: nowhere}\n");
    Result r = agora("caps", "list", "--config", cfg.toString(), "ccos.echo");
    assertThat(r.exit()).isZero();
    assertThat(r.err())
        .startsWith("warning: discovery source 'gone' failed and was skipped: manifest directory ");
    assertThat(r.out()).startsWith("ccos.echo");
  }

  @Test
  void caps_list_with_patterns_and_filters() {
    Result all = agora("caps", "list", "--config", CONFIG);
    assertThat(all.out()).contains("shop.pricing.quote", "ccos.echo", "admin.orders.purge");
    Result shop = agora("caps", "list", "--config", CONFIG, "shop.*");
    assertThat(shop.out().lines()).hasSize(4).allMatch(l -> l.startsWith("shop."));
    Result pure = agora("caps", "list", "--config", CONFIG, "--effect", "pure", "ccos.*");
    assertThat(pure.out()).contains("ccos.echo").doesNotContain("ccos.io.log");
    Result text = agora("caps", "list", "--config", CONFIG, "--text", "shipping");
    assertThat(text.out().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("shop.shipping.estimate");
    assertThat(agora("caps", "list", "--config", CONFIG, "--json", "shop.stats.*").out())
        .startsWith("[{\"id\":\"shop.stats.summary\"");
    assertThat(agora("caps", "list", "no(pe").exit()).isEqualTo(2);
  }

  @Test
  void caps_show() {
    Result r = agora("caps", "show", "--config", CONFIG, "shop.pricing.quote");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains(
            "id:            shop.pricing.quote",
            "version:       2.0.1",
            "effects:       pure",
            "permissions:   shop.pricing",
            "timeout:       2000 ms",
            "source:        shop");
    Result missing = agora("caps", "show", "--config", CONFIG, "shop.pricing.qoute");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo(
            "error: NotFound: no capability 'shop.pricing.qoute'; did you mean shop.pricing.quote?\n");
    assertThat(agora("caps", "show", "--json", "ccos.echo").out())
        .startsWith("{\"id\":\"ccos.echo\"");
  }

  @Test
  void caps_call_with_rtfs_or_json_arguments() {
    assertThat(
            agora("caps", "call", "--config", CONFIG, "shop.stats.summary", "{:values [1 2 3]}")
                .out())
        .isEqualTo("{:count 3 :min 1 :max 3 :mean 2}\n");
    assertThat(
            agora(
                    "caps",
                    "call",
                    "--config",
                    CONFIG,
                    "shop.stats.summary",
                    "{\"values\": [1, 2, 3]}")
                .out())
        .isEqualTo("{:count 3 :min 1 :max 3 :mean 2}\n");
    assertThat(agora("caps", "call", "--json", "ccos.echo", "{\"a\": [1, null]}").out())
        .isEqualTo("{\"a\":[1,null]}\n");
    assertThat(agora("caps", "call", "ccos.echo").out()).isEqualTo("nil\n");
    Result denied =
        agora("caps", "call", "--config", CONFIG, "admin.orders.purge", "{:before \"x\"}");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.err())
        .isEqualTo(
            "error: AccessDenied: capability 'admin.orders.purge' is denied by policy.deny[0] 'admin.*'\n");
    Result bad = agora("caps", "call", "ccos.echo", "{:a");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err())
        .startsWith("error: ARGS are neither JSON (malformed JSON")
        .contains("nor RTFS (unterminated map");
    Result traced = agora("caps", "call", "--trace", "ccos.math.add", "[1 2]");
    assertThat(traced.err())
        .contains("trace: call ccos.math.add [1 2] (vector)", "trace:   → 3 (integer)");
  }

  @Test
  void compactJsonArgumentsAreJsonAndEachFormatCanBeForced() {
    // issue 11: '{"a":2,"b":3}' is also RTFS — a map of the keywords :2 and :3 — but it means what
    // JSON says
    assertThat(agora("caps", "call", "ccos.echo", "{\"a\":2,\"b\":3}").out())
        .isEqualTo("{:a 2 :b 3}\n");
    assertThat(agora("caps", "call", "ccos.math.add", "[1,2,3]").out()).isEqualTo("6\n");
    assertThat(agora("caps", "call", "ccos.math.add", "[1 2 3]").out())
        .as("not JSON: RTFS")
        .isEqualTo("6\n");
    assertThat(agora("caps", "call", "--rtfs", "ccos.echo", "{\"a\":2}").out())
        .as("RTFS: a string key, a keyword")
        .isEqualTo("{\"a\" :2}\n");
    assertThat(agora("caps", "call", "--json", "ccos.echo", "{\"a\":2}").out())
        .isEqualTo("{\"a\":2}\n");
    Result notJson = agora("caps", "call", "--json", "ccos.echo", "{:a 2}");
    assertThat(notJson.exit()).isEqualTo(2);
    assertThat(notJson.err()).startsWith("error: ARGS are not JSON: malformed JSON at 1:2");
    Result notRtfs = agora("caps", "call", "--rtfs", "ccos.echo", "{:a");
    assertThat(notRtfs.exit()).isEqualTo(2);
    assertThat(notRtfs.err()).startsWith("error: ARGS are not RTFS: unterminated map");
    assertThat(agora("caps", "call", "--json", "--rtfs", "ccos.echo", "1").err())
        .startsWith("error: --json and --rtfs exclude each other");
  }

  @Test
  void theReadmesRuntimeManifestIsAddedCalledAndRemoved() {
    Result added = agora("caps", "add", "../examples/my-manifest.yaml");
    assertThat(added.err()).isEmpty();
    assertThat(added.out()).isEqualTo("registered demo.greet 1.0.0\n");
    assertThat(agora("caps", "call", "demo.greet", "{\"name\": \"Ada\"}").out())
        .isEqualTo("\"Hello, Ada!\"\n");
    assertThat(agora("caps", "call", "demo.greet", "{:name \"Ada\" :lang \"no\"}").out())
        .isEqualTo("\"Hei, Ada!\"\n");
    assertThat(agora("caps", "remove", "demo.greet").out()).isEqualTo("removed demo.greet\n");
    Result gone = agora("caps", "call", "demo.greet", "{}");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).startsWith("error: NotFound: no capability 'demo.greet'");
  }

  @Test
  void capabilitiesAddedAtRunTimeStayWithTheirConfigurationAndShowTheirOrigin() {
    // issue 11: they persisted into every configuration sharing the data directory
    assertThat(agora("caps", "add", "--config", CONFIG, "../examples/my-manifest.yaml").exit())
        .isZero();
    Result mine = agora("caps", "list", "--config", CONFIG, "demo.*");
    assertThat(mine.out())
        .startsWith("demo.greet")
        .endsWith("[added at run time (cli my-manifest.yaml)]\n");
    assertThat(agora("caps", "list", "--config", "../examples/mcp/agora.yaml", "demo.*").out())
        .isEmpty();
    assertThat(agora("caps", "list", "demo.*").err()).isEqualTo("no capabilities match\n");
    assertThat(agora("caps", "list", "--config", CONFIG, "ccos.echo").out())
        .endsWith("[builtin]\n");
    assertThat(agora("caps", "list", "--config", CONFIG, "shop.pricing.*").out())
        .endsWith("[shop]\n");
  }
}
