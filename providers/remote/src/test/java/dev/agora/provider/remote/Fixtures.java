package dev.agora.provider.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.util.List;

/** Manifests and values the remote-rtfs tests share. */
final class Fixtures {

  private Fixtures() {}

  /** The one manifest in {@code yaml}, which must load without problems. */
  static CapabilityManifest manifest(String yaml) {
    Manifests.LoadResult r =
        Manifests.parse(Documents.parse(yaml, "m.yaml", Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    assertThat(r.manifests()).hasSize(1);
    return r.manifests().getFirst();
  }

  /**
   * {@code r.echo} run on the cluster's nodes, with {@code extra} fields in its provider section.
   */
  static CapabilityManifest onCluster(String extra) {
    return manifest(
        "{id: r.echo, provider: {type: remote-rtfs, implementation: \"(fn [x] x)\", nodes: cluster"
            + extra
            + "}}");
  }

  static CapabilityManifest onCluster() {
    return onCluster("");
  }

  /** {@code r.echo} run on the nodes at {@code urls}. */
  static CapabilityManifest onUrls(Object... urls) {
    StringBuilder list = new StringBuilder();
    for (Object u : urls) {
      list.append(list.isEmpty() ? "" : ", ").append('"').append(u).append('"');
    }
    return manifest(
        "{id: r.echo, provider: {type: remote-rtfs, implementation: \"(fn [x] x)\", nodes: ["
            + list
            + "]}}");
  }

  static Value rtfs(String text) {
    return Reader.readValue(text);
  }

  /** What a peer's default run makes of {@code input}. */
  static Value ran(Value input, String node) {
    return Dict.builder().put("got", input).put("by", Value.of(node)).build();
  }

  /** The {@code remote} note of a call answered by {@code node} with its two children. */
  static Value remoteNote(String node) {
    return Dict.builder()
        .put("node", Value.of(node))
        .put("children", Vec.of(List.of(Value.of(node + "-child-1"), Value.of(node + "-child-2"))))
        .build();
  }
}
