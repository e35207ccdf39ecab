package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The canonical bytes of an action: what the Causal Chain hashes, stores and exports. The same
 * event gives the same bytes on every machine and in every store; docs/CAUSAL-CHAIN.md specifies
 * the format and {@code chain/src/test/resources/chain/golden.txt} pins it.
 *
 * <p>An entry is a version byte ({@code 0x01}) and the fields in a fixed order, each written as a
 * tagged value. The header fields (type … the reserved attestation slot) come before the payload
 * (arguments, result, metadata), so reading the header to cross-check a store's index columns never
 * touches the payload.
 *
 * <pre>
 *   0x00 absent (a field with no value)      0x07 keyword  u32 length, UTF-8 name (no colon)
 *   0x01 nil                                 0x08 symbol   u32 length, UTF-8 name
 *   0x02 false   0x03 true                   0x09 list     u32 count, items
 *   0x04 integer 8 bytes, big-endian         0x0A vector   u32 count, items
 *   0x05 float   8 bytes IEEE 754, big-endian, NaN as 0x7ff8000000000000
 *   0x06 string  u32 length, UTF-8           0x0B map      u32 count, key value pairs sorted by the
 *   0x0C error   kind, message (strings), data                keys' encoded bytes (unsigned)
 *   0x0D opaque  a function: its printed form as a string
 * </pre>
 */
public final class Canonical {

  /** The format version this class writes and reads. */
  public static final byte VERSION = 1;

  static final int ABSENT = 0x00,
      NIL = 0x01,
      FALSE = 0x02,
      TRUE = 0x03,
      INT = 0x04,
      FLOAT = 0x05,
      STRING = 0x06,
      KEYWORD = 0x07,
      SYMBOL = 0x08,
      LIST = 0x09,
      VECTOR = 0x0A,
      MAP = 0x0B,
      ERROR = 0x0C,
      OPAQUE = 0x0D;

  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Canonical() {}

  /** The canonical bytes of an action. */
  public static byte[] encode(Event e) {
    Out out = new Out(512);
    out.b(VERSION);
    out.str(e.type().name());
    out.str(e.id());
    out.str(e.parentId());
    out.str(e.planId());
    out.str(null); // reserved: an intent id (see Header)
    out.i64(e.at().getEpochSecond());
    out.i64(e.at().getNano());
    out.str(e.capabilityId());
    out.str(e.capabilityVersion());
    out.str(e.caller());
    if (e.success() == null) {
      out.b(ABSENT);
    } else {
      out.b(e.success() ? TRUE : FALSE);
    }
    out.str(e.errorKind());
    out.str(e.error());
    out.f64(e.cost());
    if (e.duration() == null) {
      out.b(ABSENT);
    } else {
      out.i64(e.duration().toNanos());
    }
    out.str(null); // reserved: an attestation id (see Header)
    out.value(e.arguments());
    out.value(e.result());
    out.value(e.metadata());
    return out.bytes();
  }

  /**
   * The canonical bytes of one value, as they appear inside an entry (used for digests of
   * payloads).
   */
  public static byte[] encode(Value v) {
    Out out = new Out(64);
    out.value(v);
    return out.bytes();
  }

  /**
   * The length of {@link #encode(Value)}'s bytes, counted without writing them. The count stops as
   * soon as it passes {@code limit} and then returns some number above {@code limit}: deciding
   * whether a 15 MB argument is too large to store looks at no more of it than the limit (a string
   * longer in chars than the limit is known to be too large at once, since UTF-8 never has fewer
   * bytes than chars).
   */
  public static long size(Value v, long limit) {
    return size(v, 0, limit);
  }

  private static long size(Value v, long sofar, long limit) {
    if (sofar > limit) {
      return sofar;
    }
    return switch (v) {
      case null -> sofar + 1;
      case Value.Nil n -> sofar + 1;
      case Value.Bool b -> sofar + 1;
      case Value.Int i -> sofar + 9;
      case Value.Real r -> sofar + 9;
      case Value.Str s -> textSize(s.value(), sofar, limit);
      case Value.Keyword k -> textSize(k.name(), sofar, limit);
      case Value.Symbol s -> textSize(s.name(), sofar, limit);
      case Seq s -> {
        long n = sofar + 5;
        for (int i = 0; i < s.size() && n <= limit; i++) {
          n = size(s.get(i), n, limit);
        }
        yield n;
      }
      case Dict d -> {
        long n = sofar + 5;
        for (Map.Entry<Value, Value> en : d.asMap().entrySet()) {
          if (n > limit) {
            break;
          }
          n = size(en.getValue(), size(en.getKey(), n, limit), limit);
        }
        yield n;
      }
      case Err e ->
          size(
              e.data(),
              textSize(e.message(), textSize(e.kind().name(), sofar + 1, limit), limit),
              limit);
      case Fn f -> textSize(Printer.print(f), sofar, limit);
    };
  }

  private static long textSize(String s, long sofar, long limit) {
    long n = sofar + 5 + s.length();
    return n > limit ? n : sofar + 5 + utf8Length(s);
  }

  /** How many bytes {@code s} has in UTF-8 as {@link String#getBytes} writes it. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i += utf8Bytes(s, i) == 4 ? 2 : 1) {
      n += utf8Bytes(s, i);
    }
    return n;
  }

  /**
   * The length in chars of the longest beginning of {@code s} whose UTF-8 has at most {@code max}
   * bytes; it never ends between the two halves of a surrogate pair.
   */
  static int utf8Prefix(String s, long max) {
    long n = 0;
    int i = 0;
    while (i < s.length()) {
      int bytes = utf8Bytes(s, i);
      if (n + bytes > max) {
        break;
      }
      n += bytes;
      i += bytes == 4 ? 2 : 1;
    }
    return i;
  }

  /**
   * The UTF-8 bytes of the code point at {@code i}: 4 for a surrogate pair (two chars), 1 for an
   * unpaired surrogate (written as '?').
   */
  private static int utf8Bytes(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    if (Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) {
      return 4;
    }
    return Character.isSurrogate(c) ? 1 : 3;
  }

  /**
   * Reads an entry back; bytes that are not a well-formed entry are a {@link ChainFormatException}
   * naming the offset.
   */
  public static Event decode(byte[] body) {
    In in = new In(body);
    Header h = header(in);
    Value args = in.optValue();
    Value result = in.optValue();
    Value meta = in.optValue();
    if (!(meta instanceof Dict metadata)) {
      throw new ChainFormatException(
          "metadata is " + (meta == null ? "absent" : "a " + meta.typeName()) + ", not a map",
          in.pos);
    }
    in.end();
    return new Event(
        h.id,
        h.parentId,
        h.planId,
        h.type,
        h.at,
        h.capabilityId,
        h.capabilityVersion,
        h.caller,
        args,
        result,
        h.success,
        h.errorKind,
        h.error,
        h.cost,
        h.duration,
        metadata);
  }

  /** Reads only the header fields: what a store indexes, without the payload. */
  public static Header header(byte[] body) {
    return header(new In(body));
  }

  private static final Set<String> TYPES =
      Arrays.stream(EventType.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

  /**
   * Whether {@code body} has a well-formed header whose indexed fields are exactly {@code c}: the
   * allocation-free check verification runs on every entry. False means "look closer" — {@link
   * #header} then says what is wrong.
   */
  public static boolean headerMatches(byte[] body, Entry.Columns c) {
    In in = new In(body);
    try {
      if (in.u8() != VERSION
          || !TYPES.contains(c.type())
          || c.actionId() == null
          || !in.strEquals(c.type())
          || !in.strEquals(c.actionId())
          || !in.strEquals(c.parentId())
          || !in.strEquals(c.planId())
          || in.optStr() != null) {
        return false;
      }
      long seconds = in.reqInt("timestamp seconds");
      long nanos = in.reqInt("timestamp nanoseconds");
      if (nanos < 0
          || nanos > 999_999_999
          || Math.multiplyHigh(seconds, 1_000_000_000L) != (seconds < 0 ? -1 : 0)
          || Math.addExact(seconds * 1_000_000_000L, nanos) != c.timeNanos()) {
        return false;
      }
      if (!in.strEquals(c.capabilityId())) {
        return false;
      }
      in.optStr(); // capability version
      if (!in.strEquals(c.caller())) {
        return false;
      }
      int success = in.u8();
      if (success != ABSENT && success != TRUE && success != FALSE) {
        return false;
      }
      in.optStr();
      in.optStr();
      in.expect(FLOAT, "cost");
      in.i64();
      int duration = in.u8();
      if (duration == INT) {
        in.i64();
      } else if (duration != ABSENT) {
        return false;
      }
      return in.optStr() == null;
    } catch (ChainFormatException | ArithmeticException e) {
      return false;
    }
  }

  /**
   * The fields before the payload. The format keeps two slots that are always absent today: an
   * intent id after the plan id and an attestation id after the duration, for the trust features
   * that will fill them; an entry with either present is refused, so that nothing unverified reads
   * as if it meant something.
   */
  public record Header(
      EventType type,
      String id,
      String parentId,
      String planId,
      Instant at,
      String capabilityId,
      String capabilityVersion,
      String caller,
      Boolean success,
      String errorKind,
      String error,
      double cost,
      Duration duration) {}

  private static void reserved(In in, String what) {
    int at = in.pos;
    if (in.optStr() != null) {
      throw new ChainFormatException("the " + what + " slot is reserved and must be absent", at);
    }
  }

  private static Header header(In in) {
    int version = in.u8();
    if (version != VERSION) {
      throw new ChainFormatException(
          "unknown entry format version " + version + " (this build reads " + VERSION + ")", 0);
    }
    int at = in.pos;
    String typeName = in.reqStr("type");
    EventType type;
    try {
      type = EventType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("unknown action type '" + typeName + "'", at);
    }
    String id = in.reqStr("id");
    String parent = in.optStr();
    String plan = in.optStr();
    reserved(in, "intent id");
    long seconds = in.reqInt("timestamp seconds");
    long nanos = in.reqInt("timestamp nanoseconds");
    Instant instant;
    try {
      instant = Instant.ofEpochSecond(seconds, nanos);
      Entry.Columns.nanos(instant); // stores index time as epoch nanoseconds: years 1678 to 2261
    } catch (RuntimeException e) {
      throw new ChainFormatException("timestamp out of range (years 1678 to 2261)", in.pos);
    }
    String cap = in.optStr();
    String version2 = in.optStr();
    String caller = in.optStr();
    Boolean success =
        switch (in.u8()) {
          case ABSENT -> null;
          case TRUE -> true;
          case FALSE -> false;
          default ->
              throw new ChainFormatException("success must be absent, true or false", in.pos - 1);
        };
    String errorKind = in.optStr();
    String error = in.optStr();
    in.expect(FLOAT, "cost");
    double cost = Double.longBitsToDouble(in.i64());
    Duration duration = null;
    int tag = in.u8();
    if (tag == INT) {
      duration = Duration.ofNanos(in.i64());
    } else if (tag != ABSENT) {
      throw new ChainFormatException("duration must be absent or an integer", in.pos - 1);
    }
    reserved(in, "attestation id");
    return new Header(
        type, id, parent, plan, instant, cap, version2, caller, success, errorKind, error, cost,
        duration);
  }

  // ---- Writing ----

  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    void b(int v) {
      room(1);
      buf[size++] = (byte) v;
    }

    void u32(int v) {
      room(4);
      INT_BE.set(buf, size, v);
      size += 4;
    }

    void raw64(long v) {
      room(8);
      LONG_BE.set(buf, size, v);
      size += 8;
    }

    void i64(long v) {
      b(INT);
      raw64(v);
    }

    void f64(double v) {
      b(FLOAT);
      raw64(Double.doubleToLongBits(v)); // doubleToLongBits folds every NaN into the canonical one
    }

    void text(int tag, String s) {
      int n = s.length();
      room(5 + n);
      int at = size;
      buf[at] = (byte) tag;
      int p = at + 5;
      for (int i = 0; i < n; i++) { // ASCII fast path: no intermediate array
        char c = s.charAt(i);
        if (c >= 0x80) {
          byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
          size = at + 5;
          room(utf8.length);
          System.arraycopy(utf8, 0, buf, size, utf8.length);
          INT_BE.set(buf, at + 1, utf8.length);
          size += utf8.length;
          return;
        }
        buf[p++] = (byte) c;
      }
      INT_BE.set(buf, at + 1, n);
      size = p;
    }

    void str(String s) {
      if (s == null) {
        b(ABSENT);
      } else {
        text(STRING, s);
      }
    }

    void value(Value v) {
      switch (v) {
        case null -> b(ABSENT);
        case Value.Nil n -> b(NIL);
        case Value.Bool bo -> b(bo.value() ? TRUE : FALSE);
        case Value.Int i -> i64(i.value());
        case Value.Real r -> f64(r.value());
        case Value.Str s -> text(STRING, s.value());
        case Value.Keyword k -> text(KEYWORD, k.name());
        case Value.Symbol s -> text(SYMBOL, s.name());
        case Seq s -> {
          b(s instanceof Vec ? VECTOR : LIST);
          u32(s.size());
          for (int i = 0; i < s.size(); i++) {
            value(s.get(i));
          }
        }
        case Dict d -> map(d);
        case Err e -> {
          b(ERROR);
          text(STRING, e.kind().name());
          text(STRING, e.message());
          value(e.data());
        }
        case Fn f -> text(OPAQUE, Printer.print(f));
      }
    }

    /**
     * Writes the entries in the map's own order, then, unless the keys were already in canonical
     * order, permutes the written entries into it: no per-key allocation.
     */
    private void map(Dict d) {
      int n = d.size();
      b(MAP);
      u32(n);
      int base = size;
      int[] start = new int[n + 1];
      int[] keyEnd = new int[n];
      int i = 0;
      for (Map.Entry<Value, Value> en : d.asMap().entrySet()) {
        start[i] = size;
        value(en.getKey());
        keyEnd[i] = size;
        value(en.getValue());
        i++;
      }
      start[n] = size;
      int[] order = new int[n];
      boolean sorted = true;
      for (i = 0; i < n; i++) { // insertion sort by encoded key: maps are small
        int k = i;
        while (k > 0
            && Arrays.compareUnsigned(
                    buf, start[order[k - 1]], keyEnd[order[k - 1]], buf, start[i], keyEnd[i])
                > 0) {
          order[k] = order[k - 1];
          k--;
          sorted = false;
        }
        order[k] = i;
      }
      if (sorted) {
        return;
      }
      byte[] written = Arrays.copyOfRange(buf, base, size);
      int at = base;
      for (int o : order) {
        int len = start[o + 1] - start[o];
        System.arraycopy(written, start[o] - base, buf, at, len);
        at += len;
      }
    }
  }

  // ---- Reading ----

  private static final class In {
    private static final int MAX_DEPTH = 512;
    private final byte[] buf;
    int pos;
    private int depth;

    In(byte[] buf) {
      this.buf = buf;
    }

    int u8() {
      need(1);
      return buf[pos++] & 0xff;
    }

    private void need(int n) {
      if (n < 0 || pos + n > buf.length) {
        throw new ChainFormatException("entry ends early (needs " + n + " more bytes)", pos);
      }
    }

    int u32() {
      need(4);
      int v =
          ((buf[pos] & 0xff) << 24)
              | ((buf[pos + 1] & 0xff) << 16)
              | ((buf[pos + 2] & 0xff) << 8)
              | (buf[pos + 3] & 0xff);
      pos += 4;
      if (v < 0) {
        throw new ChainFormatException(
            "length " + Integer.toUnsignedString(v) + " is too large", pos - 4);
      }
      return v;
    }

    long i64() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xff);
      }
      return v;
    }

    String utf8() {
      int n = u32();
      need(n);
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    void expect(int tag, String what) {
      int t = u8();
      if (t != tag) {
        throw new ChainFormatException(
            what
                + ": expected tag 0x"
                + Integer.toHexString(tag)
                + ", found 0x"
                + Integer.toHexString(t),
            pos - 1);
      }
    }

    /**
     * Reads a string-or-absent field and compares it with {@code expected} (null: absent) without
     * decoding ASCII.
     */
    boolean strEquals(String expected) {
      int t = u8();
      if (t == ABSENT) {
        return expected == null;
      }
      if (t != STRING || expected == null) {
        return false;
      }
      int n = u32();
      need(n);
      int at = pos;
      pos += n;
      if (n == expected.length()) {
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
          byte b = buf[at + i];
          if (b < 0) {
            ascii = false;
            break;
          }
          if (b != expected.charAt(i)) {
            return false;
          }
        }
        if (ascii) {
          return true;
        }
      }
      return new String(buf, at, n, StandardCharsets.UTF_8).equals(expected);
    }

    String reqStr(String what) {
      expect(STRING, what);
      return utf8();
    }

    long reqInt(String what) {
      expect(INT, what);
      return i64();
    }

    String optStr() {
      int t = u8();
      if (t == ABSENT) {
        return null;
      }
      if (t != STRING) {
        throw new ChainFormatException(
            "expected a string or absent, found tag 0x" + Integer.toHexString(t), pos - 1);
      }
      return utf8();
    }

    Value optValue() {
      if (pos < buf.length && buf[pos] == ABSENT) {
        pos++;
        return null;
      }
      return value();
    }

    Value value() {
      int at = pos;
      int tag = u8();
      return switch (tag) {
        case NIL -> Value.NIL;
        case FALSE -> Value.FALSE;
        case TRUE -> Value.TRUE;
        case INT -> Value.of(i64());
        case FLOAT -> Value.of(Double.longBitsToDouble(i64()));
        case STRING, OPAQUE -> Value.of(utf8());
        case KEYWORD -> Value.keyword(utf8());
        case SYMBOL -> Value.symbol(utf8());
        case LIST, VECTOR -> {
          Value[] items = new Value[count()];
          nest(at);
          for (int i = 0; i < items.length; i++) {
            items[i] = value();
          }
          depth--;
          yield tag == LIST ? Lst.adopt(items) : Vec.adopt(items);
        }
        case MAP -> {
          int n = count();
          nest(at);
          Map<Value, Value> m = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            int keyAt = pos;
            Value k = value();
            if (!(k instanceof Value.Keyword || k instanceof Value.Str || k instanceof Value.Int)) {
              throw new ChainFormatException(
                  "a map key must be a keyword, string or integer, not " + k.typeName(), keyAt);
            }
            if (m.put(k, value()) != null) {
              throw new ChainFormatException("duplicate map key " + Printer.print(k), at);
            }
          }
          depth--;
          yield Dict.of(m);
        }
        case ERROR -> {
          nest(at);
          String kind = reqStr("error kind");
          String message = reqStr("error message");
          Value data = value();
          depth--;
          ErrorKind k;
          try {
            k = ErrorKind.valueOf(kind);
          } catch (IllegalArgumentException e) {
            throw new ChainFormatException("unknown error kind '" + kind + "'", at);
          }
          yield new Err(k, message, data, null);
        }
        default ->
            throw new ChainFormatException("unknown value tag 0x" + Integer.toHexString(tag), at);
      };
    }

    /**
     * A count of items, each at least one byte: a count beyond the bytes left is corrupt, not an
     * allocation.
     */
    private int count() {
      int n = u32();
      if (n > buf.length - pos) {
        throw new ChainFormatException("count " + n + " exceeds the bytes left", pos - 4);
      }
      return n;
    }

    private void nest(int at) {
      if (++depth > MAX_DEPTH) {
        throw new ChainFormatException("values nested deeper than " + MAX_DEPTH, at);
      }
    }

    void end() {
      if (pos != buf.length) {
        throw new ChainFormatException(
            (buf.length - pos) + " unexpected bytes after the entry", pos);
      }
    }
  }
}
