package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Evidence a caller keeps of one call (issue 14): which action of which log recorded it, the leaf
 * hash of that entry, SHA-256 digests of the arguments and the result (never the values: secrets
 * stay out), and the digest of the capability's definition. It is made good either way:
 *
 * <ul>
 *   <li><b>signed</b> at once by the node's key — a promise to include, like Certificate
 *       Transparency's SCT: with an asynchronous chain the index is not known yet and is absent;
 *   <li><b>completed</b> by an {@link InclusionProof} of the entry against a signed checkpoint
 *       ({@code agora chain prove ACTION}), which needs no signature of its own.
 * </ul>
 *
 * A receipt file is its canonical JSON: keys sorted, no whitespace, one trailing newline. The
 * signature covers the canonical JSON of every field but {@code signature} and {@code proof};
 * {@link #parse} refuses any other spelling, so no byte of a file can change unnoticed.
 *
 * @param log the origin of the log (the first line of its checkpoints)
 * @param action the id of the {@code CapabilityResult} entry
 * @param call the id of the {@code CapabilityCall} entry it answers
 * @param index the entry's index, or {@code -1} when not known at signing (asynchronous recording)
 * @param leaf the entry's Merkle leaf hash ({@link Hashes#leaf} of its canonical bytes)
 * @param arguments hex SHA-256 of the canonical bytes of the arguments as passed
 * @param result hex SHA-256 of the canonical bytes of the result
 * @param definition the definition digest (the manifest's content hash), or null if unknown
 * @param signature the node's signature, or null (then {@code proof} must make it good)
 * @param proof the entry's inclusion proof, or null
 */
public record Receipt(
    String log,
    String action,
    String call,
    String capability,
    String version,
    Instant issued,
    long index,
    byte[] leaf,
    String arguments,
    String result,
    String definition,
    Checkpoint.Sig signature,
    InclusionProof proof) {

  public static final String FORMAT = "agora-receipt/1";

  /** How receipts are made: signed per call, completed by a proof per batch, or not at all. */
  public enum Mode {
    IMMEDIATE,
    BATCHED,
    OFF
  }

  /** Whether a receipt holds, and if not, why. */
  public record Verdict(boolean valid, String reason) {
    static final Verdict VALID = new Verdict(true, null);

    static Verdict bad(String reason) {
      return new Verdict(false, reason);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> FIELDS =
      Set.of(
          "action",
          "arguments",
          "call",
          "capability",
          "definition",
          "format",
          "index",
          "issued",
          "leaf",
          "log",
          "proof",
          "result",
          "signature",
          "version");

  public Receipt {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(issued, "issued");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(result, "result");
    if (leaf.length != 32 || index < -1) {
      throw new ChainFormatException("a receipt needs a 32-byte leaf hash and an index ≥ -1");
    }
    leaf = leaf.clone();
  }

  /** The metadata key under which a recorded outcome carries its receipt's digests. */
  public static final String BINDING = "receipt";

  /** The hex SHA-256 of a value's canonical bytes: how arguments and results are digested. */
  public static String digest(Value v) {
    return Hashes.hex(Hashes.sha256(Canonical.encode(v == null ? Value.NIL : v)));
  }

  /**
   * {@code {:arguments "<hex>" :result "<hex>" :definition "<digest>"}} (no definition when null):
   * what a recorded outcome carries under {@link #BINDING}.
   */
  public static Dict binding(String arguments, String result, String definition) {
    Dict.Builder b =
        Dict.builder().put("arguments", Value.of(arguments)).put("result", Value.of(result));
    if (definition != null) {
      b.put("definition", Value.of(definition));
    }
    return b.build();
  }

  /** This receipt signed by {@code key}. */
  public Receipt signed(ChainKey key) {
    return with(
        new Checkpoint.Sig(key.name(), key.verifier().hash(), key.sign(signedBytes())), proof);
  }

  /** This receipt completed by {@code p}, the inclusion proof of its entry. */
  public Receipt withProof(InclusionProof p) {
    return with(signature, p);
  }

  private Receipt with(Checkpoint.Sig sig, InclusionProof p) {
    return new Receipt(
        log,
        action,
        call,
        capability,
        version,
        issued,
        index,
        leaf,
        arguments,
        result,
        definition,
        sig,
        p);
  }

  /** The bytes the signature covers: the canonical JSON without {@code signature} and proof. */
  public byte[] signedBytes() {
    return JSON.writeValueAsString(fields()).getBytes(StandardCharsets.UTF_8);
  }

  /** The receipt file: its canonical JSON and a newline. */
  public String json() {
    ObjectNode all = fields();
    if (proof != null) {
      all.put("proof", proof.text());
    }
    if (signature != null) {
      all.put("signature", signature.text());
    }
    return JSON.writeValueAsString(sorted(all)) + "\n";
  }

  private ObjectNode fields() {
    ObjectNode n = JSON.createObjectNode();
    n.put("action", action).put("arguments", arguments).put("call", call);
    n.put("capability", capability);
    if (definition != null) {
      n.put("definition", definition);
    }
    n.put("format", FORMAT);
    if (index >= 0) {
      n.put("index", index);
    }
    n.put("issued", issued.toString()).put("leaf", Hashes.hex(leaf)).put("log", log);
    n.put("result", result);
    if (version != null) {
      n.put("version", version);
    }
    return n;
  }

  private static ObjectNode sorted(ObjectNode n) {
    ObjectNode out = JSON.createObjectNode();
    n.propertyNames().stream().sorted().forEach(k -> out.set(k, n.get(k)));
    return out;
  }

  /**
   * Reads a receipt file. Anything but a receipt's canonical JSON — a missing or unknown field, a
   * field of the wrong kind, another spelling of the same content — is a {@link
   * ChainFormatException} saying what.
   */
  public static Receipt parse(String text) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new ChainFormatException("not a receipt: not JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new ChainFormatException("not a receipt: a receipt is a JSON object");
    }
    if (!FORMAT.equals(n.path("format").asString(null))) {
      throw new ChainFormatException("not a receipt: its format is not " + FORMAT);
    }
    for (Iterator<String> it = n.propertyNames().iterator(); it.hasNext(); ) {
      String k = it.next();
      if (!FIELDS.contains(k)) {
        throw new ChainFormatException("receipt: unknown field '" + k + "'");
      }
    }
    JsonNode index = n.get("index");
    if (index != null && !(index.isIntegralNumber() && index.canConvertToLong())) {
      throw new ChainFormatException("receipt: 'index' is not a whole number");
    }
    Receipt r;
    try {
      r =
          new Receipt(
              text(n, "log", true),
              text(n, "action", true),
              text(n, "call", true),
              text(n, "capability", true),
              text(n, "version", false),
              Instant.parse(text(n, "issued", true)),
              index == null ? -1 : index.asLong(),
              HexFormat.of().parseHex(text(n, "leaf", true)),
              text(n, "arguments", true),
              text(n, "result", true),
              text(n, "definition", false),
              parseSignature(text(n, "signature", false)),
              n.has("proof") ? InclusionProof.parse(text(n, "proof", true)) : null);
    } catch (DateTimeParseException e) {
      throw new ChainFormatException("receipt: 'issued' is not an ISO instant");
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("receipt: 'leaf' is not hex");
    }
    if (!r.json().equals(text)) {
      throw new ChainFormatException(
          "receipt: not in canonical form (keys sorted, no whitespace, one final newline): the"
              + " file was changed");
    }
    return r;
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null && !required) {
      return null;
    }
    if (v == null || !v.isString()) {
      throw new ChainFormatException("receipt: '" + field + "' is missing or not a string");
    }
    return v.asString();
  }

  private static Checkpoint.Sig parseSignature(String text) {
    Checkpoint.Sig sig = text == null ? null : Checkpoint.Sig.parse(text);
    if (text != null && sig == null) {
      throw new ChainFormatException(
          "receipt: 'signature' is not '<key name> <base64 key id and signature>'");
    }
    return sig;
  }

  /**
   * Checks the receipt with the node's key, offline: its signature, if any, must be {@code key}'s
   * over its fields; its proof, if any, must hold against a checkpoint {@code key} signed and be of
   * this receipt's entry. One of the two is needed.
   */
  public Verdict verify(VerifierKey key) {
    if (signature == null && proof == null) {
      return Verdict.bad(
          "the receipt is neither signed nor completed by an inclusion proof (complete it with"
              + " 'agora chain prove "
              + action
              + "' and --proof)");
    }
    if (signature != null) {
      if (!signature.name().equals(key.name()) || !Arrays.equals(signature.keyHash(), key.hash())) {
        return Verdict.bad(
            "the receipt is signed by key '"
                + signature.name()
                + "' ("
                + Hashes.hex(signature.keyHash())
                + "), not by '"
                + key.name()
                + "' ("
                + key.hashHex()
                + ")");
      }
      if (!key.verify(signedBytes(), signature.signature())) {
        return Verdict.bad(
            "the signature does not match the receipt: a field was changed or it was forged");
      }
    }
    return proof == null ? Verdict.VALID : checkProof(proof, key);
  }

  /** Whether {@code p} proves this receipt's entry in a checkpoint {@code key} signed. */
  public Verdict checkProof(InclusionProof p, VerifierKey key) {
    if (!p.checkpoint().signedBy(key)) {
      return Verdict.bad("the proof's checkpoint is not signed by '" + key.name() + "'");
    }
    if (!p.checkpoint().origin().equals(log)) {
      return Verdict.bad(
          "the proof is of the log " + p.checkpoint().origin() + ", the receipt of " + log);
    }
    if (!Arrays.equals(Hashes.leaf(p.body()), leaf)) {
      return Verdict.bad("the proof is of another entry than the receipt's (leaf hash differs)");
    }
    if (index >= 0 && p.index() != index) {
      return Verdict.bad(
          "the proof places the entry at index " + p.index() + ", the receipt at " + index);
    }
    if (!p.verify(key)) {
      return Verdict.bad(
          "the inclusion proof does not hold against its checkpoint of "
              + p.checkpoint().size()
              + " entries");
    }
    Event e = Canonical.decode(p.body());
    if (!e.id().equals(action)
        || !call.equals(e.parentId())
        || !capability.equals(e.capabilityId())
        || !Objects.equals(version, e.capabilityVersion())
        || !issued.equals(e.at())
        || !binding(arguments, result, definition).equals(e.metadata().get(BINDING))) {
      return Verdict.bad(
          "the proven entry (action "
              + e.id()
              + ") does not say what the receipt says: a field of the receipt was changed");
    }
    return Verdict.VALID;
  }

  /**
   * Whether the export {@code file} — a later copy of the log, verified with {@code key} — holds
   * this receipt's entry (at its index, when the receipt names one).
   */
  public Verdict checkExport(Path file, VerifierKey key) throws IOException {
    long[] at = {-1};
    ChainExport.Result r =
        ChainExport.verify(
            file,
            key,
            e -> {
              if (at[0] < 0 && Arrays.equals(e.leafHash(), leaf)) {
                at[0] = e.index();
              }
            });
    if (!r.report().ok()) {
      return Verdict.bad(
          "the exported log does not verify: entry "
              + r.report().firstBad()
              + ": "
              + r.report().reason());
    }
    if (!r.checkpoint().origin().equals(log)) {
      return Verdict.bad(
          "the export is of the log " + r.checkpoint().origin() + ", the receipt of " + log);
    }
    if (at[0] < 0) {
      return Verdict.bad(
          "the receipt's entry is not in the exported log of "
              + r.checkpoint().size()
              + " entries");
    }
    if (index >= 0 && at[0] != index) {
      return Verdict.bad(
          "the exported log has the entry at index " + at[0] + ", the receipt says " + index);
    }
    return Verdict.VALID;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Receipt r && r.json().equals(json());
  }

  @Override
  public int hashCode() {
    return json().hashCode();
  }

  @Override
  public String toString() {
    return json();
  }
}
