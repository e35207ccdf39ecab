package dev.agora.cli;

import dev.agora.rtfs.Printer;
import dev.agora.rtfs.SimpleHost;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Prints step and call events as an indented tree: {@code agora eval --trace}. */
final class Trace implements Consumer<SimpleHost.Event> {

  private final PrintStream out;
  private final Map<String, Integer> depth = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();

  Trace(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(SimpleHost.Event e) {
    int d = e.parentId() == null ? 0 : depth.getOrDefault(e.parentId(), 0) + 1;
    switch (e.type()) {
      case "step-started" -> {
        depth.put(e.id(), d);
        names.put(e.id(), e.name());
        line(d, "step \"" + e.name() + "\" started");
      }
      case "step-completed" -> line(depth.getOrDefault(e.id(), 0), "step \"" + names.get(e.id()) + "\" → "
          + Printer.describe(e.value()));
      case "step-failed" -> line(depth.getOrDefault(e.id(), 0), "step \"" + names.get(e.id()) + "\" failed: "
          + Printer.display(e.value()));
      case "call" -> line(d, "call " + e.name() + " " + Printer.describe(e.value()));
      case "call-result" -> line(d, "  → " + Printer.describe(e.value()));
      case "call-failed" -> line(d, "  failed: " + Printer.display(e.value()));
      default -> line(d, e.type() + " " + e.id() + " " + e.name() + " " + Printer.describe(e.value()));
    }
  }

  private void line(int indent, String text) {
    out.println("trace: " + "  ".repeat(indent) + text);
  }
}
