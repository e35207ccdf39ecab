package dev.agora.core.fuzz;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.SourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One parser of outside input under fuzzing: manifests in each format, or agora.yaml. {@link #run}
 * feeds it one input and says how it ended; anything but a result or the documented typed error (a
 * {@link DocumentException}, or problems in a manifest {@link Manifests.LoadResult}) is thrown back
 * as an {@link AssertionError} naming the input.
 */
public enum DocumentFuzz {
  MANIFEST_JSON(Documents.Format.JSON, "json"),
  MANIFEST_YAML(Documents.Format.YAML, "yaml"),
  MANIFEST_RTFS(Documents.Format.RTFS, "rtfs"),
  CONFIG(Documents.Format.YAML, null);

  /** How an input ended. */
  public enum Outcome {
    ACCEPTED,
    PROBLEMS,
    DOCUMENT_ERROR
  }

  private static final Map<String, SourceFactory> FACTORIES = ConfigLoader.factories();

  private final Documents.Format format;
  private final String manifestExtension;

  DocumentFuzz(Documents.Format format, String manifestExtension) {
    this.format = format;
    this.manifestExtension = manifestExtension;
  }

  /** Parses one input; base is where a configuration's relative paths resolve. */
  public Outcome run(String input, Path base) {
    try {
      Document doc = Documents.parse(input, "fuzz", format);
      if (this == CONFIG) {
        AgoraConfig cfg = ConfigLoader.parse(doc, base, FACTORIES);
        cfg.sources().forEach(s -> s.close());
        return Outcome.ACCEPTED;
      }
      Manifests.LoadResult r = Manifests.parse(doc);
      r.problems()
          .forEach(
              p -> {
                if (p.message() == null || p.message().isBlank()) {
                  throw new AssertionError("a problem without a message: " + p);
                }
              });
      return r.problems().isEmpty() ? Outcome.ACCEPTED : Outcome.PROBLEMS;
    } catch (DocumentException e) {
      if (e.problems().isEmpty() || e.getMessage().isBlank()) {
        throw new AssertionError("a DocumentException without a problem for " + name());
      }
      return Outcome.DOCUMENT_ERROR;
    } catch (Throwable t) {
      throw new AssertionError(name() + " threw " + t + " for input:\n" + abbreviate(input), t);
    }
  }

  /** The valid documents mutations start from: the examples and, for RTFS, their manifests. */
  public List<String> seeds(Path repoRoot) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(repoRoot.resolve("examples"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = f.getFileName().toString();
        boolean mine =
            this == CONFIG
                ? name.equals("agora.yaml")
                : f.getParent().getFileName().toString().equals("manifests")
                    && name.endsWith("." + manifestExtension);
        if (mine) {
          out.add(Files.readString(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(
          "no seed documents for " + this + " under " + repoRoot.resolve("examples"));
    }
    return out;
  }

  /** The repository root, found from the working directory (a module or the root itself). */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no examples/ directory above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static String abbreviate(String s) {
    return s.length() <= 2_000
        ? s
        : s.substring(0, 1_000)
            + "\n…("
            + s.length()
            + " chars)…\n"
            + s.substring(s.length() - 1_000);
  }
}
