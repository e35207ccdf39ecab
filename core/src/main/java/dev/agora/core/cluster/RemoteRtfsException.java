package dev.agora.core.cluster;

/** A remote-rtfs request or reply that does not read: what is wrong with it. */
public final class RemoteRtfsException extends RuntimeException {

  public RemoteRtfsException(String message) {
    super(message);
  }
}
