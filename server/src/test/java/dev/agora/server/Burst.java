package dev.agora.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** A burst of HTTP requests: each on its own virtual thread, all released at once. */
final class Burst {

  private Burst() {}

  /** Sends the {@code n} requests {@code request} makes, all at once; their answers in order. */
  static List<HttpResponse<String>> send(int n, IntFunction<HttpRequest.Builder> request) {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        HttpRequest.Builder b = request.apply(i);
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await(); // every request written at once
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return McpHttp.send(b);
                },
                pool));
      }
      go.countDown();
      return answers.stream().map(CompletableFuture::join).toList();
    }
  }
}
