package dev.agora.store;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL as it may be shown in messages and logs: a password written into it — a {@code
 * password=} parameter (or any parameter whose name holds "password", such as pgjdbc's {@code
 * sslpassword}) or the password of a {@code //user:password@host} part — is replaced by {@code
 * ***}. The docs say to give the password through {@code storage.password_env}; this keeps one
 * written into the URL anyway out of errors, logs and {@code agora nodes}.
 */
final class JdbcUrls {

  private static final Pattern USER_INFO = Pattern.compile("//([^/@?:]*):[^/?]*@");
  private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&;]*)=([^&;]*)");

  private JdbcUrls() {}

  static String redacted(String url) {
    String out = USER_INFO.matcher(url).replaceFirst("//$1:***@");
    Matcher m = PARAMETER.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = m.group(2).toLowerCase(Locale.ROOT).contains("password") ? "***" : m.group(3);
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
