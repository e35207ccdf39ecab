package dev.agora.provider.http;

import dev.agora.core.doc.Fields;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code sources: [{type: registry, …}]} — a network registry speaking Agora's registry protocol
 * (docs/REGISTRY.md):
 *
 * <pre>
 * - name: company
 *   type: registry
 *   url: https://registry.example.com/v1          # the protocol's base URL
 *   token_env: REGISTRY_TOKEN                     # Authorization: Bearer $REGISTRY_TOKEN (optional)
 *   refresh: 60s                                  # list again this often (If-None-Match)
 *   cache: .agora/registry-company.json           # the last good listing (default: next to agora.yaml, in .agora/)
 *   attempts: 4                                   # per listing, with exponential backoff and jitter
 * </pre>
 */
public final class RegistrySourceFactory implements SourceFactory {

  @Override
  public String type() {
    return "registry";
  }

  @Override
  public DiscoverySource create(String name, Fields f, Path base) {
    if (!f.has("url")) {
      f.problem("a registry source needs 'url': the registry's base URL");
    }
    URI url = f.httpUrl("url");
    String tokenEnv = f.string("token_env", null);
    if (f.has("token")) {
      f.problem(
          "token",
          "tokens do not belong in agora.yaml; name the environment variable holding it with token_env");
    }
    Duration refresh = f.duration("refresh", Duration.ofSeconds(60));
    Path cache = base.resolve(f.string("cache", ".agora/registry-" + name + ".json")).normalize();
    int attempts = (int) f.integer("attempts", 4, 1, 20);
    f.rejectUnknown();
    if (url == null) {
      return null;
    }
    return new RegistrySource(
        name, url, tokenEnv, System::getenv, refresh, cache, attempts, Duration.ofMillis(200));
  }
}
