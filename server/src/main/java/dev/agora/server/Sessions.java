package dev.agora.server;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The MCP sessions of the HTTP endpoint and who opened each: a session belongs to the caller whose
 * {@code initialize} created it, and to no one else (issue 12: another key could use, stream on and
 * delete it). Also remembers, per session, how far the tool list had changed when it began, so that
 * a session whose event stream opens after a change still hears of it: the SDK drops a notification
 * sent before the client's GET arrives, and a client opens that stream only after {@code
 * initialize} has answered.
 */
final class Sessions {

  static final String HEADER = "Mcp-Session-Id";

  /** A session: its owner (a caller's name) and the tool list's change count at its start. */
  record Session(String owner, long toolsSeen) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier toolChanges;

  /**
   * @param toolChanges how often the tool list has changed so far
   */
  Sessions(LongSupplier toolChanges) {
    this.toolChanges = toolChanges;
  }

  /** The session {@code id}, or null when there is none. */
  Session get(String id) {
    return sessions.get(id);
  }

  /** Whether {@code id} is a session that {@code caller} may use. */
  boolean belongsTo(String id, String caller) {
    Session s = sessions.get(id);
    return s != null && s.owner().equals(caller);
  }

  void forget(String id) {
    sessions.remove(id);
  }

  /** Whether the tool list changed since session {@code s} began. */
  boolean missedToolChanges(Session s) {
    return toolChanges.getAsLong() != s.toolsSeen();
  }

  /**
   * {@code response} of an {@code initialize} by {@code caller}: the session the server gives it
   * becomes the caller's the moment the server names it — before the client can learn the id and
   * use it.
   */
  HttpServletResponse opening(HttpServletResponse response, String caller) {
    return new HttpServletResponseWrapper(response) {
      @Override
      public void setHeader(String name, String value) {
        noticed(name, value, caller);
        super.setHeader(name, value);
      }

      @Override
      public void addHeader(String name, String value) {
        noticed(name, value, caller);
        super.addHeader(name, value);
      }
    };
  }

  private void noticed(String header, String value, String caller) {
    if (HEADER.equalsIgnoreCase(header) && value != null) {
      sessions.put(value, new Session(caller, toolChanges.getAsLong()));
    }
  }
}
