package dev.agora.core.local;

import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.Value;

/** The Java body of a local capability: input (already validated) to result. */
@FunctionalInterface
public interface LocalFunction {
  Value apply(Value input, CallContext call) throws Exception;
}
