package dev.agora.store;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JDBC URLs as they may be shown in messages and logs. A password written into one — a {@code
 * password=} parameter, or any parameter whose name holds "password", such as pgjdbc's {@code
 * sslpassword} — is replaced by {@code ***}, as is the password of a {@code //user:password@host}
 * part. The docs say to give the password through {@code storage.password_env}; this keeps one
 * written into the URL anyway out of errors, logs and {@code agora nodes}.
 */
final class JdbcUrls {

  private static final Pattern USER_INFO = Pattern.compile("//([^/@?:]*):[^/?]*@");
  // pgjdbc splits parameters on '&' only (';' may be part of a value); other drivers on ';' too
  private static final Pattern POSTGRES_PARAMETER = Pattern.compile("([?&])([^=&]*)=([^&]*)");
  private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&;]*)=([^&;]*)");

  private JdbcUrls() {}

  static String redacted(String url) {
    String out = USER_INFO.matcher(url).replaceFirst("//$1:***@");
    Matcher m = (url.startsWith("jdbc:postgresql:") ? POSTGRES_PARAMETER : PARAMETER).matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = m.group(2).toLowerCase(Locale.ROOT).contains("password") ? "***" : m.group(3);
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * Whether {@code url} has a {@code user:password@} part. pgjdbc does not read one: it takes it
   * for a host name or a port, and its own messages and logs then name the password.
   */
  static boolean hasUserInfo(String url) {
    return USER_INFO.matcher(url).find();
  }
}
