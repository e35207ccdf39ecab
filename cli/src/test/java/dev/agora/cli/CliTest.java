package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agora command in-process: output streams, exit codes and error lines. */
class CliTest {

  @TempDir Path dir;

  /** The outcome of one command line. */
  record Result(int exit, String out, String err) {}

  static Result withInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            args,
            new Main.Io(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result agora(String... args) {
    return withInput("", args);
  }

  /** A node command with its own data directory: {@code --data-dir data} appended. */
  static Result withData(Path data, String stdin, String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = data.toString();
    return withInput(stdin, all);
  }

  /**
   * Runs a command line on a thread of its own (serve, mcp); its exit code lands in {@code exit}.
   */
  static Thread inBackground(
      AtomicInteger exit, InputStream in, OutputStream out, OutputStream err, String... args) {
    return Thread.ofPlatform()
        .start(
            () ->
                exit.set(
                    Main.run(
                        args,
                        new Main.Io(
                            in,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)))));
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void help_lists_the_commands() {
    Result r = agora("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: agora", "eval", "repl");
    assertThat(agora().out()).contains("Usage: agora");
    assertThat(agora("eval", "--help").out()).contains("-e, --expr=EXPR", "--trace");
  }

  @Test
  void version() {
    assertThat(agora("--version").out()).startsWith("agora ");
  }

  @Test
  void eval_an_expression_prints_the_value() {
    Result r = agora("eval", "-e", "(defn sq [x] (* x x)) (map sq [1 2 3])");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("[1 4 9]\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void eval_a_file_prints_the_last_value_after_program_output() throws IOException {
    Path f = file("plan.rtfs", "(println \"working\")\n{:result (call :ccos.math.add [1 2])}\n");
    Result r = agora("eval", f.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("working\n{:result 3}\n");
  }

  @Test
  void an_error_is_one_line_on_stderr_with_file_line_and_column() throws IOException {
    Path f = file("bad.rtfs", "(do\n  (/ 1 0))\n");
    Result r = agora("eval", f.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: DivisionByZero at " + f + ":2:3: Division by zero\n");
  }

  @Test
  void parse_errors_use_the_same_line() {
    Result r = agora("eval", "-e", "(str \"abc");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("error: ParseError at <expr>:1:6: unterminated string starting at 1:6\n");
  }

  @Test
  void usage_errors_exit_2() throws IOException {
    Result none = agora("eval");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err())
        .startsWith("error: give either a FILE or -e EXPR\n")
        .contains("see: agora eval --help");
    assertThat(agora("eval", "-e", "1", file("x.rtfs", "1").toString()).exit()).isEqualTo(2);
    Result missing = agora("eval", dir.resolve("missing.rtfs").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err())
        .startsWith("error: cannot read " + dir.resolve("missing.rtfs") + ": no such file");
    assertThat(agora("eval", "--bogus").exit()).isEqualTo(2);
    assertThat(agora("frobnicate").exit()).isEqualTo(2);
    assertThat(agora("eval", "--timeout-ms", "0", "-e", "1").err())
        .contains("--timeout-ms must be positive");
  }

  @Test
  void a_file_that_is_not_utf8_is_refused() throws IOException {
    Path f = dir.resolve("latin1.rtfs");
    Files.write(f, new byte[] {'"', (byte) 0xE9, '"'});
    Result r = agora("eval", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: cannot read " + f + ": it is not UTF-8 text");
  }

  @Test
  void trace_shows_steps_and_calls_nested() {
    Result r =
        agora(
            "eval", "--trace", "-e", "(step \"outer\" (step \"inner\" (call :ccos.echo {:x 1})))");
    assertThat(r.exit()).isZero();
    assertThat(r.err().replaceAll(" \\(\\d+\\.\\d{3} ms\\)", ""))
        .isEqualTo(
            """
        trace: plan "<expr>" started (local)
        trace:   step "outer"
        trace:     step "inner"
        trace:       call ccos.echo {:x 1} (map)
        trace:         → {:x 1} (map)
        trace:       → {:x 1} (map)
        trace:     → {:x 1} (map)
        trace:   → {:x 1} (map)
        """);
  }

  @Test
  void budgets_from_the_command_line() {
    Result steps = agora("eval", "--max-steps", "100", "-e", "(reduce + (range 1000))");
    assertThat(steps.exit()).isEqualTo(1);
    assertThat(steps.err()).startsWith("error: LimitExceeded").contains("budget of 100 steps");
    Result time =
        agora(
            "eval",
            "--timeout-ms",
            "1",
            "-e",
            "((fn spin [n] (if (= n 0) 0 (+ 1 (spin (- n 1)) (spin (- n 1))))) 60)");
    assertThat(time.exit()).isEqualTo(1);
    assertThat(time.err()).startsWith("error: Timeout");
  }

  @Test
  void deep_recursion_works_on_the_big_stack() {
    Result r = agora("eval", "-e", "(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 9000)");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("9000\n");
  }

  @Test
  void repl_session_keeps_definitions_reports_errors_and_reads_multi_line_forms() {
    Result r =
        withInput(
            """
        (defn double [x]
          (* x 2))
        (double 21)
        (/ 1 0)
        :help
        :globals
        (str "still "
             "here")
        :quit
        (double 1)
        """,
            "repl",
            "--no-history");
    assertThat(r.exit()).isZero();
    String out = r.out().replace("\r", "");
    assertThat(out)
        .contains(
            "#<fn double>\n",
            "42\n",
            "error: DivisionByZero at <repl>:1:1: Division by zero\n",
            ":globals",
            "\"still here\"\n");
    assertThat(out).contains("double").as("globals lists user definitions");
    assertThat(out.substring(out.lastIndexOf(":quit")))
        .as("nothing runs after :quit")
        .doesNotContain("2");
    assertThat(out).startsWith("RTFS REPL").as("piped input is not echoed before the banner");
  }

  @Test
  void every_example_runs() throws IOException {
    try (var files = Files.list(Path.of("..", "examples"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".rtfs")).toList()) {
        Result r = agora("eval", p.toString());
        assertThat(r.err()).as(p.toString()).isEmpty();
        assertThat(r.exit()).as(p.toString()).isZero();
      }
    }
    try (var files = Files.list(Path.of("..", "examples", "plans"))) {
      var plans = files.filter(f -> f.toString().endsWith(".rtfs")).toList();
      assertThat(plans).hasSizeGreaterThanOrEqualTo(3);
      for (Path p : plans) {
        Result r =
            agora(
                "run",
                "--config",
                "../examples/agora.yaml",
                "--data-dir",
                dir.resolve("data").toString(),
                p.toString());
        assertThat(r.exit()).as(p + ": " + r.err()).isZero();
      }
    }
  }

  @Test
  void repl_ends_at_end_of_input() {
    Result r = withInput("(+ 1 2)\n", "repl", "--no-history");
    assertThat(r.exit()).isZero();
    assertThat(r.out().replace("\r", "")).contains("3\n");
  }
}
