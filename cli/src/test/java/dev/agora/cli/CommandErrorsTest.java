package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each command does with bad input — missing or malformed files, bad arguments, unknown ids —
 * and the less travelled outputs: exit codes and one-line {@code error:} messages on stderr.
 */
class CommandErrorsTest {

  private static final String CONFIG = "../examples/agora.yaml";

  @TempDir Path dir;

  /** A node command with this test's own data directory. */
  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void budgetsMustBePositiveAndADirectoryIsNotAPlan() throws IOException {
    Result steps = agora("eval", "--max-steps", "0", "-e", "1");
    assertThat(steps.exit()).isEqualTo(2);
    assertThat(steps.err()).startsWith("error: --max-steps must be positive, got 0\n");
    Result ok = agora("eval", "--max-steps", "1000", "--timeout-ms", "60000", "-e", "(+ 1 2)");
    assertThat(ok.out()).isEqualTo("3\n");
    Path folder = Files.createDirectory(dir.resolve("plans"));
    Result run = agora("run", folder.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: cannot read " + folder + ": ")
        .contains("see: agora run");
    Result missing = agora("run", dir.resolve("nope.rtfs").toString());
    assertThat(missing.err())
        .startsWith("error: cannot read " + dir.resolve("nope.rtfs") + ": no such file\n");
  }

  @Test
  void aStoreThatCannotBeOpenedIsExitOne() throws IOException {
    Path notADir = file("data-file", "");
    Result r = CliTest.agora("caps", "list", "--data-dir", notADir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("error: ")
        .contains(notADir.toString())
        .doesNotContain("Exception");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void aBadManifestInASourceIsAWarningAndTheRestLoads() throws IOException {
    Path manifests = Files.createDirectory(dir.resolve("m"));
    Files.writeString(
        manifests.resolve("bad.yaml"),
        "id: Bad Id\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n");
    Path cfg = file("agora.yaml", "sources:\n  - {name: mine, type: files, path: m}\n");
    Result r = agora("caps", "list", "--config", cfg.toString(), "ccos.echo");
    assertThat(r.exit()).isZero();
    assertThat(r.err())
        .isEqualTo(
            "warning: "
                + manifests.resolve("bad.yaml")
                + ":1: id: 'Bad Id' contains ' '; ids use letters, digits, _ and -, with . : / between segments\n");
    assertThat(r.out()).startsWith("ccos.echo");
  }

  @Test
  void capsWithoutASubcommandShowsItsUsage() {
    Result caps = CliTest.agora("caps");
    assertThat(caps.exit()).isZero();
    assertThat(caps.out()).startsWith("Usage: agora caps").contains("list", "show", "call");
    Result chain = CliTest.agora("chain");
    assertThat(chain.exit()).isZero();
    assertThat(chain.out()).startsWith("Usage: agora chain").contains("verify-export");
  }

  @Test
  void showWithNothingNearIsNotFoundWithoutSuggestions() {
    Result r = agora("caps", "show", "zzzzzz.qqqqq");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: NotFound: no capability 'zzzzzz.qqqqq'\n");
    Result call = agora("caps", "call", "ccos.ecoh", "1");
    assertThat(call.exit()).isEqualTo(1);
    assertThat(call.err()).startsWith("error: NotFound: ").contains("did you mean ccos.echo?");
  }

  @Test
  void blankArgumentsAreNil() {
    assertThat(agora("caps", "call", "ccos.echo", "   ").out()).isEqualTo("nil\n");
    assertThat(agora("caps", "call", "--json", "ccos.echo", "").out()).isEqualTo("null\n");
  }

  @Test
  void addingAFileWithABadManifestReportsItAndExitsOne() throws IOException {
    Path bad =
        file(
            "bad.yaml",
            "id: demo.bad\nversion: one\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n");
    Result r = agora("caps", "add", bad.toString(), "../examples/my-manifest.yaml");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: " + bad + ":2: version: ");
    assertThat(r.out())
        .as("the good file is still added")
        .isEqualTo("registered demo.greet 1.0.0\n");
    Result missing = agora("caps", "add", dir.resolve("gone.yaml").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).startsWith("error: ").contains("gone.yaml");
  }

  @Test
  void showPrintsMetadataAndSaysAnyForMissingSchemas() throws IOException {
    Path m =
        file(
            "raw.yaml",
            """
            id: demo.raw
            version: 2.0.0
            description: Passes anything through.
            provider: {type: local, implementation: "(fn [x] x)"}
            effects: [logging]
            permissions: [demo.read, demo.write]
            metadata: {owner: ops}
            """);
    assertThat(agora("caps", "add", m.toString()).exit()).isZero();
    Result r = agora("caps", "show", "demo.raw");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains(
            "input:         any",
            "output:        any",
            "effects:       logging",
            "permissions:   demo.read, demo.write",
            "metadata:      {",
            "ops",
            "cli raw.yaml")
        .doesNotContain("timeout:");
  }

  @Test
  void removingOneVersion() {
    assertThat(agora("caps", "add", "../examples/my-manifest.yaml").exit()).isZero();
    Result wrong = agora("caps", "remove", "demo.greet", "--version", "9.9.9");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).isEqualTo("error: NotFound: no capability 'demo.greet' 9.9.9\n");
    Result right = agora("caps", "remove", "demo.greet", "--version", "1.0.0");
    assertThat(right.exit()).isZero();
    assertThat(right.out()).isEqualTo("removed demo.greet 1.0.0\n");
    assertThat(agora("caps", "show", "demo.greet").exit()).isEqualTo(1);
  }

  @Test
  void statsWithoutCallsAndWithoutErrors() {
    assertThat(agora("caps", "stats").out()).isEqualTo("no recorded calls\n");
    agora("caps", "call", "ccos.echo", "1");
    Result r = agora("caps", "stats");
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList().getLast())
        .matches("ccos\\.echo +1 +0 +\\S+ms +\\S+ms +\\S+ms +0 +0 +0 - +");
  }

  @Test
  void aBadStatsPatternIsAUsageError() {
    // issue 11: it was exit 1 here, while the same pattern is a usage error in 'caps list'
    Result r = agora("caps", "stats", "no(pe");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: 'no(pe' contains '('")
        .contains("see: agora caps stats --help");
  }

  @Test
  void anUnknownActionTypeIsAUsageErrorWithSuggestions() {
    // issue 11: an unknown --type matched nothing and said "no actions match"
    Result r = agora("chain", "show", "--type", "CapabilityResutl");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "error: --type: no action type 'CapabilityResutl'; did you mean CapabilityResult?\n");
  }

  @Test
  void aDurationBeforeTheEarliestTimeIsAUsageError() {
    // issue 11: it was an internal error, "Instant exceeds minimum or maximum instant", exit 1
    Result r = agora("chain", "show", "--since", "999999999999999h");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: --since: '999999999999999h' reaches before the earliest time\n");
  }

  @Test
  void anExportThatCannotBeWrittenNamesTheFile() {
    // issue 11: it printed the name of a temporary file only
    Path target = dir.resolve("missing-dir").resolve("chain.jsonl");
    Result r = agora("chain", "export", target.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: cannot write " + target + ": no such file\n");
  }

  @Test
  void chainSubcommandSuggestionsAndConsistencyBounds() {
    Result r = agora("chain", "verif");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("did you mean verify, verify-export, verify-proof?");
    agora("caps", "call", "ccos.echo", "1");
    Result negative =
        CliTest.agora(
            "chain", "consistency", "--data-dir", dir.resolve("data").toString(), "--", "-1");
    assertThat(negative.exit()).isEqualTo(1);
    assertThat(negative.err())
        .startsWith("error: the log has ")
        .endsWith(" entries; OLD_SIZE must be between 0 and that\n");
  }

  @Test
  void aProofIsReadFromStandardInputAndAMalformedOneIsRefused() throws IOException {
    agora("caps", "call", "ccos.echo", "{:a 1}");
    String json = agora("chain", "show", "--type", "CapabilityCall", "--json").out();
    int at = json.indexOf("\"id\":\"") + 6;
    String id = json.substring(at, json.indexOf('"', at));
    String proof = agora("chain", "prove", id).out();
    String key = dir.resolve("data").resolve("chain-key.pub").toString();
    Result ok = CliTest.withInput(proof, "chain", "verify-proof", "-", "--key", key);
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith("ok: action " + id + " (CapabilityCall) is entry ");
    Result garbage = CliTest.withInput("garbage\n", "chain", "verify-proof", "-", "--key", key);
    assertThat(garbage.exit()).isEqualTo(1);
    assertThat(garbage.err()).startsWith("error: not a tlog proof");
    Result noFile =
        CliTest.agora("chain", "verify-proof", dir.resolve("nothing.txt").toString(), "--key", key);
    assertThat(noFile.exit()).isEqualTo(1);
    assertThat(noFile.err())
        .isEqualTo("error: cannot read " + dir.resolve("nothing.txt") + ": no such file\n");
    Result noExport =
        CliTest.agora(
            "chain", "verify-export", dir.resolve("nothing.jsonl").toString(), "--key", key);
    assertThat(noExport.err())
        .isEqualTo("error: cannot read " + dir.resolve("nothing.jsonl") + ": no such file\n");
  }

  @Test
  void chainShowPrintsFailuresDiscoveryAndValuesJsonCannotHold() {
    agora("caps", "call", "ccos.math.add", "\"x\"");
    agora("run", "--config", CONFIG, "../examples/plans/order.rtfs");
    agora("eval", "-e", "(call :ccos.echo (fn [x] x))");
    Result failed =
        agora("chain", "show", "--capability", "ccos.math.add", "--type", "CapabilityResult");
    assertThat(failed.out())
        .contains(
            "CapabilityResult",
            "✗ CapabilityResult InvalidInput: invalid input for 'ccos.math.add'");
    Result discovery = agora("chain", "show", "--type", "DiscoveryCompleted");
    assertThat(discovery.out()).contains("DiscoveryCompleted", ": discovery ");
    Result fn =
        agora("chain", "show", "--capability", "ccos.echo", "--type", "CapabilityResult", "--json");
    assertThat(fn.out()).contains("\"result\":\"#<fn fn>\"");
  }

  @Test
  void traceSkipsRegistryEventsAndShowsFailures() {
    Result r = agora("caps", "call", "--trace", "ccos.math.add", "\"x\"");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .doesNotContain("registered")
        .contains("trace: call ccos.math.add \"x\" (string)")
        .contains("trace:   ✗ CapabilityResult InvalidInput: ");
  }
}
