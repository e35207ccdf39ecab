package dev.agora.core.net;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected into bytes, up to a cap: past it the stream is cancelled and the body
 * completes with {@link TooLarge} — so an endless or huge answer costs at most the cap in memory.
 * Used when the server declares no Content-Length; see {@link #handler}. Shared by the HTTP and A2A
 * providers.
 */
public final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The body passed the cap. */
  public static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  private final long max;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long total;

  private CappedBody(long max) {
    this.max = max;
  }

  /**
   * Bodies up to {@code max} bytes: one whose Content-Length says more is not read at all (its body
   * is null); one without a length is counted as it comes and fails with {@link TooLarge} past it.
   */
  public static HttpResponse.BodyHandler<byte[]> handler(long max) {
    return info -> {
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > max) {
        return HttpResponse.BodySubscribers.replacing(null); // refused without reading it
      }
      // A declared length within the cap: the JDK's own subscriber, which the client completes
      // without a
      // hand-over (and which cannot receive more than the length). Without one: counted here.
      return declared >= 0 ? HttpResponse.BodySubscribers.ofByteArray() : new CappedBody(max);
    };
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer b : buffers) {
      total += b.remaining();
      if (total > max) {
        subscription.cancel();
        body.completeExceptionally(new TooLarge());
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(out.toByteArray());
  }
}
