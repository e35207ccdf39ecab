package dev.agora.cli;

import dev.agora.rtfs.Limits;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --timeout-ms}, {@code --max-steps} and {@code --max-memory-bytes}, shared by the commands
 * that evaluate RTFS: each overrides agora.yaml's {@code rtfs:} section (whose timeout is 60 s by
 * default, so no plan runs forever).
 */
final class BudgetOptions {

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      description =
          "Stop the evaluation after this many milliseconds (default: rtfs.timeout, 60 s).")
  Long timeoutMs;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description = "Stop the evaluation after N function applications.")
  Long maxSteps;

  @Option(
      names = "--max-memory-bytes",
      paramLabel = "BYTES",
      description =
          "Stop the evaluation once the values it made take more than BYTES (default:"
              + " rtfs.max_memory_bytes, 256 MiB).")
  Long maxMemoryBytes;

  /**
   * What these options change in the configured limits; a non-positive value is a usage error,
   * reported before anything starts.
   */
  UnaryOperator<Limits> overrides(CommandLine cmd) {
    positive(cmd, "--timeout-ms", timeoutMs);
    positive(cmd, "--max-steps", maxSteps);
    positive(cmd, "--max-memory-bytes", maxMemoryBytes);
    return configured -> {
      Limits l = configured;
      if (timeoutMs != null) {
        l = l.withTimeout(Duration.ofMillis(timeoutMs));
      }
      if (maxSteps != null) {
        l = l.withMaxSteps(maxSteps);
      }
      if (maxMemoryBytes != null) {
        l = l.withMaxMemory(maxMemoryBytes);
      }
      return l;
    };
  }

  private static void positive(CommandLine cmd, String option, Long value) {
    if (value != null && value <= 0) {
      throw new ParameterException(cmd, option + " must be positive, got " + value);
    }
  }

  /** Reads a source file as UTF-8; an unreadable one is a usage error naming why. */
  static String read(Path p, CommandLine cmd) {
    try {
      return Files.readString(p);
    } catch (MalformedInputException e) {
      throw new ParameterException(cmd, "cannot read " + p + ": it is not UTF-8 text");
    } catch (IOException e) {
      throw new ParameterException(cmd, "cannot read " + p + ": " + why(e));
    }
  }

  /** Why a file operation failed, in a few words: "no such file", "permission denied", … */
  static String why(IOException e) {
    return switch (e) {
      case NoSuchFileException n -> "no such file";
      case AccessDeniedException a -> "permission denied";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
