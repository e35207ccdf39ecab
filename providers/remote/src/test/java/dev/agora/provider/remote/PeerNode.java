package dev.agora.provider.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.ChainKey;
import dev.agora.chain.VerifierKey;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.cluster.RemoteRtfsException;
import dev.agora.core.spi.NodeStore;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A peer Agora node on 127.0.0.1, played by the JDK's HTTP server: it takes remote-rtfs requests at
 * {@code /cluster/v1/rtfs} only when they are signed by the expected sender with its key (else 401,
 * as a real peer), decodes them with {@link RemoteRtfs.Transfer}, and answers as {@link #answer}
 * says — by default a reply signed with its own {@link ChainKey}, whose result is what {@link #run}
 * makes of the input. Answers can misbehave: any status, a tampered signature or body, no answer.
 */
final class PeerNode implements AutoCloseable {

  /** A request this peer took (its signature checked and its body read). */
  record Received(
      RemoteRtfs.Request request,
      RemoteRtfs.Transfer transfer,
      String sender,
      String contentType,
      String accept,
      String path) {}

  /** How the peer answers a request it took. */
  @FunctionalInterface
  interface Answer {
    void respond(PeerNode peer, HttpExchange exchange, Received received) throws Exception;
  }

  /** Answers with the peer's reply, signed as a real peer signs it. */
  static final Answer REPLY =
      (peer, ex, r) -> {
        byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
        peer.send(ex, 200, r.transfer(), peer.id, peer.sign(r.request().callId(), body), body);
      };

  final String id;
  final ChainKey key;
  final List<Received> received = new CopyOnWriteArrayList<>();

  /** Every exchange that reached the server, taken or not. */
  final AtomicInteger hits = new AtomicInteger();

  /** Released at close: answers that hang wait on it. */
  final CountDownLatch released = new CountDownLatch(1);

  /** What the peer makes of an input (the RTFS implementation it would run). */
  volatile Function<Value, Value> run;

  volatile Answer answer = REPLY;

  private final VerifierKey sender;
  private final String senderId;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /** A peer of the node {@code senderId}, whose requests it checks with {@code sender}. */
  PeerNode(String id, String senderId, VerifierKey sender) throws IOException {
    this(id, senderId, sender, 0);
  }

  /** The same, listening on {@code port} (0: any free one). */
  PeerNode(String id, String senderId, VerifierKey sender, int port) throws IOException {
    this.id = id;
    this.key = ChainKey.generate(id);
    this.senderId = senderId;
    this.sender = sender;
    this.run = input -> Dict.builder().put("got", input).put("by", Value.of(id)).build();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Its URL, as a node reports it: its MCP endpoint. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
  }

  /** How it appears on the node list: its URL, load and key. */
  NodeStore.Node node(int reportedInFlight) {
    return new NodeStore.Node(
        id,
        url().toString(),
        Instant.now(),
        Instant.now(),
        reportedInFlight,
        key.verifier().encoded());
  }

  /** The reply a well-behaved peer gives: the result of {@link #run}, two children. */
  RemoteRtfs.Reply reply(RemoteRtfs.Request request) {
    return new RemoteRtfs.Reply(
        id,
        request.callId(),
        run.apply(request.input()),
        null,
        List.of(id + "-child-1", id + "-child-2"));
  }

  /** Its signature of {@code body} as the answer to {@code callId}, base64. */
  String sign(String callId, byte[] body) {
    return Base64.getEncoder().encodeToString(key.sign(RemoteRtfs.replySigned(id, callId, body)));
  }

  /**
   * Sends an answer: {@code node} and {@code signature} go in their headers unless null, the body
   * with its length.
   */
  void send(
      HttpExchange ex,
      int status,
      RemoteRtfs.Transfer transfer,
      String node,
      String signature,
      byte[] body)
      throws IOException {
    if (transfer != null) {
      ex.getResponseHeaders().set("Content-Type", transfer.mediaType());
    }
    if (node != null) {
      ex.getResponseHeaders().set(RemoteRtfs.NODE_HEADER, node);
    }
    if (signature != null) {
      ex.getResponseHeaders().set(RemoteRtfs.SIGNATURE_HEADER, signature);
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** An answer of {@code status} with {@code text}, unsigned (a refusal). */
  static Answer status(int status, String text) {
    return (peer, ex, r) ->
        peer.send(ex, status, null, null, null, text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code size} bytes sent without a length (chunked), unsigned. */
  static Answer chunked(int size) {
    return (peer, ex, r) -> {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(new byte[size]);
      }
    };
  }

  /** No answer until the peer is closed. */
  static Answer hang() {
    return (peer, ex, r) -> {
      peer.released.await();
      status(500, "released").respond(peer, ex, r);
    };
  }

  /** The connection closed before any answer. */
  static Answer hangUp() {
    return (peer, ex, r) -> ex.close();
  }

  /** Headers that promise 1000 bytes, then ten, then the connection closes. */
  static Answer cutShort() {
    return (peer, ex, r) -> {
      ex.sendResponseHeaders(200, 1000);
      OutputStream out = ex.getResponseBody();
      out.write(new byte[10]);
      out.flush();
      ex.close();
    };
  }

  private void handle(HttpExchange ex) throws IOException {
    hits.incrementAndGet();
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      if (!ex.getRequestURI().getPath().equals("/" + RemoteRtfs.PATH)
          || !ex.getRequestMethod().equals("POST")) {
        send(ex, 405, null, null, null, "not here".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String contentType = ex.getRequestHeaders().getFirst("Content-Type");
      RemoteRtfs.Transfer transfer = RemoteRtfs.Transfer.ofMediaType(contentType);
      if (transfer == null) {
        send(ex, 415, null, null, null, "unknown media type".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String from = ex.getRequestHeaders().getFirst(RemoteRtfs.NODE_HEADER);
      String signature = ex.getRequestHeaders().getFirst(RemoteRtfs.SIGNATURE_HEADER);
      if (!senderId.equals(from)
          || signature == null
          || !sender.verify(
              RemoteRtfs.requestSigned(from, body), Base64.getDecoder().decode(signature))) {
        send(ex, 401, null, null, null, "bad signature".getBytes(StandardCharsets.UTF_8));
        return;
      }
      RemoteRtfs.Request request;
      try {
        request = RemoteRtfs.Request.from(transfer.decode(body));
      } catch (RemoteRtfsException e) {
        send(ex, 400, null, null, null, e.getMessage().getBytes(StandardCharsets.UTF_8));
        return;
      }
      Received r =
          new Received(
              request,
              transfer,
              from,
              contentType,
              ex.getRequestHeaders().getFirst("Accept"),
              ex.getRequestURI().getPath());
      received.add(r);
      answer.respond(this, ex, r);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Releases hanging answers and stops. */
  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  /** A loopback port nothing listens on: connections to it are refused. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A loopback URL, as a node's, on which connections are refused. */
  static URI refusingUrl() throws IOException {
    return URI.create("http://127.0.0.1:" + closedPort() + "/mcp");
  }

  static boolean await(CountDownLatch latch) throws InterruptedException {
    return latch.await(30, TimeUnit.SECONDS);
  }
}
