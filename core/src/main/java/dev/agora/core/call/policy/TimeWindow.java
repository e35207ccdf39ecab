package dev.agora.core.call.policy;

import dev.agora.core.manifest.Glob;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When calls to some capabilities may run: on these days, from {@code from} (inclusive) to {@code
 * to} (exclusive) local time in an IANA zone. Local time comes from the zone's rules at the instant
 * of the call, so a window stays 09:00–17:00 on the wall clock across daylight-saving changes (the
 * reference ignored the zone and used UTC). A window whose {@code to} is before its {@code from}
 * runs over midnight and belongs to the day it starts.
 *
 * @param appliesTo the capabilities it governs; empty means all
 */
public record TimeWindow(
    ZoneId zone,
    Set<DayOfWeek> days,
    LocalTime from,
    LocalTime to,
    List<Glob> appliesTo,
    String name) {

  public TimeWindow {
    days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
    appliesTo = List.copyOf(appliesTo);
  }

  /** True if this window governs calls to {@code id}. */
  public boolean appliesTo(String id) {
    return appliesTo.isEmpty() || appliesTo.stream().anyMatch(g -> g.matches(id));
  }

  /** True if {@code at} falls inside the window. */
  public boolean contains(Instant at) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime t = local.toLocalTime();
    if (!from.isAfter(to)) {
      return days.contains(local.getDayOfWeek()) && !t.isBefore(from) && t.isBefore(to);
    }
    // over midnight: the evening belongs to today, the early hours to yesterday's window
    return (days.contains(local.getDayOfWeek()) && !t.isBefore(from))
        || (days.contains(local.getDayOfWeek().minus(1)) && t.isBefore(to));
  }

  /** {@code 09:00-17:00 Mon-Fri Europe/Oslo}. */
  public String describe() {
    String d =
        days.size() == 7
            ? "every day"
            : days.stream()
                .map(x -> x.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                .collect(Collectors.joining(","));
    return from + "-" + to + " " + d + " " + zone;
  }
}
