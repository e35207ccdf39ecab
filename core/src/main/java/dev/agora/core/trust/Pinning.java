package dev.agora.core.trust;

import java.nio.file.Path;

/**
 * How discovered definitions are pinned ({@code trust.pinning}).
 *
 * @param mode {@code tofu}: pinned on first sight; {@code lock}: only what the lock file pins is
 *     admitted; {@code off}: not pinned
 * @param lockFile the lock file ({@code agora.lock} beside agora.yaml unless configured)
 */
public record Pinning(Mode mode, Path lockFile) {

  /** The pinning modes. */
  public enum Mode {
    TOFU,
    LOCK,
    OFF
  }
}
