package dev.agora.core.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a local capability. Its input schema is derived from the parameters (a map of
 * their names — {@link Param} or the compiled names — to types), its output schema from the return
 * type: {@code long/int → :int}, {@code double → :number}, {@code String → :string}, {@code boolean
 * → :bool}, {@code List → :vector}, {@code Map → :map}, {@code Value → :any}. Explicit {@link
 * #input()}/{@link #output()} override the derived ones.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Capability {
  String id();

  String name() default "";

  String description() default "";

  String version() default "1.0.0";

  /** Effects; empty or {@code "pure"} for none. */
  String[] effects() default {};

  String[] permissions() default {};

  /** An input TypeExpr in RTFS syntax, overriding the derived one. */
  String input() default "";

  /** An output TypeExpr in RTFS syntax, overriding the derived one. */
  String output() default "";
}
