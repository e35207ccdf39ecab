package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What a watched source reports, in order: "upsert id schema", "remove id", "problem message". */
final class Reports implements DiscoverySource.Changes {
  final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

  @Override
  public void upsert(DiscoverySource s, CapabilityManifest m) {
    seen.add("upsert " + m.id() + " " + m.input().originalJsonSchema());
  }

  @Override
  public void remove(DiscoverySource s, String id, String version) {
    seen.add("remove " + id);
  }

  @Override
  public void problem(DiscoverySource s, DocumentProblem p) {
    seen.add("problem " + p.message());
  }

  /** The next report, waiting up to 20 s for it. */
  String next() throws InterruptedException {
    String r = seen.poll(20, TimeUnit.SECONDS);
    assertThat(r).as("a report within 20 s").isNotNull();
    return r;
  }
}
