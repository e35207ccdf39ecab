package dev.agora.rtfs.reader;

import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Reads RTFS text into {@link Form}s.
 *
 * <p>The reader tokenizes properly, unlike the reference grammar: a token runs to the next
 * delimiter (whitespace, comma, bracket, quote or {@code ;}) and is then classified, so {@code
 * true-count} is a symbol, {@code ;} inside a string is text, and {@code
 * :com.acme.db:v1.0:sales-query} is one keyword. Nesting is tracked with an explicit stack, so deep
 * input yields a {@link RtfsError} (beyond {@value #MAX_DEPTH} levels), never a StackOverflowError.
 * Every error names the line and column and says what is wrong.
 */
public final class Reader {

  /** The deepest nesting of lists, vectors and maps accepted. */
  public static final int MAX_DEPTH = 1_000;

  private final String src;
  private final String source;
  private int pos;
  private int line = 1;
  private int lineStart;

  /** Set when reading failed only because the text ended inside a string, comment or collection. */
  private boolean endedEarly;

  private Reader(String src, String source) {
    this.src = src;
    this.source = source;
  }

  /**
   * All top-level forms of {@code text}; {@code source} names it in positions ("plan.rtfs",
   * "&lt;expr&gt;").
   */
  public static List<Form> readAll(String text, String source) {
    return new Reader(text, source).readForms();
  }

  /** Exactly one form. */
  public static Form readOne(String text, String source) {
    List<Form> forms = readAll(text, source);
    if (forms.isEmpty()) {
      throw RtfsError.parse(
          "expected a form, found only whitespace and comments", new SourcePos(source, 1, 1));
    }
    if (forms.size() > 1) {
      throw RtfsError.parse("expected one form, found another one here", forms.get(1).pos());
    }
    return forms.get(0);
  }

  /**
   * True if {@code text} is an unfinished program: it ends inside a string, block comment, list,
   * vector or map. A REPL keeps reading lines while this holds.
   */
  public static boolean isIncomplete(String text) {
    Reader r = new Reader(text, "<input>");
    try {
      r.readForms();
      return false;
    } catch (RtfsError e) {
      return r.endedEarly;
    }
  }

  /** Exactly one form, as data (see {@link Form#toValue()}). */
  public static Value readValue(String text) {
    return readOne(text, "<data>").toValue();
  }

  // ---- Structure ----

  /** An open list, vector or map waiting for its closing bracket. */
  private record Open(char opener, SourcePos pos, List<Form> items) {
    char closer() {
      return opener == '(' ? ')' : opener == '[' ? ']' : '}';
    }
  }

  private List<Form> readForms() {
    List<Form> top = new ArrayList<>();
    Deque<Open> open = new ArrayDeque<>();
    while (true) {
      skipSpaceAndComments();
      if (pos >= src.length()) {
        break;
      }
      char c = src.charAt(pos);
      SourcePos at = here();
      List<Form> into = open.isEmpty() ? top : open.peek().items();
      switch (c) {
        case '(', '[', '{' -> {
          if (open.size() >= MAX_DEPTH) {
            throw RtfsError.parse("nesting deeper than " + MAX_DEPTH + " levels", at);
          }
          pos++;
          open.push(new Open(c, at, new ArrayList<>()));
        }
        case ')', ']', '}' -> {
          pos++;
          if (open.isEmpty()) {
            throw RtfsError.parse("unexpected '" + c + "' with nothing open to close", at);
          }
          Open o = open.pop();
          if (c != o.closer()) {
            throw RtfsError.parse(
                "expected '"
                    + o.closer()
                    + "' to close '"
                    + o.opener()
                    + "' opened at "
                    + o.pos().lineColumn()
                    + ", found '"
                    + c
                    + "'",
                at);
          }
          (open.isEmpty() ? top : open.peek().items()).add(close(o));
        }
        case '"' -> into.add(new Form.Atom(Value.of(readString(at)), at));
        default -> into.add(readAtom(at));
      }
    }
    if (!open.isEmpty()) {
      endedEarly = true;
      Open o = open.peek();
      String what = o.opener() == '(' ? "list" : o.opener() == '[' ? "vector" : "map";
      throw RtfsError.parse(
          "unterminated "
              + what
              + ": '"
              + o.opener()
              + "' opened at "
              + o.pos().lineColumn()
              + " is never closed",
          o.pos());
    }
    return top;
  }

  private static Form close(Open o) {
    return switch (o.opener()) {
      case '(' -> new Form.ListForm(Collections.unmodifiableList(o.items()), o.pos());
      case '[' -> new Form.VectorForm(Collections.unmodifiableList(o.items()), o.pos());
      default -> {
        if (o.items().size() % 2 != 0) {
          throw RtfsError.parse(
              "map opened at "
                  + o.pos().lineColumn()
                  + " has an odd number of forms: a key is missing its value",
              o.pos());
        }
        yield new Form.MapForm(Collections.unmodifiableList(o.items()), o.pos());
      }
    };
  }

  // ---- Strings ----

  private String readString(SourcePos start) {
    pos++; // opening quote
    StringBuilder sb = null;
    int runStart = pos;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '"') {
        String s =
            sb == null ? src.substring(runStart, pos) : sb.append(src, runStart, pos).toString();
        pos++;
        return s;
      }
      if (c == '\n') {
        newline(pos);
        pos++;
      } else if (c == '\\') {
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(src, runStart, pos);
        sb.append(escape(start));
        runStart = pos;
      } else {
        pos++;
      }
    }
    endedEarly = true;
    throw RtfsError.parse("unterminated string starting at " + start.lineColumn(), start);
  }

  private char escape(SourcePos start) {
    SourcePos at = here();
    if (pos + 1 >= src.length()) {
      endedEarly = true;
      throw RtfsError.parse("unterminated string starting at " + start.lineColumn(), start);
    }
    char e = src.charAt(pos + 1);
    pos += 2;
    return switch (e) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case '\\' -> '\\';
      case '"' -> '"';
      default ->
          throw RtfsError.parse(
              "invalid escape '\\"
                  + e
                  + "' in string; RTFS strings allow \\n \\t \\r \\\\ and \\\"",
              at);
    };
  }

  // ---- Atoms ----

  private Form readAtom(SourcePos at) {
    int start = pos;
    while (pos < src.length() && !isDelimiter(src.charAt(pos))) {
      pos++;
    }
    String token =
        src.substring(start, pos); // never empty: brackets and quotes are handled by the caller
    char c = token.charAt(0);
    if (isDigit(c) || ((c == '+' || c == '-') && token.length() > 1 && isDigit(token.charAt(1)))) {
      return new Form.Atom(Numbers.parse(token, at), at);
    }
    return switch (c) {
      case ':' -> new Form.Atom(keyword(token, at), at);
      case '#' -> new Form.Atom(dispatch(token, at), at);
      case '\'', '`', '~', '^', '\\', '@' -> throw RtfsError.parse(unsupportedPrefix(c), at);
      default -> symbolOrConstant(token, at);
    };
  }

  private Form symbolOrConstant(String token, SourcePos at) {
    switch (token) {
      case "nil" -> {
        return new Form.Atom(Value.NIL, at);
      }
      case "true" -> {
        return new Form.Atom(Value.TRUE, at);
      }
      case "false" -> {
        return new Form.Atom(Value.FALSE, at);
      }
      default -> {}
    }
    if (token.charAt(0) == '.' && token.length() > 1 && isDigit(token.charAt(1))) {
      throw RtfsError.parse("invalid number '" + token + "': write 0" + token, at);
    }
    checkNameChars(token, 0, at, "symbol");
    return new Form.Sym(token, at);
  }

  private static Value keyword(String token, SourcePos at) {
    if (token.length() == 1) {
      throw RtfsError.parse("a keyword needs a name after ':'", at);
    }
    if (token.charAt(1) == ':') {
      throw RtfsError.parse(
          "'::' auto-resolved keywords are not supported: write :" + token.substring(2), at);
    }
    checkNameChars(token, 1, at, "keyword");
    return Value.keyword(token.substring(1));
  }

  private static Value dispatch(String token, SourcePos at) {
    return switch (token) {
      case "##Inf" -> Value.of(Double.POSITIVE_INFINITY);
      case "##-Inf" -> Value.of(Double.NEGATIVE_INFINITY);
      case "##NaN" -> Value.of(Double.NaN);
      default ->
          throw RtfsError.parse(
              "'"
                  + token
                  + "' is not RTFS syntax: '#' only starts ##Inf, ##-Inf, ##NaN"
                  + " and #| block comments |# (no #( #{ #\" or #_ forms)",
              at);
    };
  }

  private static String unsupportedPrefix(char c) {
    return switch (c) {
      case '\'' -> "quote (') is not supported: write data literally, such as [1 2] or {:a 1}";
      case '`', '~' -> "syntax-quote and unquote are not supported";
      case '^' -> "metadata (^) is not supported";
      case '\\' -> "character literals are not supported: use a one-character string such as \"a\"";
      default -> "'@' is not supported: context values come from the host, not from @references";
    };
  }

  /**
   * ASCII characters allowed in symbols and keywords (letters and digits of any script are too).
   */
  private static final boolean[] NAME_CHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      NAME_CHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      NAME_CHAR[c] = true;
      NAME_CHAR[Character.toUpperCase(c)] = true;
    }
    for (char c : "_$+-*/=<>!?%.:&@'#".toCharArray()) {
      NAME_CHAR[c] = true;
    }
  }

  private static void checkNameChars(String token, int from, SourcePos at, String what) {
    for (int i = from; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch < 128 ? !NAME_CHAR[ch] : !Character.isLetterOrDigit(ch)) {
        throw RtfsError.parse(
            "invalid character '" + ch + "' in " + what + " '" + token + "'",
            new SourcePos(at.source(), at.line(), at.column() + i));
      }
    }
  }

  // ---- Whitespace, comments, positions ----

  private void skipSpaceAndComments() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n') {
        newline(pos);
        pos++;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f') {
        pos++;
      } else if (c == ';') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '#' && pos + 1 < src.length() && src.charAt(pos + 1) == '|') {
        skipBlockComment();
      } else {
        return;
      }
    }
  }

  private void skipBlockComment() {
    SourcePos start = here();
    pos += 2;
    while (pos + 1 < src.length()) {
      char c = src.charAt(pos);
      if (c == '|' && src.charAt(pos + 1) == '#') {
        pos += 2;
        return;
      }
      if (c == '\n') {
        newline(pos);
      }
      pos++;
    }
    endedEarly = true;
    throw RtfsError.parse(
        "unterminated block comment: '#|' at " + start.lineColumn() + " is never closed by '|#'",
        start);
  }

  private void newline(int at) {
    line++;
    lineStart = at + 1;
  }

  private SourcePos here() {
    return new SourcePos(source, line, pos - lineStart + 1);
  }

  private static boolean isDelimiter(char c) {
    return switch (c) {
      case ' ', '\t', '\n', '\r', '\f', ',', '(', ')', '[', ']', '{', '}', '"', ';' -> true;
      default -> false;
    };
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
