package dev.agora.core.doc;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Form;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Reads JSON, YAML and RTFS files into {@link Document}s, recording the line of every value. Object
 * keys follow the JSON codec ({@link Json#key}); duplicate keys are errors; a file that is not
 * valid is a {@link DocumentException} naming its line — and never quoting it ({@link Quoting}: the
 * file may be a secret that is no document at all). Jackson refuses JSON and YAML nested deeper
 * than 500 levels, the RTFS reader beyond 1,000.
 */
public final class Documents {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  /** The formats, by file extension. */
  public enum Format {
    JSON,
    YAML,
    RTFS
  }

  private Documents() {}

  /** The format of {@code file} by its extension, or null when it is none of ours. */
  public static Format formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".json")) {
      return Format.JSON;
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return Format.YAML;
    }
    return name.endsWith(".rtfs") ? Format.RTFS : null;
  }

  /** Reads a file; its extension picks the format. */
  public static Document read(Path file) {
    return read(file, file);
  }

  /**
   * Reads {@code file}, its bytes taken from {@code content}: a link read through the real path it
   * was checked against, keeping the link's name and extension.
   */
  public static Document read(Path file, Path content) {
    Format format = formatOf(file);
    if (format == null) {
      throw new DocumentException(
          new DocumentProblem(file.toString(), 0, "", "not a .json, .yaml, .yml or .rtfs file"));
    }
    String text;
    try {
      text = Files.readString(content);
    } catch (MalformedInputException e) {
      throw new DocumentException(new DocumentProblem(file.toString(), 0, "", "not UTF-8 text"));
    } catch (NoSuchFileException e) {
      throw new DocumentException(new DocumentProblem(file.toString(), 0, "", "no such file"));
    } catch (AccessDeniedException e) {
      throw new DocumentException(new DocumentProblem(file.toString(), 0, "", "permission denied"));
    } catch (IOException e) { // e.g. a directory: the message says why, without a Java class name
      throw new DocumentException(
          new DocumentProblem(
              file.toString(),
              0,
              "",
              "cannot read: "
                  + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
    }
    return parse(text, file.toString(), format);
  }

  /**
   * Writes a value as a document: indented JSON, block-style YAML, or RTFS (a list as one form per
   * line). JSON and YAML have no keywords: they become strings (see {@code Manifests#asText} for
   * manifests).
   */
  public static String write(Value v, Format format) {
    return switch (format) {
      case JSON -> PRETTY_JSON.writeValueAsString(Json.toJava(v)) + "\n";
      case YAML -> BLOCK_YAML.writeValueAsString(Json.toJava(v));
      case RTFS -> {
        StringBuilder sb = new StringBuilder();
        if (v instanceof dev.agora.rtfs.Seq list) {
          for (int i = 0; i < list.size(); i++) {
            sb.append(Printer.print(list.get(i))).append('\n');
          }
        } else {
          sb.append(Printer.print(v)).append('\n');
        }
        yield sb.toString();
      }
    };
  }

  private static final ObjectMapper PRETTY_JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final ObjectMapper BLOCK_YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .build();

  /** Parses text in a format; {@code source} names it in problems. */
  public static Document parse(String text, String source, Format format) {
    return switch (format) {
      case JSON -> jackson(JSON, text, source);
      case YAML -> jackson(YAML, text, source);
      case RTFS -> rtfs(text, source);
    };
  }

  // ---- JSON and YAML, through Jackson's streaming parser ----

  private static Document jackson(ObjectMapper mapper, String text, String source) {
    Map<List<Value>, Integer> lines = new HashMap<>();
    try (JsonParser p = mapper.createParser(text)) {
      if (p.nextToken() == null) {
        return new Document(source, Value.NIL, lines);
      }
      Value root = tree(p, new ArrayList<>(), lines, source);
      return new Document(source, root, lines);
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new DocumentException(
          new DocumentProblem(
              source,
              line,
              "",
              "not valid "
                  + (mapper == JSON ? "JSON" : "YAML")
                  + ": "
                  + Quoting.parserMessage(e.getOriginalMessage())));
    } catch (DocumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // The parser itself failed on input it should have refused: snakeyaml-engine 2.x throws
      // IndexOutOfBoundsException for a lone high surrogate at its 1,024-character buffer's edge
      // (found by FuzzTest). Bad input is a problem to report, whatever the library does with it.
      throw new DocumentException(
          new DocumentProblem(
              source,
              0,
              "",
              "not valid "
                  + (mapper == JSON ? "JSON" : "YAML")
                  + ": the parser failed ("
                  + e.getClass().getSimpleName()
                  + ")"));
    }
  }

  private static Value tree(
      JsonParser p, List<Value> path, Map<List<Value>, Integer> lines, String source) {
    lines.put(List.copyOf(path), p.currentTokenLocation().getLineNr());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Dict.Builder b = Dict.builder();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          Value key = Json.key(p.currentName());
          int keyLine = p.currentTokenLocation().getLineNr();
          if (b.containsKey(key)) {
            throw new DocumentException(
                new DocumentProblem(
                    source,
                    keyLine,
                    Paths.text(path),
                    (Quoting.quotable(p.currentName())
                            ? "the key '" + p.currentName() + "'"
                            : "a key")
                        + " appears twice"));
          }
          p.nextToken();
          path.add(key);
          b.put(key, tree(p, path, lines, source));
          lines.put(List.copyOf(path), keyLine);
          path.remove(path.size() - 1);
        }
        return b.build();
      }
      case START_ARRAY -> {
        List<Value> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          path.add(Value.of(items.size()));
          items.add(tree(p, path, lines, source));
          path.remove(path.size() - 1);
        }
        return Vec.of(items);
      }
      case VALUE_STRING -> {
        return Value.of(p.getString());
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? Value.of(p.getDoubleValue())
            : Value.of(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return Value.of(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return Value.TRUE;
      }
      case VALUE_FALSE -> {
        return Value.FALSE;
      }
      case VALUE_NULL -> {
        return Value.NIL;
      }
      default ->
          throw new DocumentException(
              new DocumentProblem(
                  source,
                  p.currentTokenLocation().getLineNr(),
                  Paths.text(path),
                  "unexpected " + t));
    }
  }

  // ---- RTFS: every top-level form, as data ----

  private static Document rtfs(String text, String source) {
    Map<List<Value>, Integer> lines = new HashMap<>();
    try {
      List<Form> forms = Reader.readAll(text, source);
      List<Value> values = new ArrayList<>();
      List<Value> path = new ArrayList<>();
      for (int i = 0; i < forms.size(); i++) {
        path.add(Value.of(i));
        values.add(index(forms.get(i), path, lines));
        path.remove(path.size() - 1);
      }
      lines.put(List.of(), 1);
      return new Document(source, Vec.of(values), lines);
    } catch (RtfsError e) {
      throw new DocumentException(
          new DocumentProblem(
              source,
              e.pos() == null ? 0 : e.pos().line(),
              "",
              Quoting.parserMessage(e.getMessage())));
    }
  }

  /** Records the line of every form, keyed by the path the data will have. */
  private static Value index(Form f, List<Value> path, Map<List<Value>, Integer> lines) {
    lines.put(List.copyOf(path), f.pos().line());
    List<Form> items =
        switch (f) {
          case Form.ListForm l -> l.items();
          case Form.VectorForm v -> v.items();
          case Form.MapForm m -> m.items();
          default -> List.of();
        };
    if (f instanceof Form.MapForm) {
      for (int i = 0; i < items.size(); i += 2) {
        path.add(items.get(i).toValue());
        index(items.get(i + 1), path, lines);
        lines.put(List.copyOf(path), items.get(i).pos().line());
        path.remove(path.size() - 1);
      }
    } else {
      for (int i = 0; i < items.size(); i++) {
        path.add(Value.of(i));
        index(items.get(i), path, lines);
        path.remove(path.size() - 1);
      }
    }
    return f.toValue();
  }
}
