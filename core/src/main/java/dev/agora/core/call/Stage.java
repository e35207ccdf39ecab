package dev.agora.core.call;

import dev.agora.rtfs.Value;

/**
 * One stage of the call path: it may refuse the call, must otherwise pass it to {@code next}
 * (exactly once, except that {@link Resilience} may try again), and may look at (or replace) the
 * result on the way back — the decorator shape Resilience4j uses. Stages are stateless and shared;
 * per-call state lives in {@link Call}.
 */
interface Stage {

  Value apply(Call call, Next next);

  /** The rest of the path. */
  @FunctionalInterface
  interface Next {
    Value invoke(Call call);
  }
}
