package dev.agora.core.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names a parameter of a {@link Capability} method: the key of the input map it is read from. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  String value();

  /** True if the key may be absent (the parameter then gets null, or 0/false for primitives). */
  boolean optional() default false;
}
