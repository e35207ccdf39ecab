package dev.agora.provider.http;

import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Paths;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the references of an OpenAPI document may point, checked before the parser follows any of
 * them: inside the document ({@code #/…}), or — for a document read from a file — to another JSON
 * or YAML file in the same directory tree, which is checked the same way. Anything that would make
 * the parser fetch over the network is refused here, since its fetches would not pass Agora's
 * egress guard: a URL ({@code https://…}, {@code file:…}, {@code //host/…}), a relative file of a
 * document read from a URL, and {@code $id} (which moves the base that relative references resolve
 * against). Discriminator mappings count as references.
 */
final class OpenApiRefs {

  /** Why a YAML document with aliases is refused. */
  static final String ALIASES =
      "YAML aliases (*name) are not supported in OpenAPI documents: write the value out, or use "
          + "a $ref";

  /** At most this many files (the document included) take part in one import. */
  static final int MAX_FILES = 64;

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  private final Path rootFile;
  private final Path root;
  private final List<DocumentProblem> problems = new ArrayList<>();
  private final Set<Path> seen = new LinkedHashSet<>();
  private final List<Local> local = new ArrayList<>();

  /** A reference inside the document itself, where it was found. */
  private record Local(Document doc, List<Value> path, String ref, String fragment) {}

  private OpenApiRefs(Path rootFile) {
    this.rootFile = rootFile;
    this.root = rootFile == null ? null : rootFile.getParent();
  }

  /**
   * What the check found: problems (none when every reference may be followed), and the other files
   * read — when there are any, the parser is to resolve the references (all of which point
   * somewhere then); when there are none, Agora writes out the document's own references itself.
   */
  record Checked(List<DocumentProblem> problems, List<Path> files) {}

  /**
   * Checks {@code doc}'s references, reading the files they name.
   *
   * @param file the document's file, or null when it was read from a URL
   */
  static Checked check(Document doc, Path file) {
    Path abs = file == null ? null : file.toAbsolutePath().normalize();
    OpenApiRefs refs = new OpenApiRefs(abs);
    if (abs != null) {
      refs.seen.add(abs);
    }
    refs.walk(doc, abs, doc.root(), new ArrayList<>());
    List<Path> files = new ArrayList<>(refs.seen);
    files.remove(abs);
    if (!files.isEmpty()) {
      // The parser resolves the references of a document that has files beside it, and logs
      // (with a stack trace) one that points nowhere; such a document is refused here instead.
      for (Local l : refs.local) {
        refs.pointTo(l.doc(), l.path(), l.ref(), l.doc().root(), l.fragment(), abs);
      }
    }
    return new Checked(refs.problems, List.copyOf(files));
  }

  private void walk(Document doc, Path file, Value v, List<Value> path) {
    switch (v) {
      case Dict d -> {
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          String key = Json.keyName(e.getKey());
          path.add(e.getKey());
          if (e.getValue() instanceof Value.Str s && isReference(key, path)) {
            follow(doc, file, s.value(), path);
          } else {
            walk(doc, file, e.getValue(), path);
          }
          path.remove(path.size() - 1);
        }
      }
      case Seq s -> {
        for (int i = 0; i < s.items().size(); i++) {
          path.add(Value.of(i));
          walk(doc, file, s.items().get(i), path);
          path.remove(path.size() - 1);
        }
      }
      default -> {}
    }
  }

  /** {@code $ref}, {@code $dynamicRef}, {@code $id}, and the values of a discriminator mapping. */
  private static boolean isReference(String key, List<Value> path) {
    if (key.equals("$ref") || key.equals("$dynamicRef") || key.equals("$id")) {
      return true;
    }
    int n = path.size();
    return n >= 3
        && Json.keyName(path.get(n - 2)).equals("mapping")
        && Json.keyName(path.get(n - 3)).equals("discriminator");
  }

  private void follow(Document doc, Path file, String ref, List<Value> path) {
    String key = Json.keyName(path.get(path.size() - 1));
    if (key.equals("$id")) {
      problem(doc, path, "$id is not supported: it changes where relative $refs point");
      return;
    }
    int hash = ref.indexOf('#');
    String target = hash < 0 ? ref : ref.substring(0, hash);
    String fragment = hash < 0 ? "" : ref.substring(hash + 1);
    if (target.isEmpty()) {
      if (file != null && !file.equals(rootFile)) {
        pointTo(doc, path, ref, doc.root(), fragment, file);
      } else {
        local.add(new Local(doc, List.copyOf(path), ref, fragment));
      }
      return;
    }
    if (!key.startsWith("$") && !target.contains("/") && !target.contains(".")) {
      return; // a discriminator mapping to a schema name, not a reference
    }
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      problem(
          doc,
          path,
          "'"
              + ref
              + "' is not followed: only references inside the document or to files beside it "
              + "are, since the parser would fetch a URL past the egress guard");
      return;
    }
    if (file == null) {
      problem(
          doc,
          path,
          "'"
              + ref
              + "' is not followed: a document read from a URL may only refer to itself (its "
              + "relative files would be fetched past the egress guard)");
      return;
    }
    Path resolved = file.getParent().resolve(target).normalize();
    if (!resolved.startsWith(root)) {
      problem(doc, path, "'" + ref + "' points outside the document's directory " + root);
      return;
    }
    if (!Files.isRegularFile(resolved)) {
      problem(doc, path, "'" + ref + "': no such file " + resolved);
      return;
    }
    Document other;
    try {
      other = read(resolved);
    } catch (DocumentException e) {
      problems.addAll(e.problems());
      return;
    }
    pointTo(doc, path, ref, other.root(), fragment, resolved);
    if (seen.add(resolved)) {
      if (seen.size() > MAX_FILES) {
        problem(
            doc, path, "more than " + MAX_FILES + " files take part; '" + ref + "' is not read");
        return;
      }
      walk(other, resolved, other.root(), new ArrayList<>());
    }
  }

  /** Another file, as the parser will read it: JSON or YAML without aliases. */
  private static Document read(Path file) {
    Documents.Format format = Documents.formatOf(file);
    if (format != Documents.Format.JSON && format != Documents.Format.YAML) {
      throw new DocumentException(
          new DocumentProblem(file.toString(), 0, "", "not a .json, .yaml or .yml file"));
    }
    Document doc = Documents.read(file);
    int alias = format == Documents.Format.YAML ? YamlAliases.firstLine(file) : 0;
    if (alias > 0) {
      throw new DocumentException(new DocumentProblem(file.toString(), alias, "", ALIASES));
    }
    return doc;
  }

  /** Checks that a JSON pointer finds something in {@code target} (a file the parser will read). */
  private void pointTo(
      Document doc, List<Value> path, String ref, Value target, String fragment, Path where) {
    if (find(target, fragment) == null) {
      problem(doc, path, "'" + ref + "' points nowhere in " + where.getFileName());
    }
  }

  /**
   * What the JSON pointer {@code pointer} (a reference's part after {@code #}) finds in {@code
   * root}, or null.
   */
  static Value find(Value root, String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) {
      return root;
    }
    Value at = root;
    for (String part : pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/", -1)) {
      String name = part.replace("~1", "/").replace("~0", "~");
      at =
          switch (at) {
            case Dict d -> d.get(Json.key(name));
            case Seq s when name.matches("\\d{1,9}") && Integer.parseInt(name) < s.items().size() ->
                s.items().get(Integer.parseInt(name));
            case null, default -> null;
          };
    }
    return at;
  }

  private void problem(Document doc, List<Value> path, String message) {
    problems.add(new DocumentProblem(doc.file(), doc.line(path), Paths.text(path), message));
  }
}
