package dev.agora.server.rest;

import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * One operation of the REST API: its method and path (Javalin's {@code {name}} for a path
 * parameter), what the OpenAPI document says of it, and what runs. The API's routes and its OpenAPI
 * document are made from the same list, so they cannot drift apart.
 *
 * @param operator whether only a caller of a {@code full} context may use it (changes to the
 *     registry, decisions on approvals)
 * @param body what the request's body is: none, JSON, or RTFS source text
 * @param run what answers with one JSON value, or null for a download
 * @param download what answers with JSON Lines written as they are read (the chain's export), or
 *     null
 */
record Route(
    String method,
    String path,
    String operationId,
    String summary,
    String tag,
    List<Param> params,
    Body body,
    boolean operator,
    Operation run,
    Download download) {

  Route(
      String method,
      String path,
      String operationId,
      String summary,
      String tag,
      List<Param> params,
      Body body,
      boolean operator,
      Operation run) {
    this(method, path, operationId, summary, tag, params, body, operator, run, null);
  }

  /** A {@code GET} answered with JSON Lines. */
  static Route download(
      String path,
      String operationId,
      String summary,
      String tag,
      boolean operator,
      Download download) {
    return new Route(
        "GET", path, operationId, summary, tag, List.of(), Body.NONE, operator, null, download);
  }

  /** A path or query parameter. */
  record Param(String name, String in, String description, boolean integer) {

    static Param path(String name, String description) {
      return new Param(name, "path", description, false);
    }

    static Param query(String name, String description) {
      return new Param(name, "query", description, false);
    }

    static Param number(String name, String description) {
      return new Param(name, "query", description, true);
    }
  }

  /** A request body's kind. */
  enum Body {
    NONE,
    JSON,
    RTFS
  }

  /** What an operation does with a request: a JSON value to answer 200 with, or a Problem. */
  @FunctionalInterface
  interface Operation {
    Value run(Request request);
  }

  /**
   * What a download does with a request: checks it (a Problem when refused, before anything is
   * written) and returns what writes the answer.
   */
  @FunctionalInterface
  interface Download {
    Lines open(Request request);
  }

  /** Writes a download's answer; {@code w} is the response's body, UTF-8. */
  @FunctionalInterface
  interface Lines {
    void write(Writer w) throws IOException;
  }
}
