package dev.agora.cli;

import dev.agora.rtfs.Limits;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --timeout-ms} and {@code --max-steps}, shared by the commands that evaluate RTFS. */
final class BudgetOptions {

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      description = "Stop the evaluation after this many milliseconds.")
  Long timeoutMs;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description = "Stop the evaluation after N function applications.")
  Long maxSteps;

  /** The limits these options ask for; a non-positive value is a usage error. */
  Limits limits(CommandLine cmd) {
    Limits l = Limits.DEFAULT;
    if (timeoutMs != null) {
      if (timeoutMs <= 0) {
        throw new ParameterException(cmd, "--timeout-ms must be positive, got " + timeoutMs);
      }
      l = l.withTimeout(Duration.ofMillis(timeoutMs));
    }
    if (maxSteps != null) {
      if (maxSteps <= 0) {
        throw new ParameterException(cmd, "--max-steps must be positive, got " + maxSteps);
      }
      l = l.withMaxSteps(maxSteps);
    }
    return l;
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
