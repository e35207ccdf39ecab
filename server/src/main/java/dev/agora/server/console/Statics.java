package dev.agora.server.console;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * The console's files: its stylesheet, its proof checker and htmx — read once from the class path
 * and served with a cache header (a year for htmx, whose name carries its version; an hour for the
 * console's own files). Nothing else is served from here.
 */
final class Statics {

  static final String PATH = "/console/static/";

  static final String HTMX = "htmx-4.0.1.min.js";

  private record File(byte[] bytes, String type, String cache) {}

  private final Map<String, File> files =
      Map.of(
          "console.css",
          load("console.css", "text/css; charset=utf-8", "public, max-age=3600"),
          "proof.js",
          load("proof.js", "text/javascript; charset=utf-8", "public, max-age=3600"),
          HTMX,
          load(HTMX, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"));

  /** Answers a GET of {@code name}; an unknown name is a 404. */
  void serve(String name, HttpServletResponse res) throws IOException {
    File f = files.get(name);
    if (f == null) {
      throw Failure.notFound("the file '" + name + "'");
    }
    res.setContentType(f.type());
    res.setHeader("Cache-Control", f.cache());
    res.setContentLength(f.bytes().length);
    res.getOutputStream().write(f.bytes());
  }

  private static File load(String name, String type, String cache) {
    try (InputStream in =
        Objects.requireNonNull(
            Statics.class.getResourceAsStream(name),
            "the console's " + name + " is not in the jar")) {
      return new File(in.readAllBytes(), type, cache);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
