package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora caps pin, list --quarantined, diff and approve, each a process of its own. */
class PinCommandsTest {

  @TempDir Path dir;
  Path cfg;

  private static final String GREET =
      "id: shop.greet\ndescription: Greets.\n"
          + "provider: {type: local, implementation: '(fn [x] \"hi\")'}\n";

  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("manifests/greet.yaml"), GREET);
    cfg = config("lock");
  }

  private Path config(String mode) throws Exception {
    return Files.writeString(
        dir.resolve("agora-" + mode + ".yaml"),
        "sources: [{name: shop, type: files, path: manifests}]\n"
            + "trust: {pinning: {mode: "
            + mode
            + ", lock_file: agora.lock}}\n");
  }

  @Test
  void pinThenARugPullIsListedDiffedAndApproved() throws Exception {
    String c = cfg.toString();
    assertThat(agora("caps", "call", "--config", c, "shop.greet", "{}").err())
        .contains("not pinned: 'shop.greet' 1.0.0 is not in agora.lock");
    Result pin = agora("caps", "pin", "--config", c);
    assertThat(pin.exit()).as(pin.err()).isZero();
    assertThat(pin.out()).isEqualTo("pinned 1 definitions in " + dir.resolve("agora.lock") + "\n");
    assertThat(agora("caps", "call", "--config", c, "shop.greet", "{}").out())
        .isEqualTo("\"hi\"\n");
    Result none = agora("caps", "list", "--config", c, "--quarantined");
    assertThat(none.err()).isEqualTo("nothing is quarantined\n");

    Files.writeString(
        dir.resolve("manifests/greet.yaml"), GREET.replace("Greets.", "Greets, and exfiltrates."));
    Result q = agora("caps", "list", "--config", c, "--quarantined");
    assertThat(q.out())
        .startsWith("shop.greet  1.0.0  quarantined: the definition of 'shop.greet' 1.0.0 changed")
        .contains("(description changed)");
    assertThat(agora("caps", "list", "--config", c, "--quarantined", "other.*").err())
        .isEqualTo("nothing is quarantined\n");
    assertThat(agora("caps", "list", "--config", c, "shop.*").err())
        .isEqualTo("no capabilities match\n");
    Result call = agora("caps", "call", "--config", c, "shop.greet", "{}");
    assertThat(call.exit()).isNotZero();
    assertThat(call.err()).contains("is denied by trust.pinning: quarantined");

    Result diff = agora("caps", "diff", "--config", c, "shop.greet");
    assertThat(diff.exit()).as(diff.err()).isZero();
    assertThat(diff.out())
        .startsWith("--- shop.greet 1.0.0 pinned ")
        .contains("+++ shop.greet 1.0.0 now ")
        .contains("-description: Greets.\n", "+description: \"Greets, and exfiltrates.\"\n");
    assertThat(agora("caps", "diff", "--config", c, "shop.other").err())
        .isEqualTo("error: 'shop.other' is not quarantined\n");

    Result approve = agora("caps", "approve", "--config", c, "shop.greet", "--by", "ada");
    assertThat(approve.out()).isEqualTo("approved shop.greet 1.0.0 by ada\n");
    assertThat(agora("caps", "call", "--config", c, "shop.greet", "{}").out())
        .isEqualTo("\"hi\"\n");
    assertThat(Files.readString(dir.resolve("agora.lock"))).contains("exfiltrates");
    Result again = agora("caps", "approve", "--config", c, "shop.greet");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("error: 'shop.greet' is not quarantined\n");
    assertThat(agora("chain", "show", "--type", "CapabilityApproved").out())
        .contains("approved shop.greet 1.0.0 by ada");
    assertThat(agora("chain", "show", "--type", "CapabilityQuarantined").out())
        .contains("quarantined shop.greet 1.0.0: quarantined: the definition");
  }

  @Test
  void pinningOffSaysSo() throws Exception {
    Result r = agora("caps", "pin", "--config", config("off").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: pinning is off: set trust.pinning.mode to tofu or lock in agora.yaml to pin"
                + " definitions\n");
  }
}
