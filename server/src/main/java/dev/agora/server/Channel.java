package dev.agora.server;

import dev.agora.rtfs.Dict;

/**
 * Where messages to one client go while it is connected: stdout of {@code agora mcp}, the event
 * stream of one HTTP request, or the event stream a session opened with GET.
 */
interface Channel {

  /** Sends one message; false when it could not go (the client is gone or the stream is over). */
  boolean send(Dict message);

  /** Nowhere: every send fails. */
  Channel NONE = message -> false;
}
