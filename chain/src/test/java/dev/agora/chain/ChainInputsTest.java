package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the chain reads from outside — key files, proofs, exports, checkpoints — given broken
 * or forged: each is a {@link ChainFormatException} naming the line or a verification report that
 * says BAD and why, never another exception and never "ok".
 */
class ChainInputsTest {

  @TempDir Path dir;

  private final ChainKey key = ChainKey.generate("node");

  @Test
  void brokenSigningKeysSayWhatIsWrong() throws IOException {
    ChainKey key = ChainKey.loadOrCreate(dir.resolve("keys"), "node");
    String good = Files.readString(dir.resolve("keys").resolve(ChainKey.PRIVATE_FILE)).strip();
    String[] parts = good.split("\\+", 5);
    assertThat(ChainKey.parse(good).verifier()).isEqualTo(key.verifier());
    assertThatThrownBy(() -> ChainKey.parse("PUBLIC+KEY+a+b+c"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessage("not a signing key: expected PRIVATE+KEY+<name>+<hash>+<key>");
    assertThatThrownBy(() -> ChainKey.parse("PRIVATE+KEY+node+abc"))
        .hasMessageStartingWith("not a signing key");
    assertThatThrownBy(() -> ChainKey.parse("PRIVATE+KEY+node+" + parts[3] + "+!!!"))
        .hasMessage("signing key is not valid base64");
    assertThatThrownBy(() -> ChainKey.parse("PRIVATE+KEY+node+" + parts[3] + "+AQID"))
        .hasMessage("signing key is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)");
    assertThatThrownBy(() -> ChainKey.parse("PRIVATE+KEY+node+00000000+" + parts[4]))
        .hasMessage("signing key hash 00000000 does not match the key");
    assertThat(key.toString()).doesNotContain(parts[4]).as("the secret never prints");
  }

  @Test
  void aKeyDirectoryWithACorruptOrForeignKeyIsRefusedNotReplaced() throws IOException {
    ChainKey created = ChainKey.loadOrCreate(dir, "node");
    Path pub = dir.resolve(ChainKey.PUBLIC_FILE);
    Files.delete(pub);
    assertThat(ChainKey.loadOrCreate(dir, "other").verifier())
        .as("the public file is written again")
        .isEqualTo(created.verifier());
    assertThat(Files.readString(pub).strip()).isEqualTo(created.verifier().encoded());
    Files.writeString(pub, ChainKey.generate("node").verifier().encoded() + "\n");
    assertThatThrownBy(() -> ChainKey.loadOrCreate(dir, "node"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessage(pub + " does not belong to " + dir.resolve(ChainKey.PRIVATE_FILE));
    Files.writeString(dir.resolve(ChainKey.PRIVATE_FILE), "garbage\n");
    assertThatThrownBy(() -> ChainKey.loadOrCreate(dir, "node"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageStartingWith(dir.resolve(ChainKey.PRIVATE_FILE) + ": not a signing key");
  }

  @Test
  void brokenProofsNameTheirLine() {
    CausalChain chain = chain(5);
    String id = chain.query(ChainQuery.ALL).get(2).columns().actionId();
    InclusionProof proof = chain.prove(id);
    String text = proof.text();
    assertThat(InclusionProof.parse(text).verify(key.verifier())).isTrue();
    String[] lines = text.split("\n");
    String head = lines[0] + "\n";
    String note = text.substring(text.indexOf("\n\n") + 2);
    assertThatThrownBy(() -> InclusionProof.parse("nonsense"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageStartingWith("not a tlog proof");
    assertThatThrownBy(() -> InclusionProof.parse(head + "bogus line\n\n" + note))
        .hasMessage("line 2: expected 'extra' or 'index'");
    assertThatThrownBy(() -> InclusionProof.parse(head + "extra AAAA\nindex two\n\n" + note))
        .hasMessageStartingWith("line 3: ");
    assertThatThrownBy(() -> InclusionProof.parse(head + "extra AAAA\nindex 2\nAAAA\n\n" + note))
        .hasMessage("line 4: a proof hash is 32 bytes, got 3");
    assertThatThrownBy(() -> InclusionProof.parse(head + "extra !!\nindex 2\n\n" + note))
        .hasMessageStartingWith("line 2: ");
    assertThatThrownBy(() -> InclusionProof.parse(head + "index 2\n\n" + note))
        .hasMessage("the proof needs an 'extra' line (the entry) and an 'index' line");
    String wrongIndex = text.replace("\nindex 2\n", "\nindex 3\n");
    assertThat(InclusionProof.parse(wrongIndex).verify(key.verifier()))
        .as("a proof moved to another index")
        .isFalse();
    String pastTheEnd = text.replace("\nindex 2\n", "\nindex 99\n");
    assertThat(InclusionProof.parse(pastTheEnd).verify(key.verifier())).isFalse();
  }

  @Test
  void brokenExportsAreFormatErrorsNamingTheLine() throws IOException {
    CausalChain chain = chain(4);
    Path export = dir.resolve("chain.jsonl");
    ChainExport.write(chain, export);
    List<String> lines = Files.readAllLines(export);
    assertThat(ChainExport.verify(export, key.verifier()).report().ok()).isTrue();

    assertThatThrownBy(() -> verify(""))
        .isInstanceOf(ChainFormatException.class)
        .hasMessage("line 1: the file ends early");
    assertThatThrownBy(() -> verify("{not json\n")).hasMessageStartingWith("line 1: not JSON: ");
    assertThatThrownBy(() -> verify("{\"format\": \"other/1\"}\n"))
        .hasMessageEndingWith("line 1: not an Agora chain export (format agora-chain-export/1)");
    assertThatThrownBy(() -> verify("{\"format\": \"agora-chain-export/1\"}\n"))
        .hasMessage("line 1: missing 'checkpoint'");
    String first = lines.getFirst() + "\n";
    assertThatThrownBy(() -> verify(first + "{\"index\": 0}\n"))
        .hasMessage("line 2: missing 'body'");
    assertThatThrownBy(
            () -> verify(first + "{\"index\": 0, \"body\": \"@@\", \"chain\": \"00\"}\n"))
        .hasMessage("line 2: 'body' is not valid base64");
    assertThatThrownBy(
            () -> verify(first + "{\"index\": 0, \"body\": \"AAAA\", \"chain\": \"zz\"}\n"))
        .hasMessage("line 2: 'chain' is not valid hex");
    List<String> dropped = new ArrayList<>(lines);
    dropped.remove(2);
    assertThat(verify(String.join("\n", dropped) + "\n").ok()).as("an entry left out").isFalse();
  }

  private Verifier.Report verify(String content) throws IOException {
    Path f = Files.writeString(dir.resolve("x.jsonl"), content);
    return ChainExport.verify(f, key.verifier()).report();
  }

  @Test
  void forgedCheckpointsAreBadNotUnsigned() {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store);
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 4; i++) {
      ledger.accept(Samples.random(r, i));
    }
    ledger.close();
    List<Entry> entries = new ArrayList<>();
    store.scan(0, Long.MAX_VALUE, entries::add);
    Checkpoint real = store.checkpoints().getLast();

    Checkpoint otherLog = Checkpoint.sign("another-log", real.size(), real.root(), key);
    Verifier.Report foreign =
        new Verifier(List.of(key.verifier()), real.origin())
            .verify(entries::forEach, store.head(), List.of(otherLog));
    assertThat(foreign.ok()).isFalse();
    assertThat(foreign.reason()).contains("is for another log ('another-log')");

    ChainKey impostor = ChainKey.generate("node"); // the trusted name, another key
    Checkpoint forged = Checkpoint.sign(real.origin(), real.size(), real.root(), impostor);
    Verifier.Report bad =
        new Verifier(List.of(key.verifier()), null)
            .verify(entries::forEach, store.head(), List.of(forged));
    assertThat(bad.ok()).isFalse();
    assertThat(bad.reason()).contains("has a bad signature");

    Checkpoint stranger =
        Checkpoint.sign(real.origin(), real.size(), real.root(), ChainKey.generate("stranger"));
    Verifier.Report unknown =
        new Verifier(List.of(key.verifier()), null)
            .verify(entries::forEach, store.head(), List.of(real, stranger));
    assertThat(unknown.ok()).isTrue();
    assertThat(unknown.unsigned()).isEqualTo(1);
    assertThat(unknown.toString()).endsWith("(1 signed by unknown keys)");

    ChainHead shortHead =
        new ChainHead(
            2,
            store.head().chainHash(),
            CompactRange.EMPTY.append(new byte[32]).append(new byte[32]));
    Verifier.Report lying =
        new Verifier(List.of(key.verifier()), null).verify(entries::forEach, shortHead, List.of());
    assertThat(lying.ok()).isFalse();
    assertThat(lying.toString()).startsWith("BAD at entry ");
  }

  private Ledger ledger(MemoryChainStore store) {
    return new Ledger(
        store,
        key,
        new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 2, 64),
        m -> {});
  }

  private CausalChain chain(int n) {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store);
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      ledger.accept(Samples.random(r, i));
    }
    ledger.checkpoint();
    return new CausalChain(ledger, List.of(key.verifier()));
  }
}
