package dev.agora.core.call;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.types.Validator;

/** Checks the arguments against the input schema; every problem is reported with its path. */
final class ValidateInput implements Stage {

  @Override
  public Value apply(Call call, Next next) {
    Schema s = call.manifest.input();
    Value input = call.request.input();
    if (s != null && !Validator.conforms(s.type(), input)) {
      throw new AgoraError.InvalidInput(call.manifest.id(), Validator.validate(s.type(), input));
    }
    return next.invoke(call);
  }
}
