package dev.agora.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * For the secret-echo tests of every provider (issue 11): the spellings of a secret an upstream may
 * echo — as written, base64 (standard and URL-safe, padded or not), URL-encoded — written out here
 * independently of {@link Redactor}, and a check that a text holds none of them.
 */
public final class SecretSpellings {

  private SecretSpellings() {}

  /** Every spelling of every secret. */
  public static List<String> of(String... secrets) {
    List<String> out = new ArrayList<>();
    for (String s : secrets) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.add(s);
      out.add(Base64.getEncoder().encodeToString(b));
      out.add(Base64.getEncoder().withoutPadding().encodeToString(b));
      out.add(Base64.getUrlEncoder().encodeToString(b));
      out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
      out.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Fails, naming the spelling, if {@code text} holds any spelling of any of {@code secrets}. */
  public static void assertNone(String text, String... secrets) {
    for (String spelling : of(secrets)) {
      assertThat(text).as("a spelling of a secret").doesNotContain(spelling);
    }
  }
}
