package dev.agora.provider.mcp;

import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A downstream client as a test plays it: it declares {@code capabilities}, keeps the progress it
 * hears and the requests it is sent, and answers each request with {@code answer}. Whoever waits
 * for progress is woken as it arrives.
 */
final class Client implements Downstream {

  final List<String> progress = new CopyOnWriteArrayList<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** The messages that came with progress, and the params of the requests it was sent. */
  final List<String> messages = new CopyOnWriteArrayList<>();

  final List<Value> params = new CopyOnWriteArrayList<>();
  private final Set<String> capabilities;
  private final Function<Value, Value> answer;

  Client(Set<String> capabilities, Function<Value, Value> answer) {
    this.capabilities = capabilities;
    this.answer = answer;
  }

  @Override
  public synchronized void progress(double done, Double total, String message) {
    progress.add(done + "/" + total);
    if (message != null) {
      messages.add(message);
    }
    notifyAll();
  }

  @Override
  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }

  @Override
  public Value request(String method, Value params, Duration timeout) {
    requests.add(method);
    this.params.add(params);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new AgoraError.ProviderError("client", "no time left for " + method, null);
    }
    return answer.apply(params);
  }

  /** Waits (up to 30 s) until this client has heard {@code count} progress notifications. */
  synchronized void awaitProgress(int count) throws InterruptedException {
    long end = System.nanoTime() + 30_000_000_000L;
    while (progress.size() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("only " + progress + " heard");
      }
      wait(left / 1_000_000 + 1);
    }
  }
}
