package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;

/** A client at the other end of a server's pipes. */
final class StdioPipe implements AutoCloseable {
  final StdioServer server;
  final OutputStream toServer;
  final BufferedReader fromServer;

  StdioPipe(AgoraNode node, SecurityContext caller) throws IOException {
    this(node, caller, StdioServer.MAX_MESSAGE);
  }

  StdioPipe(AgoraNode node, SecurityContext caller, int maxMessage) throws IOException {
    this(node, caller, maxMessage, McpHttp.INITIALIZE);
  }

  /** A session opened with {@code initialize} (id 6), as a client declaring what it declares. */
  StdioPipe(AgoraNode node, SecurityContext caller, int maxMessage, String initialize)
      throws IOException {
    Pipe in = Pipe.open();
    Pipe out = Pipe.open();
    server =
        new StdioServer(
            node.marketplace(),
            caller,
            Channels.newInputStream(in.source()),
            Channels.newOutputStream(out.sink()),
            maxMessage,
            System.err::println);
    toServer = Channels.newOutputStream(in.sink());
    fromServer =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(out.source()), StandardCharsets.UTF_8));
    assertThat(ask(6, initialize)).contains("\"serverInfo\":{\"name\":\"agora\"");
    send(McpHttp.INITIALIZED);
  }

  void send(String message) throws IOException {
    toServer.write((message + "\n").getBytes(StandardCharsets.UTF_8));
    toServer.flush();
  }

  /** Sends a request and returns the answer with its id (notifications in between skipped). */
  String ask(int id, String request) throws IOException {
    send(request);
    String line;
    do {
      line = fromServer.readLine();
    } while (line != null && !line.contains("\"id\":" + id + ","));
    return line;
  }

  String call(int id, String tool, String arguments) throws IOException {
    return ask(
        id,
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + id
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool
            + "\",\"arguments\":"
            + arguments
            + "}}");
  }

  @Override
  public void close() throws IOException {
    toServer.close();
    server.close();
  }
}
