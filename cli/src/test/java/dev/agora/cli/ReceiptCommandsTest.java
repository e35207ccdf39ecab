package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainKey;
import dev.agora.chain.Receipt;
import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora caps call --receipt, agora run --receipts and agora verify receipt (issue 14). */
class ReceiptCommandsTest {

  @TempDir Path dir;

  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  /** {@code agora caps call ccos.math.add [1 2] --receipt FILE MORE…}. */
  private Result callWith(Path file, String... more) {
    return agora(
        Stream.concat(
                Stream.of("caps", "call", "ccos.math.add", "[1 2]", "--receipt", file.toString()),
                Stream.of(more))
            .toArray(String[]::new));
  }

  private Path call(String name, String... more) {
    Path file = dir.resolve(name);
    Result r = callWith(file, more);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("3\n");
    return file;
  }

  private Path config(String yaml) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /** {@code call} with {@code receipts: {mode: immediate}}: signed as the call returns. */
  private Path signed(String name) throws IOException {
    return call(name, "--config", config("receipts: {mode: immediate}\n").toString());
  }

  @Test
  void aCallsReceiptVerifiesWithTheNodesKeyAndAProofAndALaterExport() throws IOException {
    Path file = signed("r.json");
    Receipt r = Receipt.parse(Files.readString(file));
    assertThat(r.signature()).isNotNull();
    assertThat(r.proof()).isNotNull();

    Result ok = agora("verify", "receipt", file.toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out())
        .startsWith("ok: receipt of ccos.math.add (action " + r.action() + ", entry ")
        .contains("; signed by ")
        .contains("; proven in its checkpoint of ");

    String pub = dir.resolve("data").resolve(ChainKey.PUBLIC_FILE).toString();
    Path export = dir.resolve("log.jsonl");
    assertThat(agora("chain", "export", export.toString()).exit()).isZero();
    Path proof = dir.resolve("proof.txt");
    Files.writeString(proof, agora("chain", "prove", r.action()).out());
    Result held =
        agora(
            "verify",
            "receipt",
            file.toString(),
            "--key",
            pub,
            "--log",
            export.toString(),
            "--proof",
            proof.toString());
    assertThat(held.exit()).as(held.err()).isZero();
    assertThat(held.out())
        .endsWith("; held by the proof " + proof + " and the export " + export + "\n");
  }

  @Test
  void everyRefusalSaysWhyAndExitsOne() throws IOException {
    Path first = signed("first.json");
    Path export = dir.resolve("log.jsonl");
    agora("chain", "export", export.toString());
    Path second = signed("second.json");

    Result notInLog = agora("verify", "receipt", second.toString(), "--log", export.toString());
    assertThat(notInLog.exit()).isEqualTo(1);
    assertThat(notInLog.out()).startsWith("BAD: the receipt's entry is not in the exported log of");

    Path proof = dir.resolve("proof.txt");
    String firstAction = Receipt.parse(Files.readString(first)).action();
    Files.writeString(proof, agora("chain", "prove", firstAction).out());
    Result otherEntry = agora("verify", "receipt", second.toString(), "--proof", proof.toString());
    assertThat(otherEntry.exit()).isEqualTo(1);
    assertThat(otherEntry.out())
        .isEqualTo("BAD: the proof is of another entry than the receipt's (leaf hash differs)\n");

    ChainKey stranger = ChainKey.generate("stranger");
    Result wrongKey =
        agora("verify", "receipt", first.toString(), "--key", stranger.verifier().encoded());
    assertThat(wrongKey.exit()).isEqualTo(1);
    assertThat(wrongKey.out()).startsWith("BAD: the receipt is signed by key '");

    char[] text = Files.readString(first).toCharArray();
    int at = new String(text).indexOf("\"result\":\"") + 10;
    text[at] = text[at] == 'a' ? 'b' : 'a';
    Path changed = dir.resolve("changed.json");
    Files.writeString(changed, new String(text));
    Result tampered = agora("verify", "receipt", changed.toString());
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.out())
        .as(tampered.err())
        .isEqualTo(
            "BAD: the signature does not match the receipt: a field was changed or it was"
                + " forged\n");

    Files.writeString(changed, Files.readString(first).replace("{", "{ "));
    Result spaced = agora("verify", "receipt", changed.toString());
    assertThat(spaced.exit()).isEqualTo(1);
    assertThat(spaced.err()).startsWith("error: " + changed + ": receipt: not in canonical form");

    Result missing = agora("verify", "receipt", dir.resolve("none.json").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).startsWith("error: cannot read " + dir.resolve("none.json"));

    Result noKey =
        CliTest.withData(dir.resolve("empty"), "", "verify", "receipt", first.toString());
    assertThat(noKey.exit()).isEqualTo(1);
    assertThat(noKey.err()).startsWith("error: no node key: ").endsWith("(or give --key)\n");
  }

  @Test
  void aBatchedReceiptTheDefaultIsWrittenCompletedByItsProof() throws IOException {
    Path file = call("b.json");
    Receipt r = Receipt.parse(Files.readString(file));
    assertThat(r.signature()).isNull();
    assertThat(r.proof()).isNotNull();
    Result ok = agora("verify", "receipt", file.toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).doesNotContain("signed by").contains("proven in its checkpoint");

    Path changed = dir.resolve("changed.json");
    Files.writeString(
        changed,
        Files.readString(file).replace(r.result(), Receipt.digest(dev.agora.rtfs.Value.of(4))));
    Result tampered = agora("verify", "receipt", changed.toString());
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.out())
        .endsWith("does not say what the receipt says: a field of the receipt was changed\n");

    Result wrongKey =
        agora(
            "verify",
            "receipt",
            file.toString(),
            "--key",
            ChainKey.generate("stranger").verifier().encoded());
    assertThat(wrongKey.exit()).isEqualTo(1);
    assertThat(wrongKey.out())
        .isEqualTo("BAD: the proof's checkpoint is not signed by 'stranger'\n");
  }

  @Test
  void withReceiptsOffNoneIsWritten() throws IOException {
    Path cfg = config("receipts: {mode: off}\n");
    Path file = dir.resolve("off.json");
    Result r = callWith(file, "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: receipts are off (receipts.mode: off in agora.yaml); no receipt was"
                + " written\n");
    assertThat(file).doesNotExist();
    Result run =
        agora(
            "run",
            "--config",
            cfg.toString(),
            "--receipts",
            dir.resolve("rs").toString(),
            "../examples/hello.rtfs");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("receipts are off");
  }

  @Test
  void aRunWritesTheReceiptOfEveryCallInOrder() throws IOException {
    Path out = dir.resolve("receipts");
    Result run =
        agora(
            "run",
            "--config",
            ChainCommandsTest.CONFIG,
            "--receipts",
            out.toString(),
            ChainCommandsTest.ORDER);
    assertThat(run.exit()).as(run.err()).isZero();
    List<Path> files;
    try (Stream<Path> s = Files.list(out)) {
      files = s.sorted().toList();
    }
    assertThat(files).isNotEmpty();
    assertThat(files.getFirst().getFileName().toString()).startsWith("0001-").endsWith(".json");
    for (Path f : files) {
      Result ok = agora("verify", "receipt", f.toString());
      assertThat(ok.exit()).as(f + ": " + ok.out() + ok.err()).isZero();
    }
    assertThat(Receipt.parse(Files.readString(files.getFirst())).capability())
        .isEqualTo("shop.catalog.lookup");
  }

  @Test
  void receiptsCannotBeWrittenWhereNoFileCanBe() throws IOException {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "x");
    Result r = callWith(blocker.resolve("r.json"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("error: cannot write the receipt to " + blocker.resolve("r.json"));
    Result run =
        agora(
            "run",
            "--config",
            ChainCommandsTest.CONFIG,
            "--receipts",
            blocker.resolve("d").toString(),
            ChainCommandsTest.ORDER);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: cannot write the receipts to ");
  }
}
