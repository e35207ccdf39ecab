package dev.agora.core.trust;

/**
 * A key or passport that cannot be used: a missing or malformed key file, a key that is not
 * Ed25519, a manifest that cannot be signed. The message names the file or capability and why.
 */
public final class TrustException extends RuntimeException {

  public TrustException(String message) {
    super(message);
  }

  public TrustException(String message, Throwable cause) {
    super(message, cause);
  }
}
