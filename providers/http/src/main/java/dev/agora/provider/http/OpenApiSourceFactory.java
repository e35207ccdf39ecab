package dev.agora.provider.http;

import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.Ids;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code sources: [{type: openapi, …}]} in agora.yaml — an OpenAPI 3 document whose operations
 * become HTTP capabilities:
 *
 * <pre>
 * - name: pets
 *   type: openapi
 *   path: apis/petstore.yaml                 # or url: https://api.example.com/openapi.json
 *   prefix: petstore                          # ids petstore.&lt;operationId&gt; (default: the source's name)
 *   server: http://127.0.0.1:8477             # instead of the document's servers
 *   auth: {token_env: PETSTORE_TOKEN}         # for the document's security schemes: token_env (bearer),
 *                                             #   key_env (apiKey), user + password_env (basic)
 *   refresh: 30s                              # re-read the document this often; changes update the registry
 * </pre>
 */
public final class OpenApiSourceFactory implements SourceFactory {

  @Override
  public String type() {
    return "openapi";
  }

  @Override
  public DiscoverySource create(String name, Fields f, Path base) {
    String path = f.string("path", null);
    String url = f.string("url", null);
    if ((path == null) == (url == null)) {
      f.problem(
          "an openapi source needs either 'path' (a file) or 'url' (where the document is served)");
    }
    URI uri = f.httpUrl("url");
    String prefix = f.string("prefix", name);
    if (prefix != null && Ids.problem(prefix) != null) {
      f.problem("prefix", "'" + prefix + "' cannot start capability ids: " + Ids.problem(prefix));
    }
    String server = f.string("server", null);
    if (server != null && !server.startsWith("http://") && !server.startsWith("https://")) {
      f.problem("server", "'" + server + "' is not an http(s) URL");
    }
    OpenApi.Auth auth = OpenApi.Auth.NONE;
    if (f.has("auth")) {
      Fields a = f.map("auth");
      if (a.has("token") || a.has("key") || a.has("password")) {
        a.problem(
            "secrets do not belong in agora.yaml; name environment variables: token_env, key_env, password_env");
      }
      auth =
          new OpenApi.Auth(
              a.string("token_env", null),
              a.string("key_env", null),
              a.string("user", null),
              a.string("password_env", null));
      a.rejectUnknown();
    }
    Duration refresh = f.duration("refresh", Duration.ofSeconds(30));
    f.rejectUnknown();
    if ((path == null) == (url == null) || (url != null && uri == null)) {
      return null;
    }
    return new OpenApiSource(
        name,
        path == null ? null : base.resolve(path).normalize(),
        uri,
        prefix,
        server,
        auth,
        refresh);
  }
}
