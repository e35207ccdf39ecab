package dev.agora.core.discovery;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.spi.Redactor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence before a discovery problem is logged or recorded for good in the Causal
 * Chain (issue 12): every known secret (the {@link Redactor}'s) becomes its mark, and whatever
 * still looks like one — a PEM private key, {@code SOME_TOKEN=value}, a long token — becomes {@code
 * [redacted]}; then the text is cut to {@link #MAX_CHARS}. Problems should not quote files in the
 * first place ({@link dev.agora.core.doc.Quoting}); this catches what a source's own message lets
 * through.
 */
public final class Scrub {

  /** The longest problem text kept. */
  public static final int MAX_CHARS = 300;

  /** How many problems of one source a record keeps; the rest are counted. */
  public static final int MAX_PROBLEMS = 100;

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN [A-Z0-9 ]+-----[\\s\\S]*?(?:-----END [A-Z0-9 ]+-----|$)");

  private static final Pattern ASSIGNED =
      Pattern.compile(
          "(?i)\\b([A-Z0-9_.-]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH)"
              + "[A-Z0-9_.-]*)\\s*(=|:\\s)\\s*(\"[^\"]*\"|'[^']*'|\\S+)");

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+_=-]{32,}");

  private Scrub() {}

  /** {@code p} as one line of text, its file, field and message each scrubbed. */
  public static String problem(DocumentProblem p, Redactor secrets) {
    return new DocumentProblem(
            text(p.file(), secrets), p.line(), text(p.field(), secrets), text(p.message(), secrets))
        .toString();
  }

  /** {@code s} with secrets and secret-looking text taken out, at most {@link #MAX_CHARS} long. */
  public static String text(String s, Redactor secrets) {
    if (s == null) {
      return null;
    }
    String out = secrets.redact(s);
    out = PEM.matcher(out).replaceAll("[redacted: private key]");
    out = ASSIGNED.matcher(out).replaceAll("$1$2[redacted]");
    out = tokens(out);
    return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "…" : out;
  }

  /** Long runs of letters and digits together, as API keys and hashes are. */
  private static String tokens(String s) {
    Matcher m = TOKEN.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String run = m.group();
      boolean mixed =
          run.chars().anyMatch(Character::isDigit) && run.chars().anyMatch(Character::isLetter);
      m.appendReplacement(sb, mixed ? "[redacted]" : Matcher.quoteReplacement(run));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
