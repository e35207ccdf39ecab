package dev.agora.bench;

import dev.agora.chain.Ed25519;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.registry.Registry;
import dev.agora.core.trust.Authority;
import dev.agora.core.trust.Passports;
import dev.agora.core.trust.Pinning;
import dev.agora.core.trust.Pins;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the trust features cost (issue 14), beside the plain call path in the same run: a governed
 * call of an unsigned capability with no {@code trust:} section (the baseline), the same call of a
 * signed capability under a trust policy (a valid passport; the call path checks its expiry and
 * records the definition digest and passport id), registering a signed manifest again (its RFC 8785
 * form and content hash computed, its signature found verified), Agora's Ed25519 verification of
 * the same bytes (what a first sight costs on top) beside the JDK's, and a pin check (the digest of
 * a definition).
 *
 * <p>Run: {@code ./build bench TrustBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class TrustBenchmark {

  Marketplace plain;
  Marketplace trusted;
  CallRequest plainCall;
  CallRequest signedCall;
  CapabilityManifest signed;
  PublicKey publicKey;
  byte[] rawPublicKey;
  byte[] signedBytes;
  byte[] signature;

  @Setup
  public void setup() throws Exception {
    KeyPair acme = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    CapabilityManifest add =
        CapabilityManifest.builder("bench.add")
            .input("[:map [:a :int] [:b :int]]")
            .output(":int")
            .effects("pure")
            .build();
    signed = Passports.sign(add, acme.getPrivate(), "acme", Instant.now(), null);
    publicKey = acme.getPublic();
    rawPublicKey = Ed25519.raw(publicKey.getEncoded());
    signedBytes = Passports.signedBytes(signed);
    signature = Base64.getDecoder().decode(signed.attestation().signature());
    plain = Marketplace.builder().sink(new MemorySink(4096)).log(l -> {}).build();
    plain.registerLocal(add, CallPathBenchmark.ADD, true, "bench");
    trusted = Marketplace.builder().sink(new MemorySink(4096)).log(l -> {}).build();
    trusted.setTrust(
        new TrustPolicy(
            true,
            Map.of(
                "acme",
                new Authority(
                    "acme", List.of(acme.getPublic()), List.of(Glob.of("bench.*")), null)),
            List.of(Glob.of("bench.*")),
            new Pinning(Pinning.Mode.OFF, Path.of("agora.lock"))));
    trusted.registerLocal(signed, CallPathBenchmark.ADD, true, "bench");
    Value input = Reader.readValue("{:a 20 :b 22}");
    plainCall = CallRequest.of("bench.add", input, SecurityContext.full("bench"));
    signedCall = plainCall;
    if (!trusted.call(signedCall).equals(Value.of(42))
        || !plain.call(plainCall).equals(Value.of(42))) {
      throw new IllegalStateException("a governed call is wrong");
    }
  }

  @TearDown
  public void tearDown() {
    plain.close();
    trusted.close();
  }

  @Benchmark
  public Value callUnsignedNoTrust() {
    return plain.call(plainCall);
  }

  @Benchmark
  public Value callSignedUnderTrust() {
    return trusted.call(signedCall);
  }

  @Benchmark
  public Registry.Change registerSigned() {
    // the first time verified; then a cached verification (same bytes, signature and key)
    return trusted.registry().register(signed, "bench");
  }

  /** The JDK's Ed25519 verifying the same signed bytes (the baseline of {@link #ed25519Verify}). */
  @Benchmark
  public boolean jdkEd25519Verify() throws Exception {
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(publicKey);
    v.update(signedBytes);
    return v.verify(signature);
  }

  /** What a first sight costs on top: Agora's Ed25519 (Bouncy Castle) verifying those bytes. */
  @Benchmark
  public boolean ed25519Verify() {
    return Ed25519.verify(rawPublicKey, signedBytes, signature);
  }

  @Benchmark
  public String pinDigest() {
    return Pins.digest(signed);
  }
}
