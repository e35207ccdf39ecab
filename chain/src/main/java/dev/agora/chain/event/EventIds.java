package dev.agora.chain.event;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event ids: a random 64-bit prefix chosen once per process and a counter, {@code 3f9a…-1c}. Unique
 * across restarts and machines without a random number per event (a UUID per call cost more than
 * the rest of a local call's recording), and ordered within a process.
 */
public final class EventIds {

  private static final String PREFIX = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
  private static final AtomicLong COUNTER = new AtomicLong();

  private EventIds() {}

  public static String next() {
    return PREFIX + "-" + Long.toHexString(COUNTER.incrementAndGet());
  }
}
