package dev.agora.rtfs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact, typed binary form of RTFS values, for sending results between nodes: {@code
 * decode(encode(v))} equals {@code v} for every value but functions, and decoding untrusted bytes
 * either gives a value or throws a {@link BinaryFormatException} saying what is wrong at which byte
 * — never another exception, and never an allocation larger than a small multiple of the input.
 *
 * <p><b>Format 1.</b> A message is the format byte {@code 0x01} followed by exactly one value; a
 * value is a tag byte followed by its body:
 *
 * <pre>
 *   tag   value            body
 *   0x00  nil              -
 *   0x01  false            -
 *   0x02  true             -
 *   0x03  integer          zig-zag varint: (n &lt;&lt; 1) ^ (n &gt;&gt; 63), 1 to 10 bytes
 *   0x04  float            8 bytes, IEEE 754 binary64, big-endian (NaN as 0x7ff8000000000000)
 *   0x05  string           text
 *   0x06  string           text, which then joins the table
 *   0x07  string           varint index of a text in the table
 *   0x08  keyword          text: the name without the colon; it joins the table
 *   0x09  keyword          varint index of a text in the table
 *   0x0A  symbol           text: the name; it joins the table
 *   0x0B  symbol           varint index of a text in the table
 *   0x0C  vector           varint count, then that many values
 *   0x0D  list             varint count, then that many values
 *   0x0E  map              varint count, then that many keys and values, alternating; each key an
 *                          integer, string or keyword, no key twice
 *   0x0F  error            four values: the kind (a keyword naming an {@link ErrorKind}), the
 *                          message (a string), the data (any value), the position: nil, or the
 *                          source (a string) followed by the line and the column (integers)
 *
 *   varint  unsigned LEB128: 7 bits a byte, least significant first, high bit set on every byte
 *           but the last; at most 10 bytes
 *   text    varint byte length, then that many bytes of UTF-8
 * </pre>
 *
 * <p><b>The table.</b> Texts that repeat are sent once: the decoder numbers from 0, in the order
 * they come, the texts of tags 0x06, 0x08 and 0x0A, and tags 0x07, 0x09 and 0x0B refer to one of
 * them by that number, whatever tag brought it in (the keyword {@code :city} and the string {@code
 * "city"} share one entry). A list of maps with the same keys thus spells each key once. Which
 * strings go through the table is up to the encoder; this one sends keywords and symbols, map keys
 * and strings of at most {@value #SHORT_STRING} characters that way, and longer strings as 0x05.
 *
 * <p><b>Limits.</b> Vectors, lists, maps and errors nest at most {@value #MAX_DEPTH} deep, both
 * ways. A count or length larger than the bytes that remain is refused before anything is
 * allocated, and so are a reference past the table, an unknown tag, malformed UTF-8 and bytes after
 * the value.
 *
 * <p>Floats keep their bits, so {@code -0.0} stays {@code -0.0} (equal to {@code 0.0} as a value
 * anyway); every NaN is sent as the one canonical NaN. Strings holding an unpaired surrogate have
 * no UTF-8 form and are refused, like functions.
 */
public final class Binary {

  /** The format byte that starts every message this class writes and reads. */
  public static final int FORMAT = 0x01;

  /** The deepest nesting of vectors, lists, maps and errors encoded or decoded. */
  public static final int MAX_DEPTH = 512;

  /** Strings up to this many characters go through the table even when they are not map keys. */
  public static final int SHORT_STRING = 32;

  static final int NIL = 0x00;
  static final int FALSE = 0x01;
  static final int TRUE = 0x02;
  static final int INTEGER = 0x03;
  static final int FLOAT = 0x04;
  static final int STRING = 0x05;
  static final int STRING_KEPT = 0x06;
  static final int STRING_REF = 0x07;
  static final int KEYWORD = 0x08;
  static final int KEYWORD_REF = 0x09;
  static final int SYMBOL = 0x0A;
  static final int SYMBOL_REF = 0x0B;
  static final int VECTOR = 0x0C;
  static final int LIST = 0x0D;
  static final int MAP = 0x0E;
  static final int ERROR = 0x0F;

  private Binary() {}

  /**
   * The bytes of {@code v}.
   *
   * @throws IllegalArgumentException for a function, a string with an unpaired surrogate, or
   *     collections nested deeper than {@value #MAX_DEPTH}; the message names the value
   */
  public static byte[] encode(Value v) {
    Encoder e = new Encoder();
    e.out.write(FORMAT);
    e.value(v, 0);
    return e.out.toByteArray();
  }

  /**
   * The value these bytes encode.
   *
   * @throws BinaryFormatException when they are not one well-formed value in format {@value
   *     #FORMAT}
   */
  public static Value decode(byte[] bytes) {
    return new Decoder(bytes).message();
  }

  // ---- Encoding ----

  private static final class Encoder {
    final Output out = new Output();
    final Map<String, Integer> table = new HashMap<>();

    void value(Value v, int depth) {
      switch (v) {
        case Value.Nil n -> out.write(NIL);
        case Value.Bool b -> out.write(b.value() ? TRUE : FALSE);
        case Value.Int i -> {
          out.write(INTEGER);
          out.varint((i.value() << 1) ^ (i.value() >> 63));
        }
        case Value.Real r -> {
          out.write(FLOAT);
          out.long8(Double.doubleToLongBits(r.value()));
        }
        case Value.Str s -> string(s.value(), s.value().length() <= SHORT_STRING);
        case Value.Keyword k -> kept(KEYWORD, k.name());
        case Value.Symbol s -> kept(SYMBOL, s.name());
        case Vec vec -> items(VECTOR, vec, depth);
        case Lst lst -> items(LIST, lst, depth);
        case Dict d -> map(d, depth);
        case Err e -> error(e, depth);
        case Fn f ->
            throw new IllegalArgumentException(
                "cannot encode "
                    + Printer.describe(f)
                    + ": functions stay on the node that has them");
      }
    }

    void string(String s, boolean viaTable) {
      if (viaTable) {
        kept(STRING_KEPT, s);
      } else {
        out.write(STRING);
        text(s);
      }
    }

    /** The text with {@code tag} the first time, then as a reference (the tag after it). */
    void kept(int tag, String s) {
      Integer index = table.putIfAbsent(s, table.size());
      if (index != null) {
        out.write(tag + 1);
        out.varint(index);
      } else {
        out.write(tag);
        text(s);
      }
    }

    void text(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      // getBytes puts '?' for an unpaired surrogate; reading the bytes back shows whether it did
      if (!new String(utf8, StandardCharsets.UTF_8).equals(s)) {
        throw new IllegalArgumentException(
            "cannot encode the text "
                + Printer.describe(Value.of(s))
                + ": it holds an unpaired surrogate, U+"
                + Integer.toHexString(unpairedSurrogate(s)).toUpperCase()
                + ", which has no UTF-8 form");
      }
      out.varint(utf8.length);
      out.write(utf8);
    }

    void items(int tag, Seq seq, int depth) {
      nest(seq, depth);
      out.write(tag);
      out.varint(seq.size());
      for (int i = 0; i < seq.size(); i++) {
        value(seq.get(i), depth + 1);
      }
    }

    void map(Dict d, int depth) {
      nest(d, depth);
      out.write(MAP);
      out.varint(d.size());
      for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
        if (e.getKey() instanceof Value.Str s) {
          string(s.value(), true);
        } else {
          value(e.getKey(), depth + 1);
        }
        value(e.getValue(), depth + 1);
      }
    }

    void error(Err e, int depth) {
      nest(e, depth);
      out.write(ERROR);
      kept(KEYWORD, e.kind().name());
      string(e.message(), e.message().length() <= SHORT_STRING);
      value(e.data(), depth + 1);
      if (e.pos() == null) {
        out.write(NIL);
      } else {
        string(e.pos().source(), true);
        value(Value.of(e.pos().line()), depth + 1);
        value(Value.of(e.pos().column()), depth + 1);
      }
    }

    static void nest(Value v, int depth) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException(
            "cannot encode "
                + Printer.describe(v)
                + ": it is nested more than "
                + MAX_DEPTH
                + " levels deep");
      }
    }

    /** The first unpaired surrogate of a string that has one. */
    static int unpairedSurrogate(String s) {
      return s.codePoints()
          .filter(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)
          .findFirst()
          .orElseThrow();
    }
  }

  /** A growing byte array. */
  private static final class Output {
    private byte[] buf = new byte[256];
    private int size;

    void write(int b) {
      room(1);
      buf[size++] = (byte) b;
    }

    void write(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
    }

    void varint(long n) {
      room(10);
      while ((n & ~0x7FL) != 0) {
        buf[size++] = (byte) ((n & 0x7F) | 0x80);
        n >>>= 7;
      }
      buf[size++] = (byte) n;
    }

    void long8(long n) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (n >>> shift);
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }

    private void room(int n) {
      if (buf.length - size < n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }
  }

  // ---- Decoding ----

  /** A text of the table, with the value it first came as (kept to hand out again). */
  private record Entry(int tag, String text, Value value) {}

  private static final class Decoder {
    final byte[] in;
    int pos;
    final List<Entry> table = new ArrayList<>();

    Decoder(byte[] in) {
      this.in = in;
    }

    Value message() {
      int format = u8("the format byte");
      if (format != FORMAT) {
        throw new BinaryFormatException(
            "unknown format 0x" + hex(format) + " (this decoder reads 0x" + hex(FORMAT) + ")", 0);
      }
      Value v = value(0);
      if (pos != in.length) {
        throw new BinaryFormatException(
            (in.length - pos) + " trailing bytes after the value that ends", pos);
      }
      return v;
    }

    /** One value; {@code depth} is the number of collections around it. */
    Value value(int depth) {
      int at = pos;
      int tag = u8("a tag");
      return switch (tag) {
        case NIL -> Value.NIL;
        case FALSE -> Value.FALSE;
        case TRUE -> Value.TRUE;
        case INTEGER -> {
          long zigzag = varint("an integer");
          yield Value.of((zigzag >>> 1) ^ -(zigzag & 1));
        }
        case FLOAT -> Value.of(Double.longBitsToDouble(long8()));
        case STRING -> Value.of(text());
        case STRING_KEPT, KEYWORD, SYMBOL -> kept(tag);
        case STRING_REF, KEYWORD_REF, SYMBOL_REF -> ref(tag, at);
        case VECTOR -> Vec.adopt(items("a vector of %s items", depth, at));
        case LIST -> Lst.adopt(items("a list of %s items", depth, at));
        case MAP -> map(depth, at);
        case ERROR -> error(depth, at);
        default -> throw new BinaryFormatException("unknown tag 0x" + hex(tag), at);
      };
    }

    Value kept(int tag) {
      String text = text();
      Value v = make(tag, text);
      table.add(new Entry(tag, text, v));
      return v;
    }

    Value ref(int refTag, int at) {
      long index = varint("a table index");
      if (Long.compareUnsigned(index, table.size()) >= 0) {
        throw new BinaryFormatException(
            "table index "
                + Long.toUnsignedString(index)
                + " out of range (table size "
                + table.size()
                + ")",
            at);
      }
      Entry e = table.get((int) index);
      return e.tag() == refTag - 1 ? e.value() : make(refTag - 1, e.text());
    }

    static Value make(int tag, String text) {
      return switch (tag) {
        case KEYWORD -> Value.keyword(text);
        case SYMBOL -> Value.symbol(text);
        default -> Value.of(text);
      };
    }

    Value[] items(String what, int depth, int at) {
      nest(depth, at);
      int n = count(what, 1, at);
      Value[] items = new Value[n];
      for (int i = 0; i < n; i++) {
        items[i] = value(depth + 1);
      }
      return items;
    }

    Dict map(int depth, int at) {
      nest(depth, at);
      int n = count("a map of %s entries", 2, at);
      Dict.Builder b = Dict.builder();
      for (int i = 0; i < n; i++) {
        int keyAt = pos;
        Value key = value(depth + 1);
        if (!(key instanceof Value.Keyword
            || key instanceof Value.Str
            || key instanceof Value.Int)) {
          throw new BinaryFormatException(
              "a map key must be a keyword, string or integer, not " + a(key), keyAt);
        }
        b.put(key, value(depth + 1));
        if (b.size() == i) { // the key was there already
          throw new BinaryFormatException("duplicate map key " + Printer.describe(key), keyAt);
        }
      }
      return b.build();
    }

    Err error(int depth, int at) {
      nest(depth, at);
      int kindAt = pos;
      Value.Keyword kindName = expect(Value.Keyword.class, "an error's kind", "a keyword", depth);
      ErrorKind kind = ErrorKind.byName(kindName.name());
      if (kind == null) {
        throw new BinaryFormatException("unknown error kind " + kindName, kindAt);
      }
      String message = expect(Value.Str.class, "an error's message", "a string", depth).value();
      Value data = value(depth + 1);
      int posAt = pos;
      Value source = value(depth + 1);
      SourcePos where =
          switch (source) {
            case Value.Nil n -> null;
            case Value.Str s -> new SourcePos(s.value(), lineOrColumn(depth), lineOrColumn(depth));
            default ->
                throw new BinaryFormatException(
                    "an error's position must be nil or a source string, not " + a(source), posAt);
          };
      return new Err(kind, message, data, where);
    }

    int lineOrColumn(int depth) {
      int at = pos;
      long n = expect(Value.Int.class, "a line or column", "an integer", depth).value();
      if (n != (int) n) {
        throw new BinaryFormatException("a line or column of " + n + " is out of range", at);
      }
      return (int) n;
    }

    /** The next value, which must be of this type ({@code aType} names it in messages). */
    <T extends Value> T expect(Class<T> type, String role, String aType, int depth) {
      int at = pos;
      Value v = value(depth + 1);
      if (!type.isInstance(v)) {
        throw new BinaryFormatException(role + " must be " + aType + ", not " + a(v), at);
      }
      return type.cast(v);
    }

    void nest(int depth, int at) {
      if (depth >= MAX_DEPTH) {
        throw new BinaryFormatException(
            "collections nested more than " + MAX_DEPTH + " levels deep", at);
      }
    }

    /**
     * A count of things taking at least {@code bytesEach} bytes each, checked against what remains;
     * {@code what} names them, with {@code %s} for the count.
     */
    int count(String what, int bytesEach, int at) {
      long n = varint("a count");
      if (Long.compareUnsigned(n, (in.length - pos) / bytesEach) > 0) {
        throw new BinaryFormatException(
            what.formatted(Long.toUnsignedString(n)) + " cannot fit in the rest" + left(), at);
      }
      return (int) n;
    }

    String text() {
      int at = pos;
      long n = varint("a text length");
      if (Long.compareUnsigned(n, in.length - pos) > 0) {
        throw new BinaryFormatException(
            "a text of " + Long.toUnsignedString(n) + " bytes runs past the end" + left(), at);
      }
      String s = new String(in, pos, (int) n, StandardCharsets.UTF_8);
      if (s.indexOf('\uFFFD') >= 0) { // what the lenient decoding above puts for malformed bytes
        checkUtf8((int) n);
      }
      pos += (int) n;
      return s;
    }

    void checkUtf8(int n) {
      ByteBuffer bytes = ByteBuffer.wrap(in, pos, n);
      CoderResult r =
          StandardCharsets.UTF_8.newDecoder().decode(bytes, CharBuffer.allocate(n), true);
      if (r.isError()) {
        throw new BinaryFormatException("malformed UTF-8", bytes.position());
      }
    }

    long varint(String what) {
      int at = pos;
      long n = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8(what);
        n |= (long) (b & 0x7F) << shift;
        if (b < 0x80) {
          if (shift == 63 && b > 1) {
            break;
          }
          return n;
        }
      }
      throw new BinaryFormatException(what + " does not fit in 64 bits", at);
    }

    long long8() {
      if (in.length - pos < 8) {
        throw new BinaryFormatException("truncated input: a float needs 8 bytes" + left(), pos);
      }
      long n = 0;
      for (int i = 0; i < 8; i++) {
        n = (n << 8) | (in[pos++] & 0xFF);
      }
      return n;
    }

    int u8(String what) {
      if (pos >= in.length) {
        throw new BinaryFormatException("truncated input: expected " + what, pos);
      }
      return in[pos++] & 0xFF;
    }

    /** How many bytes remain, for messages. */
    String left() {
      return " (bytes left: " + (in.length - pos) + ")";
    }

    /** "a vector", "an integer". */
    static String a(Value v) {
      return ("aeiou".indexOf(v.typeName().charAt(0)) >= 0 ? "an " : "a ") + v.typeName();
    }

    static String hex(int b) {
      return String.format("%02x", b);
    }
  }
}
