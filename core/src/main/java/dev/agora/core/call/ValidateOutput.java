package dev.agora.core.call;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.types.Validator;

/** Checks the provider's result against the output schema. */
final class ValidateOutput implements Stage {

  @Override
  public Value apply(Call call, Next next) {
    Value result = next.invoke(call);
    Schema s = call.manifest.output();
    if (s != null && !Validator.conforms(s.type(), result)) {
      throw new AgoraError.InvalidOutput(call.manifest.id(), Validator.validate(s.type(), result));
    }
    return result;
  }
}
