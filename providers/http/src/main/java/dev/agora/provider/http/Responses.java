package dev.agora.provider.http;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.rtfs.Value;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Turns a response body into a value. */
final class Responses {

  private Responses() {}

  /**
   * A 2xx body as a value: JSON, text or nil; anything else is a ProviderError naming what came.
   */
  static Value decode(String id, HttpEndpoint e, HttpResponse<?> r, byte[] body, String where) {
    if (body.length == 0) {
      return Value.NIL;
    }
    String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    String mime = type.split(";", 2)[0].strip();
    boolean json =
        "json".equals(e.responseAs())
            || (e.responseAs() == null
                && (mime.equals("application/json") || mime.endsWith("+json")));
    if (json) {
      try {
        return Json.parse(new String(body, StandardCharsets.UTF_8));
      } catch (JsonException x) {
        throw new AgoraError.ProviderError(
            id, "the response from " + where + " is not valid JSON: " + x.getMessage(), null);
      }
    }
    if ("text".equals(e.responseAs()) || mime.startsWith("text/")) {
      return Value.of(new String(body, StandardCharsets.UTF_8));
    }
    throw new AgoraError.ProviderError(
        id,
        "the response from "
            + where
            + " has Content-Type '"
            + (mime.isEmpty() ? "none" : mime)
            + "', which is neither JSON nor text (set response.as to read it anyway)",
        null);
  }
}
