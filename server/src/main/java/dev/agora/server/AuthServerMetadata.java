package dev.agora.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Where an authorization server keeps its keys: the {@code jwks_uri} of its metadata, read from RFC
 * 8414's well-known location (the path inserted after the host) or, for OpenID providers such as
 * Keycloak, from {@code <issuer>/.well-known/openid-configuration}. The document must name the
 * configured issuer exactly (RFC 8414 §3.3), so a metadata document cannot send Agora to another
 * server's keys.
 */
final class AuthServerMetadata {

  private AuthServerMetadata() {}

  /** The metadata locations of {@code issuer}, in the order they are tried. */
  static List<URI> locations(URI issuer) {
    String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
    return List.of(
        URI.create(origin + "/.well-known/oauth-authorization-server" + path),
        URI.create(origin + path + "/.well-known/openid-configuration"));
  }

  /** The {@code jwks_uri} of the metadata at {@code where}, which must be {@code issuer}'s. */
  static URI jwksUri(ResourceRetriever retriever, URI where, URI issuer)
      throws BearerTokens.Unreachable {
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(retriever.retrieveResource(where.toURL()).getContent());
    } catch (java.io.FileNotFoundException e) { // the JDK's 404, whose message is the URL
      throw new BearerTokens.Unreachable(where + ": not found");
    } catch (IOException | ParseException | IllegalArgumentException e) {
      throw new BearerTokens.Unreachable(where + ": " + e.getMessage());
    }
    Object named = doc.get("issuer");
    if (!issuer.toString().equals(named)) {
      throw new BearerTokens.Unreachable(
          where + " is the metadata of issuer '" + named + "', not of " + issuer);
    }
    if (!(doc.get("jwks_uri") instanceof String jwks)) {
      throw new BearerTokens.Unreachable(where + " has no jwks_uri");
    }
    try {
      URI uri = new URI(jwks);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new BearerTokens.Unreachable(
            where + ": jwks_uri '" + jwks + "' is not an http(s) URL");
      }
      if (!ServerSection.secure(uri)) { // keys in the clear could be swapped on the way
        throw new BearerTokens.Unreachable(
            where + ": jwks_uri '" + jwks + "' must be https (plain http only on loopback)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new BearerTokens.Unreachable(where + ": jwks_uri is not a URL: " + e.getReason());
    }
  }
}
