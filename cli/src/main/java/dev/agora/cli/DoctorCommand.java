package dev.agora.cli;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.isolation.CgroupMemory;
import dev.agora.core.isolation.IsolationRule;
import dev.agora.core.isolation.IsolationSection;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agora doctor}: what this host offers — Java, the isolation levels its runtimes can give
 * (docs/SECURITY.md, "Isolation levels") — and what the configuration asks for. Exit 0 when every
 * level the configuration's isolation rules require is available, 1 otherwise (capabilities that
 * need it would be refused).
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Print what this host offers: the isolation levels (in-process, wasm, process) and whether"
          + " each works here, and the configuration's isolation rules.",
      "Exit 1 when a level the rules require is not available here."
    })
final class DoctorCommand implements Callable<Integer> {

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  DoctorCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    io.out().println(new Main.Version().getVersion()[0]);
    io.out().println("os: " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    List<IsolationLevel> available = new ArrayList<>();
    io.out().println("isolation this host offers:");
    for (IsolationLevel level : IsolationLevel.values()) {
      List<IsolationRuntime> runtimes = runtimes(level);
      if (runtimes.isEmpty()) {
        io.out().printf("  %-11s not installed (no runtime on the class path)%n", level.label());
      }
      for (IsolationRuntime r : runtimes) {
        IsolationRuntime.Support s = r.support();
        if (s.available()) {
          available.add(level);
        }
        io.out()
            .printf(
                "  %-11s %-11s %s: %s%n",
                level.label(), r.name(), s.available() ? "available" : "UNAVAILABLE", s.detail());
      }
    }
    io.out()
        .println(
            "  microvm     —           not offered: no Firecracker or gVisor runtime is built in");
    IsolationRuntime.Support cgroups = CgroupMemory.host().support();
    io.out()
        .printf(
            "memory cgroups (limits.memory_cgroup_mb): %s: %s%n",
            cgroups.available() ? "available" : "UNAVAILABLE", cgroups.detail());
    AgoraConfig config;
    try {
      config = options.config();
    } catch (MarketplaceOptions.Stop stop) {
      io.err().println(stop.getMessage());
      return stop.exit;
    }
    List<IsolationRule> rules = IsolationSection.of(config).rules();
    io.out()
        .println("configuration: " + (config.file() == null ? "none (defaults)" : config.file()));
    io.out().println("isolation rules: " + (rules.isEmpty() ? "none" : rules.size()));
    int missing = 0;
    for (IsolationRule r : rules) {
      boolean ok = available.contains(r.require());
      missing += ok ? 0 : 1;
      io.out()
          .println(
              "  "
                  + r.describe()
                  + " requires "
                  + r.require().label()
                  + (ok ? "" : " — NOT AVAILABLE here: matching capabilities are refused"));
    }
    return missing == 0 ? 0 : 1;
  }

  private static List<IsolationRuntime> runtimes(IsolationLevel level) {
    List<IsolationRuntime> out = new ArrayList<>();
    for (IsolationRuntime r : ServiceLoader.load(IsolationRuntime.class)) {
      if (r.level() == level) {
        out.add(r);
      }
    }
    return out;
  }
}
