package dev.agora.chain;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A self-contained copy of the log that another machine verifies with nothing but the file and the
 * node's verifier key. JSON Lines:
 *
 * <pre>
 *   {"format":"agora-chain-export/1","origin":"…","size":N,"checkpoint":"&lt;signed note&gt;","key":"&lt;verifier key&gt;"}
 *   {"index":0,"body":"&lt;base64 canonical bytes&gt;","chain":"&lt;hex chain hash&gt;"}
 *   …                                                           one line per entry, N lines
 * </pre>
 *
 * The {@code key} field is informational: {@link #verify} checks the checkpoint against the key the
 * verifier brings, never the one in the file.
 */
public final class ChainExport {

  public static final String FORMAT = "agora-chain-export/1";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ChainExport() {}

  /** Writes the log up to a fresh (or current) checkpoint; returns that checkpoint. */
  public static Checkpoint write(CausalChain chain, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Checkpoint c;
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      c = write(chain, w);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return c;
  }

  /**
   * Writes the log up to a fresh (or current) checkpoint to {@code w}, as JSON Lines; returns that
   * checkpoint. {@code w} is left open.
   */
  public static Checkpoint write(CausalChain chain, Writer w) throws IOException {
    Ledger ledger = chain.ledger();
    Checkpoint c = ledger.latestCheckpoint();
    ChainStore store = ledger.store();
    ObjectNode head = JSON.createObjectNode();
    head.put("format", FORMAT)
        .put("origin", c.origin())
        .put("size", c.size())
        .put("checkpoint", c.note())
        .put("key", ledger.key().verifier().encoded());
    w.write(JSON.writeValueAsString(head));
    w.write('\n');
    try {
      store.scan(
          0,
          c.size(),
          e -> {
            ObjectNode line = JSON.createObjectNode();
            line.put("index", e.index())
                .put("body", Base64.getEncoder().encodeToString(e.body()))
                .put("chain", Hashes.hex(e.chainHash()));
            try {
              w.write(JSON.writeValueAsString(line));
              w.write('\n');
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          });
    } catch (UncheckedIOException x) {
      throw x.getCause();
    }
    w.flush();
    return c;
  }

  /** What an export holds, once verified. */
  public record Result(Verifier.Report report, Checkpoint checkpoint) {}

  /**
   * Verifies an export with {@code key}: the checkpoint must be signed by it, and every entry must
   * chain and add up to the checkpoint's root. A file that is not an export is a {@link
   * ChainFormatException}.
   */
  public static Result verify(Path file, VerifierKey key) throws IOException {
    return verify(file, key, e -> {});
  }

  /** {@link #verify(Path, VerifierKey)}, showing {@code seen} every entry as it is read. */
  public static Result verify(Path file, VerifierKey key, Consumer<Entry> seen) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonNode head = parse(r.readLine(), 1);
      if (!FORMAT.equals(head.path("format").asString(null))) {
        throw new ChainFormatException(
            file + " line 1: not an Agora chain export (format " + FORMAT + ")");
      }
      Checkpoint c = Checkpoint.parse(text(head, "checkpoint", 1));
      if (!c.signedBy(key)) {
        return new Result(
            Verifier.Report.bad(
                0,
                "the export's checkpoint is not signed by "
                    + key.name()
                    + " ("
                    + key.hashHex()
                    + ")",
                0),
            c);
      }
      long[] line = {1};
      Verifier.Report report =
          new Verifier(List.of(key), c.origin())
              .verify(
                  each -> {
                    try {
                      for (String s = r.readLine(); s != null; s = r.readLine()) {
                        line[0]++;
                        JsonNode n = parse(s, line[0]);
                        byte[] body = bytes(n, "body", line[0], true);
                        Entry e =
                            new Entry(
                                n.path("index").asLong(-1),
                                body,
                                Hashes.leaf(body),
                                bytes(n, "chain", line[0], false),
                                null);
                        seen.accept(e);
                        each.accept(e);
                      }
                    } catch (IOException x) {
                      throw new UncheckedIOException(x);
                    }
                  },
                  null,
                  List.of(c));
      return new Result(report, c);
    } catch (UncheckedIOException x) {
      throw x.getCause();
    }
  }

  private static JsonNode parse(String line, long number) {
    if (line == null) {
      throw new ChainFormatException("line " + number + ": the file ends early");
    }
    try {
      return JSON.readTree(line);
    } catch (JacksonException e) {
      throw new ChainFormatException("line " + number + ": not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode n, String field, long line) {
    String s = n.path(field).asString(null);
    if (s == null) {
      throw new ChainFormatException("line " + line + ": missing '" + field + "'");
    }
    return s;
  }

  private static byte[] bytes(JsonNode n, String field, long line, boolean base64) {
    String s = text(n, field, line);
    try {
      return base64 ? Base64.getDecoder().decode(s) : HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException(
          "line " + line + ": '" + field + "' is not valid " + (base64 ? "base64" : "hex"));
    }
  }
}
