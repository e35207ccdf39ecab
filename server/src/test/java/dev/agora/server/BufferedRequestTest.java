package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request body read once and handed on: on a real Jetty request, whichever way the next reader
 * takes it.
 */
class BufferedRequestTest {

  @Test
  void theBufferedBodyReadsAgainAsBytesOrText() throws Exception {
    byte[] body = "{\"é\":1}".getBytes(StandardCharsets.UTF_8);
    Javalin app =
        Javalin.create(
            cfg ->
                cfg.routes.post(
                    "/read",
                    ctx -> {
                      BufferedRequest again = new BufferedRequest(ctx.req(), body);
                      ServletInputStream in = again.getInputStream();
                      assertThat(in.isReady()).isTrue();
                      assertThat(in.isFinished()).isFalse();
                      int first = in.read();
                      byte[] rest = in.readAllBytes();
                      assertThat(in.isFinished()).isTrue();
                      assertThat(in.read()).isEqualTo(-1);
                      assertThatThrownBy(
                              () ->
                                  in.setReadListener(
                                      new ReadListener() {
                                        @Override
                                        public void onDataAvailable() {}

                                        @Override
                                        public void onAllDataRead() {}

                                        @Override
                                        public void onError(Throwable t) {}
                                      }))
                          .isInstanceOf(UnsupportedOperationException.class)
                          .hasMessage("the buffered body is read synchronously");
                      String text = again.getReader().readLine();
                      ctx.result((char) first + "|" + rest.length + "|" + text);
                    }));
    app.start("127.0.0.1", 0);
    try {
      HttpResponse<String> r =
          McpHttp.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/read"))
                  .POST(HttpRequest.BodyPublishers.ofString("the original, already read"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("{|" + (body.length - 1) + "|{\"é\":1}");
    } finally {
      app.stop();
    }
  }
}
