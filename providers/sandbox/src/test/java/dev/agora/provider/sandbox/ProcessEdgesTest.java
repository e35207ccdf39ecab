package dev.agora.provider.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider called directly, with a call context of the test's: deadlines, pools, options. */
class ProcessEdgesTest {

  @TempDir Path dir;
  final ProcessProvider provider = new ProcessProvider();

  @BeforeEach
  void open() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  /** A call context with {@code left} to its deadline. */
  static CallContext within(Duration left) {
    Instant end = Instant.now().plus(left);
    return new CallContext() {
      @Override
      public String callId() {
        return "c1";
      }

      @Override
      public String capabilityId() {
        return "t.x";
      }

      @Override
      public SecurityContext caller() {
        return SecurityContext.full("tester");
      }

      @Override
      public String planId() {
        return null;
      }

      @Override
      public Duration remaining() {
        return Duration.between(Instant.now(), end);
      }
    };
  }

  CapabilityManifest python(String script, String options) throws Exception {
    Files.writeString(dir.resolve("s.py"), script);
    return CapabilityManifest.builder("t.x")
        .provider(
            new ProviderSpec.Process(
                List.of("python3", "s.py"),
                (Dict)
                    Json.parse(
                        "{\"cwd\": \""
                            + dir
                            + "\""
                            + (options.isEmpty() ? "" : ", " + options)
                            + "}")))
        .build();
  }

  static final String WARM_SLOW =
      """
      import json, sys, time
      for line in sys.stdin:
          req = json.loads(line)
          time.sleep(req.get("sleep", 0))
          print(json.dumps({"ok": True}), flush=True)
      """;

  @Test
  void everyValidOptionIsRead() throws Exception {
    CapabilityManifest c =
        python(
            "import json, sys\nsys.stdin.read()\nprint(json.dumps({'ok': True}))\n",
            "\"isolation\": \"process\", \"network\": true, \"mode\": \"per_call\","
                + " \"limits\": {\"cpu_seconds\": 5, \"memory_mb\": 256, \"open_files\": 64,"
                + " \"processes\": 32}, \"env\": {\"A_B\": \"1\"}, \"pool_size\": 3,"
                + " \"max_output_bytes\": 100");
    assertThat(provider.isolation(c)).isEqualTo(IsolationLevel.PROCESS);
    assertThat(provider.execute(c, Dict.EMPTY, within(Duration.ofSeconds(20))))
        .isEqualTo(Json.parse("{\"ok\": true}"));
    ProcessOptions o =
        ProcessOptions.parse(
            "t.x",
            Dict.of(
                Value.keyword("mode"),
                Value.keyword("warm"),
                Value.keyword("cwd"),
                Value.of("sub")),
            dir);
    assertThat(o.warm()).isTrue();
    assertThat(o.cwd()).isEqualTo(dir.resolve("sub"));
  }

  @Test
  void aWarmChildPastItsDeadlineIsKilledAndABusyPoolTimesOut() throws Exception {
    CapabilityManifest c = python(WARM_SLOW, "\"mode\": \"warm\", \"pool_size\": 1");
    assertThatThrownBy(
            () ->
                provider.execute(c, Json.parse("{\"sleep\": 30}"), within(Duration.ofMillis(600))))
        .isInstanceOf(AgoraError.Timeout.class);
    assertThat(provider.execute(c, Dict.EMPTY, within(Duration.ofSeconds(20))))
        .as("a fresh child replaces the killed one")
        .isEqualTo(Json.parse("{\"ok\": true}"));
    CountDownLatch started = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> busy =
          pool.submit(
              () -> {
                started.countDown();
                return provider.execute(
                    c, Json.parse("{\"sleep\": 2}"), within(Duration.ofSeconds(20)));
              });
      started.await();
      // a call with no time left is a Timeout, whether the only slot is taken yet or not
      assertThatThrownBy(() -> provider.execute(c, Dict.EMPTY, within(Duration.ZERO)))
          .isInstanceOf(AgoraError.Timeout.class);
      provider.close(); // closing while a call is in flight: its child is not kept afterwards
      assertThat(busy.get()).isEqualTo(Json.parse("{\"ok\": true}"));
      assertThat(provider.warmChildren()).isZero();
    }
  }

  @Test
  void aChildThatExitsWithoutReadingItsInputStillAnswers() throws Exception {
    CapabilityManifest c = python("print('{\"early\": true}')\n", "");
    String big =
        "x".repeat(1 << 20); // more than a pipe holds: writing it fails once the child is gone
    assertThat(
            provider.execute(
                c, Dict.of(Value.keyword("big"), Value.of(big)), within(Duration.ofSeconds(20))))
        .isEqualTo(Json.parse("{\"early\": true}"));
  }

  @Test
  void aWarmLineLongerThanTheCapIsRefused() throws Exception {
    CapabilityManifest c =
        python(
            "import sys\nfor line in sys.stdin:\n    print('x' * 5000, flush=True)\n",
            "\"mode\": \"warm\", \"max_output_bytes\": 100");
    assertThatThrownBy(() -> provider.execute(c, Dict.EMPTY, within(Duration.ofSeconds(20))))
        .hasMessageContaining("a line of more than 100 bytes");
  }

  @Test
  void withoutTheSandboxACallIsASecurityViolation() throws Exception {
    ProcessProvider none = new ProcessProvider(Sandbox.unavailable("bwrap: not found"));
    CapabilityManifest c = python("print('{}')\n", "");
    assertThatThrownBy(() -> none.execute(c, Dict.EMPTY, within(Duration.ofSeconds(5))))
        .isInstanceOf(AgoraError.SecurityViolation.class)
        .hasMessageContaining(
            "the process sandbox is not available on this host (bwrap: not found)")
        .hasMessageContaining("never run without it");
  }

  @Test
  void aWorkingDirectoryTheSandboxCannotReachIsNamed() throws Exception {
    boolean root =
        String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")).equals("0");
    CapabilityManifest c = python("print('{}')\n", "");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    if (root) {
      assertThatThrownBy(() -> provider.execute(c, Dict.EMPTY, within(Duration.ofSeconds(5))))
          .hasMessageContaining("provider option 'cwd': " + dir + " is not readable");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aManifestOfAnotherTypeIsNotRun() {
    CapabilityManifest local = CapabilityManifest.builder("t.local").build();
    assertThat(provider.isolation(local)).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThatThrownBy(() -> provider.execute(local, Dict.EMPTY, within(Duration.ofSeconds(1))))
        .hasMessageContaining("not a process capability");
  }

  @Test
  void longGarbageIsShortenedAndTheUidPoolHasAnEnd() throws Exception {
    CapabilityManifest c = python("print('y' * 500)\n", "");
    assertThatThrownBy(() -> provider.execute(c, Dict.EMPTY, within(Duration.ofSeconds(20))))
        .hasMessageContaining("y".repeat(200) + "…");
    int[] taken = new int[Uids.COUNT];
    for (int i = 0; i < Uids.COUNT; i++) {
      taken[i] = Uids.take("t.x");
    }
    try {
      assertThatThrownBy(() -> Uids.take("t.x"))
          .isInstanceOf(AgoraError.LimitExceeded.class)
          .hasMessageContaining("no uid left");
    } finally {
      for (int uid : taken) {
        Uids.give(uid);
      }
    }
    assertThat(Uids.inUse()).isZero();
  }
}
