package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agora repl} driven through its input stream, and {@code agora eval}: both on the
 * marketplace — the same built-ins as {@code run}, the caller's context, every evaluation recorded
 * in the chain.
 */
class ReplTest {

  private static final String CONFIG = "../examples/agora.yaml";

  @TempDir Path dir;

  private Result agora(String stdin, String... args) {
    return CliTest.withData(dir.resolve("data"), stdin, args);
  }

  /**
   * What the session printed: no banner, and no prompt lines (the terminal shows each typed line
   * after its prompt).
   */
  private static List<String> lines(Result r) {
    return Arrays.stream(r.out().split("\n"))
        .filter(l -> !l.isBlank())
        .filter(
            l -> !l.startsWith("RTFS REPL") && !l.startsWith("rtfs> ") && !l.startsWith("  ... "))
        .toList();
  }

  @Test
  void metaCommandsAreHandledOnceAndNeverEvaluated() {
    // issue 11: :help and :globals fell through to evaluation, an unknown :foo was evaluated twice
    Result r = agora(":help\n:globals\n:foo\n:quit\n", "repl", "--no-history");
    assertThat(r.exit()).isZero();
    List<String> out = lines(r);
    assertThat(out.getFirst()).startsWith("Enter RTFS forms");
    assertThat(out)
        .filteredOn(l -> l.equals(":help") || l.equals(":globals") || l.equals(":foo"))
        .isEmpty();
    assertThat(out).filteredOn(l -> l.contains(" map ") && l.contains(" reduce ")).hasSize(1);
    assertThat(out)
        .filteredOn(l -> l.startsWith("error: "))
        .containsExactly("error: unknown command :foo; :help lists the commands");
  }

  @Test
  void definitionsPersistAndCallsGoThroughTheMarketplace() {
    Result r =
        agora(
            "(defn sq [x] (* x x))\n(sq 4)\n(call :ccos.math.add [1 2 (sq 3)])\n(call :ccos.time.nwo)\n"
                + "(str \"multi\n line\")\n",
            "repl",
            "--no-history");
    assertThat(r.exit()).isZero();
    List<String> out = lines(r);
    assertThat(out).contains("16", "12", "\"multi\\n line\"");
    assertThat(out)
        .anyMatch(
            l -> l.startsWith("error: NotFound") && l.contains("did you mean ccos.time.now?"));
  }

  @Test
  void theReplActsAsTheCallerAndIsRecorded() {
    Result r =
        agora(
            "(call :ccos.io.log {:message \"hi\"})\n(call :ccos.echo 1)\n",
            "repl",
            "--no-history",
            "--config",
            CONFIG,
            "--as",
            "agent");
    assertThat(lines(r))
        .anyMatch(
            l -> l.startsWith("error: SecurityViolation") || l.startsWith("error: AccessDenied"))
        .contains("1");
    Result plans = agora("", "chain", "show", "--type", "PlanStarted", "--config", CONFIG);
    assertThat(plans.out()).contains("plan \"<repl>\" started (agent)");
    assertThat(agora("", "chain", "verify", "--config", CONFIG).out()).startsWith("ok: ");
  }

  @Test
  void evalUsesTheSameBuiltinsAndContextsAsRunAndIsRecorded() {
    assertThat(agora("", "eval", "-e", "(call :ccos.data.to-json {:a 1})").out())
        .isEqualTo("\"{\\\"a\\\":1}\"\n");
    Result denied =
        agora("", "eval", "--config", CONFIG, "--as", "sandbox", "-e", "(call :ccos.time.now)");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.err()).startsWith("error: SecurityViolation at <expr>:1:1: ");
    Result quote =
        agora(
            "",
            "eval",
            "--config",
            CONFIG,
            "-e",
            "(call :shop.pricing.quote {:lines [{:sku \"pen\" :qty 2 :price 1250}]})");
    assertThat(quote.out()).contains(":total 3125");
    Result plans = agora("", "chain", "show", "--type", "PlanStarted");
    assertThat(plans.out()).contains("plan \"<expr>\" started (local)");
  }

  @Test
  void blankLinesAreSkippedAndAColonLineWithSpacesIsCode() {
    Result r = agora("\n   \n:a 1\n(+ 1 1)\n", "repl", "--no-history");
    assertThat(r.exit()).isZero();
    assertThat(lines(r)).containsExactly("1", "2");
  }

  @Test
  void historyIsKeptInTheHomeDirectoryUnlessTurnedOff() throws Exception {
    String home = System.getProperty("user.home");
    System.setProperty("user.home", dir.toString());
    try {
      assertThat(agora("(+ 40 2)\n", "repl").out()).contains("42");
      Path history = dir.resolve(".agora_history");
      assertThat(Files.readString(history)).contains("(+ 40 2)");
      agora("(+ 1 1)\n", "repl", "--no-history");
      assertThat(Files.readString(history)).doesNotContain("(+ 1 1)");
    } finally {
      System.setProperty("user.home", home);
    }
  }
}
