package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serial;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import org.junit.jupiter.api.Test;

/** Issue 12: an Error is never reported as another failure's message. */
class FailuresTest {

  /** A SHA-256 whose construction runs out of memory, as it may under memory pressure. */
  public static final class HungryDigest extends MessageDigestSpi {
    public HungryDigest() {
      throw new OutOfMemoryError("Java heap space");
    }

    @Override
    protected void engineUpdate(byte input) {}

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {}

    @Override
    protected byte[] engineDigest() {
      return new byte[32];
    }

    @Override
    protected void engineReset() {}
  }

  /** A security provider offering only {@link HungryDigest}; never installed in the JVM. */
  private static final class HungryProvider extends Provider {
    @Serial private static final long serialVersionUID = 1L;

    HungryProvider() {
      super("hungry", "1", "a SHA-256 that runs out of memory");
      put("MessageDigest.SHA-256", HungryDigest.class.getName());
    }
  }

  @Test
  void an_out_of_memory_constructing_sha256_is_thrown_as_itself_not_as_a_missing_algorithm() {
    Provider hungry = new HungryProvider();
    assertThatThrownBy(() -> MessageDigest.getInstance("SHA-256", hungry))
        .as("what the JDK does with it")
        .isInstanceOf(NoSuchAlgorithmException.class)
        .hasRootCauseInstanceOf(OutOfMemoryError.class);
    assertThatThrownBy(() -> Hashes.newDigest(() -> MessageDigest.getInstance("SHA-256", hungry)))
        .isInstanceOf(OutOfMemoryError.class)
        .hasMessage("Java heap space");
  }

  @Test
  void a_sha256_truly_missing_is_named_with_the_reason() {
    assertThatThrownBy(
            () ->
                Hashes.newDigest(
                    () -> {
                      throw new NoSuchAlgorithmException("SHA-256 MessageDigest not available");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("SHA-256 is not available: SHA-256 MessageDigest not available");
    assertThat(Hashes.newDigest(() -> MessageDigest.getInstance("SHA-256")).getAlgorithm())
        .isEqualTo("SHA-256");
  }

  @Test
  void describe_names_the_error_beneath_whatever_wraps_it() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    IllegalArgumentException selfSuppression =
        new IllegalArgumentException("Self-suppression not permitted", oom);
    assertThat(Failures.describe(selfSuppression)).isEqualTo("out of memory (Java heap space)");
    assertThat(Failures.describe(new OutOfMemoryError())).isEqualTo("out of memory");
    IllegalStateException suppressing = new IllegalStateException("closing failed");
    suppressing.addSuppressed(new StackOverflowError("deep"));
    assertThat(Failures.describe(suppressing)).isEqualTo("StackOverflowError: deep");
    assertThat(Failures.describe(new RuntimeException(new StackOverflowError())))
        .isEqualTo("StackOverflowError");
    assertThat(Failures.describe(new IOException("disk full"))).isEqualTo("disk full");
    assertThat(Failures.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(Failures.errorIn(new IOException("plain", new IllegalStateException()))).isNull();
  }

  @Test
  void error_in_survives_a_cycle_of_causes_and_rethrow_error_throws_only_errors() {
    IllegalStateException a = new IllegalStateException("a");
    IllegalArgumentException b = new IllegalArgumentException("b", a);
    a.initCause(b);
    assertThat(Failures.errorIn(a)).isNull();
    Failures.rethrowError(a);
    OutOfMemoryError oom = new OutOfMemoryError("x");
    assertThatThrownBy(() -> Failures.rethrowError(new RuntimeException(oom))).isSameAs(oom);
  }
}
