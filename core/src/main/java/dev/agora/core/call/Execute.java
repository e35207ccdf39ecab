package dev.agora.core.call;

import dev.agora.chain.Failures;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.Provider;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import io.opentelemetry.context.Context;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the provider. A call the provider marks inline (quick and pure) or deadline-keeping runs on
 * the caller's thread; any other runs on a fresh virtual thread while the caller waits until the
 * deadline. At the deadline the provider's thread is interrupted and the caller gets Timeout at
 * once, whether or not the provider notices the interrupt. Virtual threads make 10,000 slow calls
 * cheap: a waiting call holds no platform thread. When the caller's thread is interrupted while it
 * waits (its client cancelled the call), the provider's thread is interrupted too and the call ends
 * with {@link AgoraError.Cancelled}; the caller's interrupt flag stays set.
 */
final class Execute implements Stage.Next {

  private static final ThreadFactory THREADS = Thread.ofVirtual().name("agora-call-", 0).factory();

  private final Providers providers;
  private final boolean traced;

  /**
   * {@code traced}: a provider on a thread of its own runs in its caller's OpenTelemetry context,
   * so what it sends upstream carries the call's trace.
   */
  Execute(Providers providers, boolean traced) {
    this.providers = providers;
    this.traced = traced;
  }

  @Override
  public Value invoke(Call call) {
    CapabilityManifest m = call.manifest;
    Provider p = providers.get(m.provider().type());
    if (p == null) {
      throw new AgoraError.ProviderError(
          m.id(), "no provider for type '" + m.provider().type() + "' is installed", null);
    }
    if (p.inline(m) || p.keepsDeadline(m)) {
      if (call.deadline - call.ticker.getAsLong() <= 0) {
        throw new AgoraError.Timeout(m.id(), call.timeout);
      }
      try {
        return run(p, call);
      } catch (AgoraError e) {
        if (!(e instanceof AgoraError.Cancelled) && Thread.currentThread().isInterrupted()) {
          // as on a watched thread: a provider failing as its caller gives up was cancelled
          throw new AgoraError.Cancelled(
              m.id(), "the caller was interrupted while the provider ran");
        }
        throw e;
      }
    }
    return onVirtualThread(p, call);
  }

  private Value onVirtualThread(Provider p, Call call) {
    Callable<Value> work = () -> run(p, call);
    FutureTask<Value> task = new FutureTask<>(traced ? Context.current().wrap(work) : work);
    THREADS.newThread(task).start();
    try {
      return task.get(Math.max(0, call.deadline - call.ticker.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new AgoraError.Timeout(call.manifest.id(), call.timeout);
    } catch (InterruptedException e) {
      // the caller gave up (its client cancelled, or closed its session): the provider's thread is
      // interrupted so that it stops (an MCP provider tells its upstream), and the caller keeps its
      // interrupt flag for whatever it does next
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new AgoraError.Cancelled(
          call.manifest.id(), "the caller was interrupted while the provider ran");
    } catch (ExecutionException e) {
      if (Thread.currentThread().isInterrupted()) {
        // the caller gave up as the provider failed (a closing marketplace interrupts its calls,
        // then closes the providers): the call was cancelled, whatever the provider says
        throw new AgoraError.Cancelled(
            call.manifest.id(), "the caller was interrupted while the provider ran");
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      Redactor secrets = call.secrets();
      throw new AgoraError.ProviderError(
          call.manifest.id(),
          secrets.redact(Failures.describe(e.getCause())),
          secrets.clean(e.getCause()));
    }
  }

  /**
   * Runs the provider, turning whatever it throws into an AgoraError, and takes the secrets the
   * call carried out of its result or error (issue 11: an upstream that echoes its token must not
   * hand it to the caller or the Causal Chain).
   */
  private static Value run(Provider p, Call call) {
    try {
      Value v = p.execute(call.manifest, call.request.input(), call);
      return call.secrets().redact(v == null ? Value.NIL : v);
    } catch (AgoraError e) {
      throw call.secrets().redact(e);
    } catch (RtfsError e) {
      Redactor secrets = call.secrets();
      throw new AgoraError.ProviderError(
          call.manifest.id(), secrets.redact(e.describe()), secrets.clean(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgoraError.Cancelled(call.manifest.id(), "the provider was interrupted");
    } catch (Exception | OutOfMemoryError e) {
      // Out of memory is this call's failure, recorded and answered as such; a message the JDK
      // put over it ("Self-suppression not permitted") gives way to "out of memory" (issue 12).
      Redactor secrets = call.secrets();
      throw new AgoraError.ProviderError(
          call.manifest.id(), secrets.redact(Failures.describe(e)), secrets.clean(e));
    }
  }
}
