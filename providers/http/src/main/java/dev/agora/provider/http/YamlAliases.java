package dev.agora.provider.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Finds YAML aliases ({@code *name}). Agora's reader does not expand them (it reads an alias of a
 * map or list as the anchor's name), while a YAML library that does can be made to build a
 * billion-element document from a few lines; an OpenAPI document that uses them is refused.
 */
final class YamlAliases {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private YamlAliases() {}

  /** The line of the first alias in a file Agora's reader has just read, or 0. */
  static int firstLine(Path file) {
    try {
      return firstLine(Files.readString(file));
    } catch (IOException e) {
      return 0; // it was read a moment ago: the reader has said what is wrong with it
    }
  }

  /** The line of the first alias in {@code text}, or 0 when there is none. */
  static int firstLine(String text) {
    if (text.indexOf('*') < 0) {
      return 0;
    }
    try (JsonParser p = YAML.createParser(text)) {
      while (p.nextToken() != null) {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
          return Math.max(1, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (JacksonException e) {
      return 0; // not YAML: the reader says why
    }
    return 0;
  }
}
