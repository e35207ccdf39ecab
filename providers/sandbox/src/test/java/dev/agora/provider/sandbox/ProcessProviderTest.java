package dev.agora.provider.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.CgroupMemory;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process provider with real children under the real bubblewrap sandbox: hostile ones that
 * reach for the network, write outside their tmp, allocate, loop and fork; and every error path.
 * Agora stays up and records each.
 */
class ProcessProviderTest {

  @TempDir Path dir;
  final MemorySink sink = new MemorySink(100_000);
  final ProcessProvider provider = new ProcessProvider();
  Marketplace m;

  @BeforeEach
  void start() throws Exception {
    // JUnit's temp directories are 0700; the sandbox's user (uid 65534 when Agora is root) needs in
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cfg = Files.writeString(dir.resolve("agora.yaml"), "storage: {type: memory}\n");
    m =
        Marketplace.builder()
            .config(ConfigLoader.load(cfg))
            .sink(sink)
            .log(l -> {})
            .provider(provider)
            .build();
  }

  @AfterEach
  void stop() {
    m.close();
  }

  /** Registers {@code id}: python3 running {@code script} with provider {@code options}. */
  void python(String id, String script, String options) throws Exception {
    Files.writeString(dir.resolve(id + ".py"), script);
    Dict opts =
        (Dict)
            Json.parse(
                "{\"cwd\": \"" + dir + "\"" + (options.isEmpty() ? "" : ", " + options) + "}");
    CapabilityManifest c =
        CapabilityManifest.builder(id)
            .provider(new ProviderSpec.Process(List.of("python3", id + ".py"), opts))
            .timeout(Duration.ofSeconds(20))
            .build();
    assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REGISTERED);
  }

  Value call(String id, String json) {
    return m.call(CallRequest.of(id, Json.parse(json), SecurityContext.full("local")));
  }

  Value get(Value v, String key) {
    return ((Dict) v).get(key);
  }

  static final String SUM =
      """
      import json, sys
      xs = json.load(sys.stdin)["xs"]
      print(json.dumps({"sum": sum(xs)}))
      """;

  @Test
  void aSandboxedCommandSumsAndSeesOnlyItsEnvironment() throws Exception {
    python("t.sum", SUM, "");
    assertThat(call("t.sum", "{\"xs\": [1, 2, 39]}")).isEqualTo(Json.parse("{\"sum\": 42}"));
    python(
        "t.env",
        "import json, os, sys\nsys.stdin.read()\nprint(json.dumps(dict(os.environ)))\n",
        "\"env\": {\"LANG\": \"C\"}");
    Dict env = (Dict) call("t.env", "{}");
    assertThat(env.get("LANG")).isEqualTo(Value.of("C"));
    assertThat(env.get("PATH")).isEqualTo(Value.of("/usr/bin:/bin"));
    // PWD is the shell's, LC_CTYPE Python's own (PEP 538): nothing of Agora's environment
    assertThat(env.asMap().keySet())
        .extracting(Json::keyName)
        .isSubsetOf("LANG", "PATH", "PWD", "LC_CTYPE");
    assertThat(provider.isolation(m.registry().get("t.env"))).isEqualTo(IsolationLevel.PROCESS);
  }

  @Test
  void envCanNameAgorasOwnVariablesWhoseValuesAreRedactedFromWhatComesBack() throws Exception {
    String secret = "s3cr3t-t0ken-value-4711";
    ProcessProvider withSecret =
        new ProcessProvider(null, null, name -> name.equals("AGORA_TEST_TOKEN") ? secret : null);
    try (Marketplace other =
        Marketplace.builder()
            .config(ConfigLoader.load(dir.resolve("agora.yaml")))
            .sink(sink)
            .log(l -> {})
            .provider(withSecret)
            .build()) {
      Files.writeString(
          dir.resolve("t.secret.py"),
          "import json, os, sys\nsys.stdin.read()\nt = os.environ['TOKEN']\n"
              + "print('leaking ' + t, file=sys.stderr)\n"
              + "print(json.dumps({'token': t, 'lang': os.environ['LANG']}))\n"
              + "sys.exit(1 if t.startswith('nope') else 0)\n");
      CapabilityManifest c =
          CapabilityManifest.builder("t.secret")
              .provider(
                  new ProviderSpec.Process(
                      List.of("python3", "t.secret.py"),
                      (Dict)
                          Json.parse(
                              "{\"cwd\": \""
                                  + dir
                                  + "\", \"env\": {\"TOKEN\": \"${AGORA_TEST_TOKEN}\","
                                  + " \"LANG\": \"C\"}}")))
              .build();
      other.register(c, "test");
      Value v = other.call(CallRequest.of("t.secret", Json.parse("{}"), SecurityContext.full("l")));
      assertThat(get(v, "token")).isEqualTo(Value.of("[redacted:AGORA_TEST_TOKEN]"));
      assertThat(get(v, "lang")).isEqualTo(Value.of("C"));
      assertThat(sink.events(EventType.CapabilityResult))
          .noneSatisfy(e -> assertThat(String.valueOf(e.result())).contains(secret));

      CapabilityManifest missing =
          CapabilityManifest.builder("t.missing")
              .provider(
                  new ProviderSpec.Process(
                      List.of("true"),
                      (Dict)
                          Json.parse(
                              "{\"cwd\": \""
                                  + dir
                                  + "\", \"env\": {\"KEY\": \"${NOT_SET_ANYWHERE}\"}}")))
              .build();
      other.register(missing, "test");
      assertThatThrownBy(
              () -> other.call(CallRequest.of("t.missing", Value.NIL, SecurityContext.full("l"))))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("sets KEY from ${NOT_SET_ANYWHERE}, which is not set");
    }
  }

  @Test
  void noNetwork_aConnectionToALoopbackListenerFails() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      python(
          "t.net",
          """
          import json, socket, sys
          port = json.load(sys.stdin)["port"]
          try:
              socket.create_connection(("127.0.0.1", port), timeout=2).close()
              print(json.dumps({"connected": True}))
          except OSError as e:
              print(json.dumps({"connected": False, "error": str(e)}))
          """,
          "");
      Value v = call("t.net", "{\"port\": " + listener.getLocalPort() + "}");
      assertThat(get(v, "connected")).isEqualTo(Value.of(false));
      listener.setSoTimeout(1);
      assertThatThrownBy(listener::accept)
          .as("nothing reached the listener")
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void writesOutsideItsTmpFail() throws Exception {
    python(
        "t.write",
        """
        import json, sys
        sys.stdin.read()
        out = {}
        for path in ["/tmp/ok", "here.txt", "/etc/agora-was-here", "/usr/agora-was-here"]:
            try:
                open(path, "w").write("x")
                out[path] = "written"
            except OSError as e:
                out[path] = type(e).__name__
        print(json.dumps(out))
        """,
        "");
    Value v = call("t.write", "{}");
    assertThat(get(v, "/tmp/ok")).isEqualTo(Value.of("written"));
    assertThat(get(v, "here.txt")).isNotEqualTo(Value.of("written"));
    assertThat(get(v, "/etc/agora-was-here")).isNotEqualTo(Value.of("written"));
    assertThat(get(v, "/usr/agora-was-here")).isNotEqualTo(Value.of("written"));
    assertThat(dir.resolve("here.txt")).doesNotExist();
    assertThat(Path.of("/etc/agora-was-here")).doesNotExist();
  }

  @Test
  void allocatingPastTheMemoryLimitIsATypedErrorAndTheNodeServesOn() throws Exception {
    python(
        "t.mem",
        "import sys\nsys.stdin.read()\nx = bytearray(512 * 1024 * 1024)\nprint('{}')\n",
        "\"limits\": {\"memory_mb\": 128}");
    assertThatThrownBy(() -> call("t.mem", "{}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("the command exited with 1")
        .hasMessageContaining("MemoryError");
    python("t.sum", SUM, "");
    assertThat(call("t.sum", "{\"xs\": [1]}")).isEqualTo(Json.parse("{\"sum\": 1}"));
    assertThat(sink.events(EventType.CapabilityResult))
        .anySatisfy(e -> assertThat(e.error()).contains("MemoryError"));
  }

  @Test
  void usingMoreThanTheCgroupMemoryLimitIsKilledByTheKernelAndTheGroupIsRemoved() throws Exception {
    // touches every page: the cgroup counts memory used, not reserved as RLIMIT_AS does
    python(
        "t.cgroup",
        "import sys\nsys.stdin.read()\nx = bytearray(256 * 1024 * 1024)\n"
            + "for i in range(0, len(x), 4096):\n    x[i] = 1\nprint('{}')\n",
        "\"limits\": {\"memory_mb\": 0, \"memory_cgroup_mb\": 64}, \"mode\": \"per_call\"");
    assertThatThrownBy(() -> call("t.cgroup", "{}"))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("more memory than memory_cgroup_mb (64 MiB)");
    python(
        "t.small",
        "import sys, json\nsys.stdin.read()\nx = bytearray(8 * 1024 * 1024)\n"
            + "for i in range(0, len(x), 4096):\n    x[i] = 1\n"
            + "print(json.dumps({'cgroup': open('/proc/self/cgroup').read()}))\n",
        "\"limits\": {\"memory_cgroup_mb\": 64}");
    Value small = call("t.small", "{}");
    // its own cgroup namespace (bwrap --unshare-all) shows the group as the root
    assertThat(get(small, "cgroup").toString()).contains("memory:/");
    Path base = Path.of("/sys/fs/cgroup/memory/agora-" + ProcessHandle.current().pid());
    if (Files.isDirectory(base)) { // cgroup v1 here: each child's group is gone after it
      try (var groups = Files.list(base)) {
        assertThat(groups.filter(Files::isDirectory).toList()).isEmpty();
      }
    }
    assertThat(sink.events(EventType.CapabilityResult))
        .anySatisfy(e -> assertThat(e.errorKind()).isEqualTo("LimitExceeded"));
  }

  @Test
  void withoutCgroupsACommandAskingForTheLimitIsNeverRun() throws Exception {
    ProcessProvider none =
        new ProcessProvider(null, CgroupMemory.unavailable("no memory cgroup controller"));
    CapabilityManifest cm =
        CapabilityManifest.builder("t.nocg")
            .provider(
                new ProviderSpec.Process(
                    List.of("true"),
                    (Dict)
                        Json.parse(
                            "{\"cwd\": \"" + dir + "\", \"limits\": {\"memory_cgroup_mb\": 32}}")))
            .build();
    assertThat(none.isolation(cm)).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThatThrownBy(
            () -> none.execute(cm, Value.NIL, ProcessEdgesTest.within(Duration.ofSeconds(5))))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("limits.memory_cgroup_mb asks for a cgroup memory limit")
        .hasMessageContaining("never run without it");
  }

  @Test
  void aLoopIsKilledAtItsCpuLimitAndASleeperAtTheDeadline() throws Exception {
    python("t.spin", "while True:\n    pass\n", "\"limits\": {\"cpu_seconds\": 1}");
    assertThatThrownBy(() -> call("t.spin", "{}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("was killed by signal");
    Files.writeString(dir.resolve("t.sleep.py"), "import time\nwhile True:\n    time.sleep(1)\n");
    CapabilityManifest sleeper =
        CapabilityManifest.builder("t.sleep")
            .provider(
                new ProviderSpec.Process(
                    List.of("python3", "t.sleep.py"),
                    (Dict) Json.parse("{\"cwd\": \"" + dir + "\"}")))
            .timeout(Duration.ofMillis(500))
            .build();
    m.register(sleeper, "test");
    assertThatThrownBy(() -> call("t.sleep", "{}")).isInstanceOf(AgoraError.Timeout.class);
    python("t.sum", SUM, "");
    assertThat(call("t.sum", "{\"xs\": [2]}")).isEqualTo(Json.parse("{\"sum\": 2}"));
  }

  @Test
  void aForkBombIsStoppedByTheProcessLimit() throws Exception {
    python(
        "t.fork",
        """
        import json, os, sys, time
        sys.stdin.read()
        n = 0
        try:
            for i in range(1000):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                n += 1
        except OSError as e:
            print(json.dumps({"forked": n, "error": str(e)}))
            sys.stdout.flush()
            os._exit(0)
        print(json.dumps({"forked": n}))
        """,
        "\"limits\": {\"processes\": 16}");
    Value v = call("t.fork", "{}");
    assertThat(((Value.Int) get(v, "forked")).value()).isLessThan(16);
    assertThat(get(v, "error").toString()).contains("Resource temporarily unavailable");
  }

  @Test
  void everyWayACommandCanFailIsATypedErrorWithItsStderr() throws Exception {
    python("t.exit", "import sys\nsys.stderr.write('boom: bad input\\n')\nsys.exit(3)\n", "");
    assertThatThrownBy(() -> call("t.exit", "{}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("the command exited with 3; stderr: boom: bad input");
    python("t.garbage", "print('not json')\n", "");
    assertThatThrownBy(() -> call("t.garbage", "{}"))
        .hasMessageContaining("the command's stdout is not one JSON document")
        .hasMessageContaining("not json");
    python("t.silent", "pass\n", "");
    assertThatThrownBy(() -> call("t.silent", "{}"))
        .hasMessageContaining("answered nothing on stdout");
    python("t.big", "print('[' + '1,' * 100000 + '1]')\n", "\"max_output_bytes\": 1000");
    assertThatThrownBy(() -> call("t.big", "{}"))
        .hasMessageContaining("wrote more than 1000 bytes on stdout (max_output_bytes)");
    for (String[] bad :
        new String[][] {
          {"\"mode\": \"sometimes\"", "'mode' must be per_call or warm"},
          {"\"limits\": {\"cpu_seconds\": 0}", "'limits.cpu_seconds' must be an integer from 1"},
          {"\"limits\": {\"gpu\": 1}", "'limits.gpu' is not a limit"},
          {"\"limits\": 5", "'limits' must be a map"},
          {"\"env\": {\"1X\": \"a\"}", "'env' maps variable names to strings"},
          {"\"env\": []", "'env' must be a map"},
          {"\"network\": \"yes\"", "'network' must be true or false"},
          {"\"cwd\": 5", "'cwd' must be a string"},
          {"\"colour\": 1", "'colour' is not a process provider option"},
          {"\"pool_size\": 0", "'pool_size' must be an integer from 1"},
          {"\"pool_size\": 999", "'pool_size' must be an integer from 1 to 256"},
          {"\"pool_size\": \"x\"", "'pool_size' must be an integer"},
          {"\"env\": {\"A\": 1}", "'env' maps variable names to strings"}
        }) {
      CapabilityManifest c =
          CapabilityManifest.builder("t.bad")
              .provider(
                  new ProviderSpec.Process(
                      List.of("python3", "x.py"),
                      (Dict)
                          Json.parse(
                              bad[0].startsWith("\"cwd\"")
                                  ? "{" + bad[0] + "}"
                                  : "{\"cwd\": \"" + dir + "\", " + bad[0] + "}")))
              .build();
      assertThat(provider.isolation(c)).as(bad[0]).isEqualTo(IsolationLevel.IN_PROCESS);
      assertThat(m.register(c, "test"))
          .as("a sandbox cannot be promised: refused")
          .isEqualTo(Registry.Change.REFUSED);
      assertThatThrownBy(() -> provider.execute(c, Json.parse("{}"), null))
          .as(bad[0])
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining(bad[1]);
    }
    assertThat(Uids.inUse()).as("every child's uid given back").isZero();
    CapabilityManifest missing =
        CapabilityManifest.builder("t.missing")
            .provider(
                new ProviderSpec.Process(
                    List.of("/nonexistent/agora-cmd"),
                    Dict.of(Value.keyword("isolation"), Value.of("none"))))
            .build();
    m.register(missing, "test");
    assertThatThrownBy(() -> call("t.missing", "{}"))
        .hasMessageContaining("cannot start /nonexistent/agora-cmd");
  }

  @Test
  void anIsolationAProcessCannotGiveIsRefusedAtRegistration() throws Exception {
    Files.writeString(dir.resolve("w.py"), SUM);
    CapabilityManifest c =
        CapabilityManifest.builder("t.wasmish")
            .provider(
                new ProviderSpec.Process(
                    List.of("python3", "w.py"),
                    (Dict) Json.parse("{\"cwd\": \"" + dir + "\", \"isolation\": \"wasm\"}")))
            .build();
    assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REFUSED);
    assertThatThrownBy(() -> provider.execute(c, Json.parse("{}"), null))
        .hasMessageContaining("'isolation' must be process");
  }

  @Test
  void isolationNoneRunsWithAgorasRightsButStillAClearedEnvironment() throws Exception {
    python(
        "t.none",
        "import json, os, sys\nsys.stdin.read()\nprint(json.dumps(sorted(os.environ)))\n",
        "\"isolation\": \"none\", \"env\": {\"MODE\": \"x\"}");
    Value v = call("t.none", "{}");
    assertThat(v.toString()).contains("MODE").contains("PATH").doesNotContain("HOME");
    assertThat(provider.isolation(m.registry().get("t.none"))).isEqualTo(IsolationLevel.IN_PROCESS);
  }

  @Test
  void withoutASandboxNothingRunsUnsandboxed() throws Exception {
    ProcessProvider none = new ProcessProvider(Sandbox.unavailable("bwrap: not found"));
    Path cfg = Files.writeString(dir.resolve("agora2.yaml"), "storage: {type: memory}\n");
    try (Marketplace other =
        Marketplace.builder()
            .config(ConfigLoader.load(cfg))
            .sink(sink)
            .log(l -> {})
            .provider(none)
            .build()) {
      Files.writeString(dir.resolve("s.py"), SUM);
      CapabilityManifest c =
          CapabilityManifest.builder("t.unsandboxed")
              .provider(
                  new ProviderSpec.Process(
                      List.of("python3", "s.py"), (Dict) Json.parse("{\"cwd\": \"" + dir + "\"}")))
              .build();
      assertThat(none.isolation(c)).isEqualTo(IsolationLevel.IN_PROCESS);
      assertThat(other.register(c, "test")).isEqualTo(Registry.Change.REFUSED);
      assertThat(other.registry().refusal("t.unsandboxed", "1.0.0"))
          .isEqualTo(
              "needs isolation 'process' by its manifest (provider isolation: process), but its"
                  + " provider 'process' gives 'in-process' on this host");
      assertThatThrownBy(() -> none.execute(c, Json.parse("{\"xs\": [1]}"), null))
          .isInstanceOf(NullPointerException.class); // no call context: nothing started either
    }
  }

  @Test
  void warmChildrenAnswerManyCallsInFlightAndAreReplacedWhenTheyDie() throws Exception {
    python(
        "t.warm",
        """
        import json, os, sys
        for line in sys.stdin:
            req = json.loads(line)
            if req.get("die"):
                sys.stderr.write("dying as asked\\n")
                sys.exit(7)
            print(json.dumps({"sum": sum(req["xs"]), "pid": os.getpid()}), flush=True)
        """,
        "\"mode\": \"warm\", \"pool_size\": 4");
    Value first = call("t.warm", "{\"xs\": [1, 2]}");
    Value second = call("t.warm", "{\"xs\": [3]}");
    assertThat(get(second, "pid")).as("one warm child answered both").isEqualTo(get(first, "pid"));
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Value>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        calls.add(pool.submit(() -> call("t.warm", "{\"xs\": [" + n + ", 1]}")));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(get(calls.get(i).get(), "sum")).isEqualTo(Value.of(i + 1));
      }
    }
    assertThat(provider.warmChildren()).isBetween(1, 4);
    assertThatThrownBy(() -> call("t.warm", "{\"die\": true}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("before answering")
        .hasMessageContaining("dying as asked");
    assertThat(get(call("t.warm", "{\"xs\": [5]}"), "sum")).isEqualTo(Value.of(5));
    provider.close();
    assertThat(provider.warmChildren()).isZero();
  }

  @Test
  void perCallChildrenAnswerManyCallsInFlight() throws Exception {
    python("t.sum", SUM, "");
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Value>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        calls.add(pool.submit(() -> call("t.sum", "{\"xs\": [" + n + ", 2]}")));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(calls.get(i).get()).isEqualTo(Json.parse("{\"sum\": " + (i + 2) + "}"));
      }
    }
  }

  @Test
  void exitCodesReadAsSignals() {
    assertThat(Child.ending(137)).contains("signal 9 (SIGKILL");
    assertThat(Child.ending(152)).contains("SIGXCPU");
    assertThat(Child.ending(153)).contains("SIGXFSZ");
    assertThat(Child.ending(139)).contains("SIGSEGV");
    assertThat(Child.ending(134)).contains("SIGABRT");
    assertThat(Child.ending(143)).contains("signal 15");
    assertThat(Child.ending(2)).isEqualTo("exited with 2");
  }
}
