package dev.agora.chain;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** A chain store that passes everything to another: tests override the parts that misbehave. */
class ForwardingChainStore implements ChainStore {

  final ChainStore inner;

  ForwardingChainStore(ChainStore inner) {
    this.inner = inner;
  }

  @Override
  public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
    return inner.append(extend);
  }

  @Override
  public ChainHead head() {
    return inner.head();
  }

  @Override
  public void scan(long from, long to, Consumer<Entry> each) {
    inner.scan(from, to, each);
  }

  @Override
  public List<Entry> query(ChainQuery q) {
    return inner.query(q);
  }

  @Override
  public List<byte[]> leafHashes(long from, long to) {
    return inner.leafHashes(from, to);
  }

  @Override
  public void addCheckpoint(Checkpoint c) {
    inner.addCheckpoint(c);
  }

  @Override
  public List<Checkpoint> checkpoints() {
    return inner.checkpoints();
  }

  @Override
  public String origin(String proposed) {
    return inner.origin(proposed);
  }

  @Override
  public Optional<String> storedOrigin() {
    return inner.storedOrigin();
  }

  @Override
  public long storedEnd() {
    return inner.storedEnd();
  }
}
