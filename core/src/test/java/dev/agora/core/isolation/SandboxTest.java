package dev.agora.core.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {

  @TempDir Path dir;

  @Test
  void hostIsProbedOnceAndAvailableHere() {
    assertThat(Sandbox.host()).isSameAs(Sandbox.host());
    assertThat(Sandbox.host().support().available()).isTrue();
    assertThat(Sandbox.host().support().detail()).contains("bubblewrap");
  }

  @Test
  void aFailingProbeSaysWhy() {
    Sandbox s = Sandbox.probe(List.of("false"));
    assertThat(s.support().available()).isFalse();
    assertThat(s.support().detail()).contains("exited with 1").contains("max_user_namespaces");
    Sandbox missing = Sandbox.probe(List.of("/nonexistent/agora-probe"));
    assertThat(missing.support().available()).isFalse();
  }

  @Test
  void runtimesAreRegistered() {
    List<IsolationRuntime> all =
        ServiceLoader.load(IsolationRuntime.class).stream()
            .map(ServiceLoader.Provider::get)
            .toList();
    assertThat(all).extracting(IsolationRuntime::name).contains("jvm", "bubblewrap");
    IsolationRuntime jvm = new InProcess();
    assertThat(jvm.level()).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(jvm.support().available()).isTrue();
    IsolationRuntime bw = new BubblewrapRuntime();
    assertThat(bw.level()).isEqualTo(IsolationLevel.PROCESS);
    assertThat(bw.support()).isEqualTo(Sandbox.host().support());
  }

  @Test
  void aDirectoryTheSandboxsUserCannotReachIsNamed() throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    String why = Sandbox.host().unreachable(dir);
    if (String.valueOf(java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        .equals("0")) {
      assertThat(why)
          .isEqualTo(dir + " is not readable by the sandbox's user (uid 65534): chmod o+rx it");
      Path inner = java.nio.file.Files.createDirectories(dir.resolve("in"));
      assertThat(Sandbox.host().unreachable(inner))
          .isEqualTo(dir + " cannot be entered by the sandbox's user (uid 65534): chmod o+x it");
      assertThat(Sandbox.host().unreachable(dir.resolve("gone")))
          .startsWith("cannot read the permissions of");
    } else {
      assertThat(why).isNull();
    }
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Sandbox.host().unreachable(dir)).isNull();
  }

  @Test
  void wrappedChildSeesOnlyItsEnvironmentAndNoNetwork() throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    SandboxSpec spec =
        new SandboxSpec(
            dir, Map.of("LANG", "C"), new SandboxLimits(5, 0, 64, 16), false, List.of(), List.of());
    List<String> cmd =
        Sandbox.host()
            .wrap(spec, List.of("sh", "-c", "env | sort; ls /sys/class/net 2>/dev/null | wc -l"));
    assertThat(cmd).contains("--unshare-all", "--die-with-parent");
    assertThat(String.join(" ", cmd))
        .as("no value of the environment on the command line, which every user can read")
        .doesNotContain("LANG")
        .doesNotContain("--setenv");
    assertThat(cmd).doesNotContain("--share-net").noneMatch(a -> a.startsWith("--as="));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(Sandbox.environment(spec));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(out).contains("LANG=C").contains("PATH=/usr/bin:/bin").doesNotContain("HOME=");
  }

  @Test
  void wrapBindsWhatItIsAskedTo() {
    SandboxSpec spec =
        new SandboxSpec(
            dir, Map.of(), SandboxLimits.DEFAULT, true, List.of(Path.of("/opt")), List.of(dir));
    List<String> cmd = Sandbox.host().wrap(spec, List.of("./x", "a"));
    assertThat(cmd)
        .contains("--share-net", "--bind", "/opt", "--as=" + (512L << 20) + ":" + (512L << 20));
    assertThat(cmd.getLast()).isEqualTo("a");
    assertThat(cmd.get(cmd.size() - 2)).endsWith("/x");
    assertThatThrownBy(() -> Sandbox.host().wrap(spec, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resolveFindsCommandsOnThePath() {
    assertThat(Sandbox.resolve("sh")).startsWith("/");
    assertThat(Sandbox.resolve("no-such-agora-command")).isEqualTo("no-such-agora-command");
    assertThat(Sandbox.tail("abcdef", 3)).isEqualTo("…def");
    assertThat(Sandbox.tail("ab", 3)).isEqualTo("ab");
    assertThat(Sandbox.maxUserNamespaces()).isNotBlank();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new SandboxLimits(0, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxLimits(1, -1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxLimits(1, 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxLimits(1, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
