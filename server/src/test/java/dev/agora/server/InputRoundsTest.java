package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rounds of a 2026-07-28 call that asks its client, driven as the gateway drives them: a first
 * request answered {@code input_required}, retries that answer and get the next question or the
 * result — and every way a retry can be wrong, refused with {@code -32602}.
 */
@Timeout(30)
class InputRoundsTest {

  final InputRounds rounds = new InputRounds();
  final Peer op = new Peer(SecurityContext.full("op"), null, 1);

  /** Starts {@code call} as a call of tool t by op, with nowhere for its progress to go. */
  private Value start(Function<InputRounds.Round, Value> call) {
    return rounds.start(op, call("t", ""), Channel.NONE, call);
  }

  static Rpc.Request call(String tool, String extra) {
    return new Rpc.Request(
        Value.of(1), "tools/call", (Dict) Json.parse("{\"name\":\"" + tool + "\"" + extra + "}"));
  }

  static Rpc.Request retry(String tool, String state, String responses) {
    return call(tool, ",\"requestState\":\"" + state + "\",\"inputResponses\":" + responses);
  }

  static String state(Value answer) {
    return Rpc.text((Dict) answer, "requestState");
  }

  @Test
  void questionsGoOutAsInputRequiredAndAnswersComeBackUntilTheResult() {
    McpPiecesTest.Kept first = new McpPiecesTest.Kept();
    McpPiecesTest.Kept second = new McpPiecesTest.Kept();
    List<Value> answers = new ArrayList<>();
    Value asked =
        rounds.start(
            op,
            call("t", ""),
            first,
            r -> {
              r.send(Rpc.notification("notifications/progress", Rpc.obj("progress", 1)));
              answers.add(
                  r.ask("elicitation/create", Rpc.obj("message", "Who?"), Duration.ofSeconds(10)));
              r.send(Rpc.notification("notifications/progress", Rpc.obj("progress", 2)));
              answers.add(
                  r.ask("sampling/createMessage", Rpc.obj("maxTokens", 5), Duration.ofSeconds(10)));
              return Value.of("done");
            });
    assertThat(Json.write(asked))
        .startsWith(
            "{\"resultType\":\"input_required\",\"inputRequests\":{\"q1\":{\"method\":"
                + "\"elicitation/create\",\"params\":{\"message\":\"Who?\"}}},\"requestState\":\"");
    assertThat(state(asked)).hasSize(22); // 128 random bits, base64url
    assertThat(rounds.open()).isEqualTo(1);

    Value next =
        rounds.resume(op, retry("t", state(asked), "{\"q1\":{\"action\":\"accept\"}}"), second);
    assertThat(Json.write(next)).contains("\"q2\":{\"method\":\"sampling/createMessage\"");
    assertThat(state(next)).isEqualTo(state(asked));
    assertThat(first.sent).hasSize(1);
    assertThat(second.sent).as("progress goes to the request waiting now").hasSize(1);

    Value done =
        rounds.resume(op, retry("t", state(asked), "{\"q2\":{\"role\":\"assistant\"}}"), second);
    assertThat(done).isEqualTo(Value.of("done"));
    assertThat(answers.toString()).contains(":action \"accept\"", ":role \"assistant\"");
    assertThat(rounds.open()).as("the call ended: its state is good for nothing more").isZero();
    assertThat(invalid(op, retry("t", state(asked), "{\"q2\":{}}")).getMessage())
        .contains("requestState is unknown, or its call has ended");
  }

  @Test
  void aWrongRetryIsRefusedAndTheCallKeepsWaiting() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    Value asked =
        start(
            r -> {
              Value v = r.ask("elicitation/create", Dict.EMPTY, Duration.ofSeconds(20));
              answered.countDown();
              return v;
            });
    String state = state(asked);
    Peer other = new Peer(SecurityContext.full("someone-else"), null, 1);
    assertThat(invalid(other, retry("t", state, "{\"q1\":{}}")).getMessage())
        .as("another caller cannot use it")
        .contains("not this request's");
    assertThat(invalid(op, retry("u", state, "{\"q1\":{}}")).getMessage())
        .as("nor another tool")
        .contains("not this request's");
    Rpc.Request read =
        new Rpc.Request(
            Value.of(2),
            "resources/read",
            (Dict)
                Json.parse(
                    "{\"uri\":\"t\",\"requestState\":\"" + state + "\",\"inputResponses\":{}}"));
    assertThat(invalid(op, read).getMessage())
        .as("nor another method")
        .contains("not this request's");
    assertThat(invalid(op, call("t", "")).getMessage())
        .as("a retry without a state")
        .contains("requestState is unknown");
    assertThat(invalid(op, retry("t", state, "{}")).getMessage())
        .isEqualTo("Invalid params: inputResponses must answer 'q1' (an object)");
    assertThat(invalid(op, retry("t", state, "{\"q1\":\"yes\"}")).getMessage())
        .contains("must answer 'q1'");
    assertThat(answered.getCount()).isEqualTo(1);

    Value done = rounds.resume(op, retry("t", state, "{\"q1\":{\"ok\":true}}"), Channel.NONE);
    assertThat(done.toString()).contains(":ok true");
  }

  @Test
  void progressAfterARetryCarriesTheRetrysToken() {
    McpPiecesTest.Kept first = new McpPiecesTest.Kept();
    McpPiecesTest.Kept second = new McpPiecesTest.Kept();
    Value asked =
        rounds.start(
            op,
            call("t", ",\"_meta\":{\"progressToken\":\"p1\"}"),
            first,
            r -> {
              ClientLink link = new ClientLink(op, Channel.NONE, Value.of("p1"), true, r);
              link.progress(1, null, null);
              r.ask("elicitation/create", Dict.EMPTY, Duration.ofSeconds(10));
              link.progress(2, null, null);
              return Value.NIL;
            });
    rounds.resume(
        op,
        retry("t", state(asked), "{\"q1\":{},\"_x\":0},\"_meta\":{\"progressToken\":\"p2\"}"),
        second);
    assertThat(Json.write(first.sent.getFirst())).contains("\"progressToken\":\"p1\"");
    assertThat(Json.write(second.sent.getFirst())).contains("\"progressToken\":\"p2\"");
  }

  @Test
  void aClientThatNeverComesBackFailsTheCallAtItsDeadline() {
    assertThat(askedOnceAndFailed(Duration.ofMillis(50), false))
        .hasMessageContaining("the client did not send its answer to elicitation/create within");
  }

  /**
   * The failure of a call that asks once (its thread interrupted first, if {@code interrupted}),
   * after its question went out as {@code input_required} and no retry came.
   */
  private Throwable askedOnceAndFailed(Duration timeout, boolean interrupted) {
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    Value asked =
        start(
            r -> {
              if (interrupted) {
                Thread.currentThread().interrupt();
              }
              try {
                return r.ask("elicitation/create", Dict.EMPTY, timeout);
              } catch (AgoraError e) {
                failed.complete(e);
                throw e;
              }
            });
    assertThat(Rpc.text((Dict) asked, "resultType")).isEqualTo("input_required");
    return failed.join();
  }

  @Test
  void aCallThatFailsFailsTheRequestWaiting() {
    Rpc.Failure f =
        catchThrowableOfType(
            Rpc.Failure.class,
            () ->
                start(
                    r -> {
                      throw new Rpc.Failure(Rpc.INVALID_PARAMS, "Invalid params: no such tool");
                    }));
    assertThat(f.getMessage()).isEqualTo("Invalid params: no such tool");
  }

  @Test
  void aCallThatDiesOfAnErrorStillEndsTheRequest() {
    Throwable t =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                start(
                    r -> {
                      throw new StackOverflowError("deep");
                    }));
    assertThat(t).hasMessage("the call failed: java.lang.StackOverflowError: deep");
    assertThat(rounds.open()).isZero();
  }

  @Test
  void cancellingTheRequestWaitingCancelsTheCall() throws Exception {
    CompletableFuture<Boolean> callInterrupted = new CompletableFuture<>();
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread request =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    start(
                        r -> {
                          running.countDown();
                          try {
                            new CountDownLatch(1).await();
                          } catch (InterruptedException e) {
                            callInterrupted.complete(true);
                          }
                          return Value.NIL;
                        });
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    running.await();
    request.interrupt();
    request.join();
    assertThat(callInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(thrown.get()).isInstanceOf(Rpc.Failure.class).hasMessage("Request cancelled");
  }

  @Test
  void aQuestionOfACallWhoseThreadIsInterruptedIsCancelled() {
    assertThat(askedOnceAndFailed(Duration.ofSeconds(5), true))
        .hasMessageContaining("elicitation/create was cancelled");
  }

  @Test
  void withAllRoundsOpenOrACallersShareTakenACallRunsWithoutOne() {
    List<Peer> callers = new ArrayList<>();
    List<String> states = new ArrayList<>();
    for (int c = 0; c < InputRounds.MAX_OPEN / InputRounds.MAX_PER_CALLER; c++) {
      Peer who = new Peer(SecurityContext.full("caller-" + c), null, 1);
      callers.add(who);
      for (int i = 0; i < InputRounds.MAX_PER_CALLER; i++) {
        states.add(
            state(
                rounds.start(
                    who,
                    call("t", ""),
                    Channel.NONE,
                    r -> r.ask("elicitation/create", Dict.EMPTY, Duration.ofSeconds(30)))));
      }
      assertThat(rounds.start(who, call("t", ""), Channel.NONE, r -> Value.of(r == null)))
          .as("a caller with its share open: run here, with no round to ask through")
          .isEqualTo(Value.TRUE);
    }
    assertThat(rounds.open()).isEqualTo(InputRounds.MAX_OPEN);
    Peer another = new Peer(SecurityContext.full("another"), null, 1);
    assertThat(rounds.start(another, call("t", ""), Channel.NONE, r -> Value.of(r == null)))
        .as("all open: another caller's call runs without one too")
        .isEqualTo(Value.TRUE);
    for (int i = 0; i < states.size(); i++) {
      Peer who = callers.get(i / InputRounds.MAX_PER_CALLER);
      rounds.resume(who, retry("t", states.get(i), "{\"q1\":{}}"), Channel.NONE);
    }
    assertThat(rounds.open()).isZero();
  }

  private Rpc.Failure invalid(Peer who, Rpc.Request r) {
    Rpc.Failure f =
        catchThrowableOfType(Rpc.Failure.class, () -> rounds.resume(who, r, Channel.NONE));
    assertThat(f).isNotNull();
    assertThat(f.code).isEqualTo(Rpc.INVALID_PARAMS);
    return f;
  }
}
