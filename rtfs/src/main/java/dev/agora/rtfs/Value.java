package dev.agora.rtfs;

import java.util.Objects;

/**
 * An RTFS value: immutable, compared and hashed by value.
 *
 * <p>Equality is structural and type-strict, as in the reference: {@code (= 1 1.0)} is false and a
 * vector never equals a list; maps compare regardless of order. Only {@code nil} and {@code false}
 * are falsy. {@link Printer} gives the printed form, which the reader reads back equal for every
 * data value (functions and errors print as {@code #<…>}).
 */
public sealed interface Value
    permits Value.Nil,
        Value.Bool,
        Value.Int,
        Value.Real,
        Value.Str,
        Value.Keyword,
        Value.Symbol,
        Seq,
        Dict,
        Fn,
        Err {

  Nil NIL = new Nil();
  Bool TRUE = new Bool(true);
  Bool FALSE = new Bool(false);

  /**
   * The type name used in messages: {@code nil boolean integer float string keyword symbol vector
   * list map function error}.
   */
  String typeName();

  /** False only for {@code nil} and {@code false}. */
  default boolean truthy() {
    return true;
  }

  // ---- Factories ----

  static Int of(long n) {
    return n >= Int.CACHE_LOW && n <= Int.CACHE_HIGH
        ? Int.CACHE[(int) (n - Int.CACHE_LOW)]
        : new Int(n);
  }

  static Real of(double d) {
    return new Real(d);
  }

  static Bool of(boolean b) {
    return b ? TRUE : FALSE;
  }

  static Str of(String s) {
    return new Str(s);
  }

  static Keyword keyword(String name) {
    return new Keyword(name);
  }

  static Symbol symbol(String name) {
    return new Symbol(name);
  }

  // ---- Scalars ----

  /** {@code nil}. Use {@link #NIL}. */
  record Nil() implements Value {
    @Override
    public String typeName() {
      return "nil";
    }

    @Override
    public boolean truthy() {
      return false;
    }

    @Override
    public String toString() {
      return "nil";
    }
  }

  /** {@code true} or {@code false}. Use {@link #TRUE}, {@link #FALSE} or {@link #of(boolean)}. */
  record Bool(boolean value) implements Value {
    @Override
    public String typeName() {
      return "boolean";
    }

    @Override
    public boolean truthy() {
      return value;
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  /** A 64-bit integer. Arithmetic that overflows is an error, never a silent wrap. */
  record Int(long value) implements Value {
    private static final int CACHE_LOW = -128;
    private static final int CACHE_HIGH = 1024;
    private static final Int[] CACHE = new Int[CACHE_HIGH - CACHE_LOW + 1];

    static {
      for (int i = 0; i < CACHE.length; i++) {
        CACHE[i] = new Int(i + CACHE_LOW);
      }
    }

    @Override
    public String typeName() {
      return "integer";
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /**
   * A 64-bit IEEE float (RTFS {@code :float}). Equal floats are equal values; unlike raw IEEE,
   * {@code ##NaN} equals itself (so values stay usable as map keys) and {@code 0.0} equals {@code
   * -0.0}.
   */
  record Real(double value) implements Value {
    @Override
    public String typeName() {
      return "float";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Real r
          && (r.value == value || (Double.isNaN(r.value) && Double.isNaN(value)));
    }

    @Override
    public int hashCode() {
      return value == 0.0 ? 0 : Double.hashCode(value);
    }

    @Override
    public String toString() {
      return Printer.print(this);
    }
  }

  /** A string. */
  record Str(String value) implements Value {
    public Str {
      Evaluation.charge(Evaluation.stringBytes(value.length()));
    }

    @Override
    public String typeName() {
      return "string";
    }

    @Override
    public String toString() {
      return Printer.print(this);
    }
  }

  /**
   * A keyword. The name is stored without the leading colon: {@code :ccos.echo} has the name {@code
   * ccos.echo}, {@code :com.acme.db:v1.0:sales-query} the name {@code
   * com.acme.db:v1.0:sales-query}.
   */
  record Keyword(String name) implements Value {
    public Keyword {
      Objects.requireNonNull(name);
    }

    @Override
    public String typeName() {
      return "keyword";
    }

    @Override
    public String toString() {
      return ":" + name;
    }
  }

  /**
   * A symbol as data (code read with {@code Reader.readValue}); evaluated code never yields one.
   */
  record Symbol(String name) implements Value {
    public Symbol {
      Objects.requireNonNull(name);
    }

    @Override
    public String typeName() {
      return "symbol";
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
