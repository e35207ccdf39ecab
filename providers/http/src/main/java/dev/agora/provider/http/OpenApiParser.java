package dev.agora.provider.http;

import static dev.agora.core.json.Json.write;

import com.fasterxml.jackson.core.JacksonException;
import dev.agora.rtfs.Value;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * swagger-parser's model of a document that Agora has read and checked. The parser is handed the
 * values Agora read, as JSON, so that both see the same document. It resolves references only for a
 * document with files beside it, bringing their parts into the document's components ({@link
 * OpenApiRefs} has made sure that every reference then points somewhere: the parser logs the ones
 * that do not, with a stack trace); a document's own references are written out by Agora ({@link
 * OpenApiSchemas}, {@code OpenApi.component}), which reports a dangling one for its operation
 * alone.
 */
final class OpenApiParser {

  /** What the parser could not make sense of (its message, or the kind of its failure). */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** A qualified Java class name, such as {@code com.fasterxml.jackson.databind.node.NullNode}. */
  private static final Pattern JAVA_CLASS =
      Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+\\.[A-Z]");

  private OpenApiParser() {}

  /**
   * The model of {@code root}.
   *
   * @param file where the document is (its relative references are read beside it), or null
   * @param resolve whether it has references to other files for the parser to bring in
   */
  static OpenAPI parse(Value root, Path file, boolean resolve) throws Failure {
    String json = write(root);
    String location = file == null ? null : file.toAbsolutePath().normalize().toString();
    ParseOptions options = new ParseOptions();
    options.setResolveCombinators(false);
    try {
      // Deserialising on its own first: the parser's readContents logs whatever it throws.
      SwaggerParseResult parsed =
          new OpenAPIV3Parser().parseJsonNode(location, Json.mapper().readTree(json), options);
      if (parsed.getOpenAPI() == null) {
        throw failure(parsed.getMessages());
      }
      if (!resolve) {
        return parsed.getOpenAPI();
      }
      options.setResolve(true);
      SwaggerParseResult resolved =
          new OpenAPIV3Parser().readContents(json, List.of(), options, location);
      if (resolved.getOpenAPI() == null) {
        throw failure(resolved.getMessages());
      }
      return resolved.getOpenAPI();
    } catch (JacksonException | RuntimeException | StackOverflowError e) {
      // its own failure on a shape it did not expect (say, null where an object belongs)
      throw unexpected(e.getClass().getSimpleName());
    }
  }

  /**
   * The parser's findings, unless one of them is an exception it caught itself (its message names
   * Java classes, which mean nothing to the document's author).
   */
  private static Failure failure(List<String> messages) {
    List<String> found = messages == null ? List.of() : messages;
    for (String m : found) {
      if (m != null && JAVA_CLASS.matcher(m).find()) {
        return unexpected(m.contains("cannot be cast") ? "ClassCastException" : "internal error");
      }
    }
    return new Failure(found.isEmpty() ? "it gave no reason" : String.join("; ", found));
  }

  private static Failure unexpected(String kind) {
    return new Failure(
        "it failed ("
            + kind
            + ") on a part with a shape it did not expect, such as null where an object belongs");
  }
}
