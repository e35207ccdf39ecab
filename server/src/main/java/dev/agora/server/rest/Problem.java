package dev.agora.server.rest;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;

/**
 * A refusal or failure of the REST API as an RFC 9457 problem: its HTTP status, a type naming the
 * kind of problem ({@code urn:agora:problem:<kind>}), a title, and a detail saying what, where and
 * why. Thrown by an operation; {@link RestApi} writes it as {@code application/problem+json}.
 */
final class Problem extends RuntimeException {

  private final int status;
  private final String kind;
  private final Dict extra;

  Problem(int status, String kind, String detail) {
    this(status, kind, detail, Dict.EMPTY);
  }

  Problem(int status, String kind, String detail, Dict extra) {
    super(detail, null, false, false);
    this.status = status;
    this.kind = kind;
    this.extra = extra;
  }

  int status() {
    return status;
  }

  /** A capability call's failure, with the status that fits its kind. */
  static Problem of(AgoraError e) {
    int status =
        switch (e) {
          case AgoraError.NotFound n -> 404;
          case AgoraError.ApprovalRequired a -> 403;
          case AgoraError.AccessDenied a -> 403;
          case AgoraError.SecurityViolation s -> 403;
          case AgoraError.InvalidInput i -> 400;
          case AgoraError.LimitExceeded l -> 429;
          case AgoraError.Timeout t -> 504;
          case AgoraError.InvalidOutput o -> 502;
          case AgoraError.ProviderError p -> 502;
          case AgoraError.Cancelled c -> 503;
          case AgoraError.NotRecorded n -> 503;
        };
    String kind = e instanceof AgoraError.ApprovalRequired ? "ApprovalRequired" : e.kind().name();
    return new Problem(status, kind, e.getMessage(), e.data());
  }

  /** The problem document. */
  Dict body(String instance) {
    Dict.Builder b =
        Dict.builder()
            .put("type", Value.of("urn:agora:problem:" + kind))
            .put("title", Value.of(kind))
            .put("status", Value.of(status))
            .put("detail", Value.of(getMessage()))
            .put("instance", Value.of(instance));
    extra.asMap().forEach((k, v) -> b.put(dev.agora.core.json.Json.keyName(k), v));
    return b.build();
  }
}
