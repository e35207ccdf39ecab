package dev.agora.cli;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Printer;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints plan, step and call events as an indented tree as they happen: {@code agora run --trace}.
 */
final class EventTrace implements EventSink {

  private static final Set<EventType> REGISTRY =
      EnumSet.of(
          EventType.CapabilityRegistered,
          EventType.CapabilityUpdated,
          EventType.CapabilityRemoved,
          EventType.DiscoveryCompleted,
          EventType.CapabilityRefused,
          EventType.CapabilityQuarantined,
          EventType.CapabilityApproved);

  private final PrintStream out;
  private final Map<String, Integer> depth = new ConcurrentHashMap<>();

  EventTrace(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(Event e) {
    int d = e.parentId() == null ? 0 : depth.getOrDefault(e.parentId(), 0) + 1;
    depth.put(e.id(), d);
    if (!REGISTRY.contains(
        e.type())) { // registry and discovery events are not part of a plan's tree
      out.println("trace: " + "  ".repeat(d) + summary(e));
    }
  }

  /** One event in a few words: what {@code --trace} and {@code agora chain show} print. */
  static String summary(Event e) {
    return switch (e.type()) {
      case PlanStarted -> "plan " + e.metadata().get("name") + " started (" + e.caller() + ")";
      case PlanStepStarted -> "step " + e.metadata().get("name");
      case CapabilityCall -> "call " + e.capabilityId() + " " + Printer.describe(e.arguments());
      case CapabilityRegistered, CapabilityUpdated, CapabilityRemoved ->
          e.type().name().substring(10).toLowerCase()
              + " "
              + e.capabilityId()
              + " "
              + e.capabilityVersion();
      case DiscoveryCompleted -> "discovery " + e.metadata();
      case CapabilityRefused, CapabilityQuarantined ->
          e.type().name().substring(10).toLowerCase()
              + " "
              + e.capabilityId()
              + " "
              + e.capabilityVersion()
              + ": "
              + e.error();
      case CapabilityApproved ->
          "approved " + e.capabilityId() + " " + e.capabilityVersion() + " by " + e.caller();
      case ApprovalRequested, ApprovalGranted, ApprovalDenied, ApprovalUsed ->
          e.type().name().substring(8).toLowerCase()
              + " approval "
              + Printer.display(e.metadata().get("approval"))
              + " of "
              + e.capabilityId()
              + " ("
              + e.caller()
              + ")";
      default -> outcome(e);
    };
  }

  private static String outcome(Event e) {
    String took =
        e.duration() == null
            ? ""
            : " (" + String.format("%.3f", e.duration().toNanos() / 1e6) + " ms)";
    return Boolean.TRUE.equals(e.success())
        ? "→ " + Printer.describe(e.result()) + took
        : "✗ " + e.type() + " " + e.errorKind() + ": " + e.error() + took;
  }
}
