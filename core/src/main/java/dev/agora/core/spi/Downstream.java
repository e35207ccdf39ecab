package dev.agora.core.spi;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import java.time.Duration;

/**
 * The client a call came from, when that client can take part in the call while it runs: an MCP
 * client session of the gateway. A provider reaches it through {@link CallContext#downstream()} to
 * pass on what its own upstream sends during the call — progress, and requests the upstream makes
 * of the client (sampling, elicitation) — to the one client that made this call, never another.
 *
 * <p>Calls from RTFS, the CLI or anything else without such a client get {@link #NONE}: progress
 * goes nowhere and every request is refused.
 */
public interface Downstream {

  /**
   * Tells the caller how far the call has come, when it asked to be told (an MCP {@code
   * progressToken}); otherwise nothing happens. {@code total} and {@code message} may be null.
   */
  void progress(double progress, Double total, String message);

  /**
   * Whether the caller declared the client capability named ({@code "sampling"}, {@code
   * "elicitation"}, {@code "roots"}), so that a request needing it may be sent.
   */
  boolean supports(String capability);

  /**
   * Sends {@code method} with {@code params} (JSON as RTFS values) to the caller and waits, at most
   * {@code timeout}, for its answer.
   *
   * @throws AgoraError a ProviderError when the caller did not declare what the method needs, the
   *     caller answered with an error, or no answer came in time; the message says which
   */
  Value request(String method, Value params, Duration timeout);

  /**
   * Who the client is: calls made by the same client (one MCP session, one {@code agora mcp}
   * process) give equal values, so that a provider that cannot tell which of several calls an
   * upstream's request belongs to can still tell whether they all came from one client. Each
   * downstream is its own client unless it says otherwise.
   */
  default Object client() {
    return this;
  }

  /** No client to reach: progress is dropped, every request refused. */
  Downstream NONE =
      new Downstream() {
        @Override
        public void progress(double progress, Double total, String message) {}

        @Override
        public boolean supports(String capability) {
          return false;
        }

        @Override
        public Value request(String method, Value params, Duration timeout) {
          throw new AgoraError.ProviderError(
              "downstream",
              method + " needs a client that can answer it, and this call has none",
              null);
        }
      };
}
