package dev.agora.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import org.junit.jupiter.api.Test;

class AgoraPluginTest {

  @Test
  void a_plugin_contributes_nothing_unless_it_says_so() {
    AgoraPlugin p =
        new AgoraPlugin() {
          @Override
          public String id() {
            return "empty";
          }

          @Override
          public String version() {
            return "1.0.0";
          }

          @Override
          public int spiVersion() {
            return SPI_VERSION;
          }
        };
    assertThat(p.capabilities()).isEmpty();
    assertThat(p.sources()).isEmpty();
    assertThat(p.spiVersion()).isEqualTo(1);
  }

  @Test
  void a_capability_needs_a_manifest_and_a_handler() throws Exception {
    CapabilityManifest m = CapabilityManifest.builder("x.echo").build();
    AgoraPlugin.Capability c = new AgoraPlugin.Capability(m, (in, call) -> in);
    assertThat(c.handler().apply(Value.of("hi"), null)).isEqualTo(Value.of("hi"));
    assertThatThrownBy(() -> new AgoraPlugin.Capability(null, (in, call) -> in))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new AgoraPlugin.Capability(m, null))
        .isInstanceOf(NullPointerException.class);
  }
}
