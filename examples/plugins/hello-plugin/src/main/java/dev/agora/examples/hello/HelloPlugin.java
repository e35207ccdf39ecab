package dev.agora.examples.hello;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.AgoraPlugin;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.List;

/**
 * A plugin with two capabilities, {@code hello.greet} and {@code hello.sum}: what a plugin author
 * writes (docs/PLUGINS.md). It sees only the SPI: manifests, values, errors.
 */
public final class HelloPlugin implements AgoraPlugin {

  @Override
  public String id() {
    return "hello";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION; // the version compiled against
  }

  @Override
  public List<Capability> capabilities() {
    return List.of(
        new Capability(
            CapabilityManifest.builder("hello.greet")
                .description("Greets someone by name.")
                .input("[:map [:name :string]]")
                .output(":string")
                .effects("pure")
                .build(),
            (input, call) -> Value.of("Hello, " + str(input, "name") + "!")),
        new Capability(
            CapabilityManifest.builder("hello.sum")
                .description("Adds two integers.")
                .input("[:map [:a :int] [:b :int]]")
                .output(":int")
                .effects("pure")
                .build(),
            (input, call) -> Value.of(num(input, "a") + num(input, "b"))));
  }

  private static String str(Value input, String key) {
    return ((Value.Str) ((Dict) input).get(key)).value();
  }

  private static long num(Value input, String key) {
    return ((Value.Int) ((Dict) input).get(key)).value();
  }
}
