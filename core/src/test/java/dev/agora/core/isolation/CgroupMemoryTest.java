package dev.agora.core.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding a memory controller and making groups in it, on directory layouts shaped like cgroup v1
 * and v2 (the real kernel's is exercised by the process provider's tests).
 */
class CgroupMemoryTest {

  @TempDir Path fs;

  @Test
  void v1IsFoundAndAGroupGetsItsLimitAndReportsAnOomKill() throws IOException {
    Path memory = Files.createDirectories(fs.resolve("memory"));
    Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712");
    CgroupMemory c = CgroupMemory.probe(fs);
    assertThat(c.support().available()).isTrue();
    assertThat(c.support().detail()).contains("cgroup v1");
    CgroupMemory.Group g = c.create(64);
    Path dir = g.procs().getParent();
    assertThat(dir.getParent().getFileName().toString())
        .isEqualTo("agora-" + ProcessHandle.current().pid());
    assertThat(Files.readString(dir.resolve("memory.limit_in_bytes"))).isEqualTo("67108864");
    assertThat(Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))).isFalse();
    assertThat(g.megabytes()).isEqualTo(64);
    assertThat(g.oomKilled()).as("nothing to read yet").isFalse();
    Files.writeString(
        dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    assertThat(g.oomKilled()).isFalse();
    Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\noom_kill 2\n");
    assertThat(g.oomKilled()).isTrue();
    Files.writeString(dir.resolve("memory.oom_control"), "under_oom 0\n");
    Files.writeString(dir.resolve("memory.failcnt"), "3");
    assertThat(g.oomKilled()).as("older kernels: the fail count").isTrue();
    assertThat(CgroupMemory.joining(g))
        .containsExactly("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", g.procs().toString());

    Files.createDirectories(
        fs.resolve("memory").resolve("agora-" + ProcessHandle.current().pid()).resolve("2"));
    Files.createDirectory(
        fs.resolve("memory")
            .resolve("agora-" + ProcessHandle.current().pid())
            .resolve("2")
            .resolve("memory.memsw.limit_in_bytes"));
    assertThatThrownBy(() -> c.create(1)).isInstanceOf(IOException.class);
  }

  @Test
  void v2IsFoundWhenItsRootDelegatesMemory() throws IOException {
    Files.writeString(fs.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    Files.writeString(fs.resolve("cgroup.subtree_control"), "cpu memory\n");
    CgroupMemory c = CgroupMemory.probe(fs);
    assertThat(c.support().available()).isTrue();
    assertThat(c.support().detail()).contains("cgroup v2");
    Path base = fs.resolve("agora-" + ProcessHandle.current().pid());
    assertThat(Files.readString(base.resolve("cgroup.subtree_control"))).isEqualTo("+memory");
    CgroupMemory.Group g = c.create(32);
    Path dir = g.procs().getParent();
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo("33554432");
    assertThat(Files.readString(dir.resolve("memory.swap.max"))).isEqualTo("0");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
    assertThat(g.oomKilled()).isTrue();
    Files.writeString(dir.resolve("memory.events"), "oom_kill x\n");
    assertThat(g.oomKilled()).as("unreadable counts as none").isFalse();
    g.close(); // a plain directory with files in it cannot be removed; close gives up quietly
  }

  @Test
  void withoutAMemoryControllerNothingIsOfferedAndCreateFails() throws IOException {
    CgroupMemory none = CgroupMemory.probe(fs);
    assertThat(none.support().available()).isFalse();
    assertThat(none.support().detail()).contains("no memory cgroup controller under " + fs);
    assertThatThrownBy(() -> none.create(64))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no memory cgroups here");

    Files.writeString(fs.resolve("cgroup.controllers"), "cpu io\n");
    assertThat(CgroupMemory.probe(fs).support().available()).as("v2 without memory").isFalse();
    Files.writeString(fs.resolve("cgroup.controllers"), "cpu memory\n");
    Files.writeString(fs.resolve("cgroup.subtree_control"), "cpu\n");
    assertThat(CgroupMemory.probe(fs).support().available()).as("not delegated").isFalse();
    Files.delete(fs.resolve("cgroup.subtree_control"));
    assertThat(CgroupMemory.probe(fs).support().detail()).contains("cannot use the cgroup v2");

    Path readOnly = Files.createDirectories(fs.resolve("ro"));
    Files.createDirectories(readOnly.resolve("memory"));
    Files.writeString(readOnly.resolve("memory").resolve("memory.limit_in_bytes"), "1");
    Files.writeString(
        readOnly.resolve("memory").resolve("agora-" + ProcessHandle.current().pid()), "a file");
    assertThat(CgroupMemory.probe(readOnly).support().detail()).contains("run Agora as root");
    assertThat(CgroupMemory.unavailable("why").support().detail()).isEqualTo("why");
    assertThat(CgroupMemory.host()).isSameAs(CgroupMemory.host());
    assertThat(CgroupMemory.host().support().detail()).as("says what it found").isNotBlank();
  }

  @Test
  void sandboxWrapPutsTheJoiningShellFirst() throws IOException {
    Path memory = Files.createDirectories(fs.resolve("memory"));
    Files.writeString(memory.resolve("memory.limit_in_bytes"), "1");
    CgroupMemory.Group g = CgroupMemory.probe(fs).create(8);
    SandboxSpec spec =
        new SandboxSpec(
            fs, java.util.Map.of(), new SandboxLimits(1, 0, 8, 1, 8), false, List.of(), List.of());
    List<String> c = Sandbox.host().wrap(spec, List.of("true"), Sandbox.NOBODY, g);
    assertThat(c.subList(0, 4)).isEqualTo(CgroupMemory.joining(g));
    assertThat(c.get(4)).isEqualTo("prlimit");
    assertThat(Sandbox.host().wrap(spec, List.of("true"), Sandbox.NOBODY).getFirst())
        .isEqualTo("prlimit");
    assertThatThrownBy(() -> new SandboxLimits(1, 0, 8, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
