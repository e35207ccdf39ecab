package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.eval.Interpreter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every program under {@code src/test/resources/conformance}. Each file states its expectation
 * in a header comment, jlox-style:
 *
 * <pre>
 *   ;; expect: [1 2 3]                       the printed value of the last form
 *   ;; expect-error: DivisionByZero at 3:5  the error kind, optionally its line:column
 * </pre>
 *
 * Programs run with the demo host ({@code ccos.echo}, {@code ccos.math.add}), as {@code agora eval}
 * does.
 */
class ConformanceTest {

  private static final Path ROOT = root();

  @TestFactory
  Stream<DynamicTest> conformance() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<Path> programs = files.filter(p -> p.toString().endsWith(".rtfs")).sorted().toList();
      return programs.stream()
          .map(p -> DynamicTest.dynamicTest(ROOT.relativize(p).toString(), () -> check(p)));
    }
  }

  @Test
  void the_suite_is_not_empty() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      assertThat(files.filter(p -> p.toString().endsWith(".rtfs")).count()).isGreaterThan(80);
    }
  }

  private static void check(Path file) throws IOException {
    String source = Files.readString(file);
    String expect = header(source, ";; expect:");
    String expectError = header(source, ";; expect-error:");
    assertThat(expect != null ^ expectError != null)
        .as(file + " needs exactly one expect or expect-error line")
        .isTrue();
    Interpreter rtfs =
        Interpreter.builder()
            .host(DemoHost.create())
            .out(new PrintStream(OutputStream.nullOutputStream()))
            .build();
    try {
      Value v = rtfs.eval(source, file.getFileName().toString());
      assertThat(expectError)
          .as(file + " returned " + Printer.print(v) + " but expected an error")
          .isNull();
      assertThat(Printer.print(v)).as(file.toString()).isEqualTo(expect);
    } catch (RtfsError e) {
      assertThat(expectError).as(file + " failed: " + e.describe()).isNotNull();
      String[] parts = expectError.split(" at ");
      assertThat(e.kind().name()).as(file + ": " + e.describe()).isEqualTo(parts[0].strip());
      if (parts.length > 1) {
        assertThat(e.pos().lineColumn()).as(file + ": " + e.describe()).isEqualTo(parts[1].strip());
      }
    }
  }

  private static String header(String source, String prefix) {
    for (String line : source.split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).strip();
      }
    }
    return null;
  }

  private static Path root() {
    try {
      return Path.of(ConformanceTest.class.getResource("/conformance").toURI());
    } catch (URISyntaxException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
