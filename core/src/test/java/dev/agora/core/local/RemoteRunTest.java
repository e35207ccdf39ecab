package dev.agora.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.NodeStore;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The peer's half of a remote-rtfs call in core (issue 18): a node runs the implementation it was
 * sent for under the caller's context, its own calls recorded as children of the caller's call.
 */
class RemoteRunTest {

  final MemorySink sink = new MemorySink(1_000);
  final AtomicReference<Cluster> given = new AtomicReference<>();
  final Marketplace m =
      Marketplace.builder()
          .sink(sink)
          .log(l -> {})
          .provider(
              new Provider() {
                @Override
                public String type() {
                  return "test.clustered";
                }

                @Override
                public Value execute(CapabilityManifest manifest, Value input, CallContext call) {
                  return input;
                }

                @Override
                public void cluster(Cluster cluster) {
                  given.set(cluster);
                }
              })
          .build();

  @AfterEach
  void close() {
    m.close();
  }

  CapabilityManifest manifest(String yaml) {
    Manifests.LoadResult r =
        Manifests.parse(Documents.parse(yaml, "m.yaml", Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    CapabilityManifest manifest = r.manifests().getFirst();
    m.register(manifest, "test");
    return m.registry().get(manifest.id());
  }

  /** The call as the peer sees it: the caller's call id and context. */
  record Sent(String callId, SecurityContext caller) implements CallContext {
    @Override
    public String capabilityId() {
      return "t.remote";
    }

    @Override
    public String planId() {
      return null;
    }

    @Override
    public Duration remaining() {
      return Duration.ofSeconds(10);
    }
  }

  @Test
  void theImplementationRunsHereAndItsCallsAreChildrenOfTheCallersCall() {
    m.bootstrap();
    CapabilityManifest remote =
        manifest(
            "id: t.remote\n"
                + "effects: [pure]\n"
                + "provider: {type: remote-rtfs, implementation: \"(fn [x] (call :ccos.math.add [x 1]))\"}\n");
    Value out =
        m.runRemote(remote, Value.of(41), new Sent("call-on-n1", SecurityContext.full("ops")), 0);
    assertThat(out).isEqualTo(Value.of(42));
    Event nested = sink.events(EventType.CapabilityCall).getFirst();
    assertThat(nested.capabilityId()).isEqualTo("ccos.math.add");
    assertThat(nested.parentId()).isEqualTo("call-on-n1");
    assertThat(nested.caller()).isEqualTo("ops via t.remote");
  }

  @Test
  void aCallersContextThatMayNotMakeTheNestedCallIsRefusedHereToo() {
    m.bootstrap();
    CapabilityManifest remote =
        manifest(
            "id: t.logger\n"
                + "effects: [pure]\n"
                + "provider: {type: remote-rtfs, implementation: \"(fn [x] (call :ccos.io.log {:message x}))\"}\n");
    assertThatThrownBy(
            () ->
                m.runRemote(remote, Value.of("hi"), new Sent("c2", SecurityContext.full("ops")), 0))
        .isInstanceOf(AgoraError.SecurityViolation.class)
        .hasMessageContaining("ccos.io.log");
  }

  @Test
  void aCallFromANodeAlreadyAtTheDepthLimitIsRefused() {
    m.bootstrap();
    CapabilityManifest remote =
        manifest(
            "id: t.deep\neffects: [pure]\n"
                + "provider: {type: remote-rtfs, implementation: \"(fn [x] x)\"}\n");
    Sent sent = new Sent("c4", SecurityContext.full("ops"));
    assertThat(m.runRemote(remote, Value.of(1), sent, 15)).isEqualTo(Value.of(1));
    assertThatThrownBy(() -> m.runRemote(remote, Value.of(1), sent, 16))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("more than 16 deep, across nodes");
    assertThat(LocalProvider.depth()).as("nothing runs on this thread").isZero();
  }

  @Test
  void onlyARemoteRtfsCapabilityRunsForAPeer() {
    CapabilityManifest local =
        manifest("id: t.local\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n");
    assertThatThrownBy(
            () -> m.runRemote(local, Value.NIL, new Sent("c3", SecurityContext.full("ops")), 0))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("its provider is not remote-rtfs");
  }

  @Test
  void theClusterIsHandedToEveryProvider() {
    Cluster cluster =
        new Cluster() {
          @Override
          public String self() {
            return "n1";
          }

          @Override
          public byte[] sign(byte[] message) {
            return message;
          }

          @Override
          public List<NodeStore.Node> peers() {
            return List.of();
          }

          @Override
          public boolean up(NodeStore.Node node) {
            return false;
          }

          @Override
          public NodeStore.Node node(String id) {
            return null;
          }
        };
    m.cluster(cluster);
    assertThat(given.get()).isSameAs(cluster);
  }
}
