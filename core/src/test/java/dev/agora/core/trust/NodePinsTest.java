package dev.agora.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.core.testing.Await;
import dev.agora.core.trust.pins.PinStore;
import dev.agora.core.trust.pins.PinStore.Stored;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's own pins kept by a {@link PinStore} (a store the nodes share, issue 18) instead of its
 * {@code pins.lock}: tofu pins and approvals go there, a pin another node took first holds, a pin
 * file from before is taken in, and a running node reloads what changed there — and goes on when
 * the store is away for a while. {@link PinsTest} covers the file, unchanged.
 */
@Timeout(60)
class NodePinsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  final MemorySink sink = new MemorySink(10_000);
  final Queue<String> log = new ConcurrentLinkedQueue<>();

  static final String GREET = PinsTest.GREET;
  static final String KEY = "shop.greet@1.0.0";

  /** Pins in memory, as a shared store keeps them; it can fail like a store that is away. */
  static final class MemoryPins implements PinStore {
    final Map<String, Stored> pins = new TreeMap<>();
    int writes;
    int looks;
    volatile RuntimeException failure;

    private void fail() {
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public synchronized List<Stored> all() {
      fail();
      return List.copyOf(pins.values());
    }

    @Override
    public synchronized Stored pinIfAbsent(Stored pin) {
      fail();
      Stored had = pins.putIfAbsent(pin.key(), pin);
      writes += had == null ? 1 : 0;
      return had == null ? pin : had;
    }

    @Override
    public synchronized void put(Stored pin) {
      fail();
      pins.put(pin.key(), pin);
      writes++;
    }

    @Override
    public synchronized String stamp() {
      looks++;
      fail();
      return pins.size() + "/" + writes;
    }

    synchronized int looks() {
      return looks;
    }

    @Override
    public String describe() {
      return "memory pins";
    }
  }

  @BeforeEach
  void manifests() throws Exception {
    Files.createDirectories(dir.resolve("manifests"));
  }

  private Marketplace node(String mode, PinStore store) throws Exception {
    Marketplace m =
        Marketplace.builder()
            .config(PinsTest.config(dir, mode))
            .sink(sink)
            .pinStore(store)
            .log(log::add)
            .build();
    m.bootstrap();
    return m;
  }

  private void greet(String description) throws Exception {
    Files.writeString(dir.resolve("manifests/greet.yaml"), GREET.replace("Greets.", description));
  }

  private static Pinning tofu() {
    return new Pinning(Pinning.Mode.TOFU, null);
  }

  @Test
  void tofuPinsAndApprovalsGoToTheStoreAndNotToAFile() throws Exception {
    MemoryPins store = new MemoryPins();
    greet("Greets.");
    CapabilityManifest first;
    try (Marketplace m = node("tofu", store)) {
      first = m.registry().get("shop.greet");
      assertThat(first).isNotNull();
    }
    assertThat(dir.resolve("data/pins.lock")).doesNotExist();
    assertThat(store.pins).containsOnlyKeys(KEY);
    Stored pin = store.pins.get(KEY);
    assertThat(pin.digest()).isEqualTo(Pins.digest(first));
    assertThat(pin.definition())
        .as("the definition as the lock file keeps it, in JSON")
        .startsWith("{\"id\":\"shop.greet\"")
        .contains("\"description\":\"Greets.\"")
        .doesNotContain("attestation");

    greet("Greets, and exfiltrates.");
    try (Marketplace m = node("tofu", store)) {
      assertThat(m.registry().get("shop.greet")).isNull();
      assertThat(m.registry().refusal("shop.greet", "1.0.0"))
          .startsWith("quarantined:")
          .contains("(description changed)");
      assertThat(m.pins().pinned("shop.greet", "1.0.0").definition())
          .as("the pin read back from the store is the definition pinned")
          .isEqualTo(
              Pins.readable(first.toValue().dissoc(dev.agora.rtfs.Value.keyword("attestation"))));
      assertThat(m.approve("shop.greet", "ada")).containsExactly("1.0.0");
    }
    assertThat(store.pins.get(KEY).definition()).contains("exfiltrates");
    try (Marketplace m = node("tofu", store)) {
      assertThat(m.registry().get("shop.greet").description())
          .isEqualTo("Greets, and exfiltrates.");
    }
    assertThat(dir.resolve("data/pins.lock")).doesNotExist();
  }

  @Test
  void aPinAnotherNodeTookFirstHoldsAndWhatDiffersFromItIsQuarantined() throws Exception {
    MemoryPins store = new MemoryPins();
    Pins here = Pins.load(tofu(), store);
    CapabilityManifest mine = manifest("Greets.");
    CapabilityManifest theirs = manifest("Greets!");
    Pins.load(tofu(), store).check(theirs); // another node saw it first, after this one loaded
    Registry.Refusal r = here.check(mine);
    assertThat(r.quarantined()).isTrue();
    assertThat(r.why()).contains("(description changed)");
    assertThat(here.pinned("shop.greet", "1.0.0").digest()).isEqualTo(Pins.digest(theirs));
    assertThat(store.pins.get(KEY).digest()).as("not replaced").isEqualTo(Pins.digest(theirs));
    assertThat(here.check(theirs)).as("the stored pin is this node's now").isNull();
  }

  private static CapabilityManifest manifest(String description) {
    return CapabilityManifest.builder("shop.greet").description(description).build();
  }

  @Test
  void aStoredPinThatIsNotJsonStopsTheLoadAsABrokenFileDoes() {
    MemoryPins store = new MemoryPins();
    store.put(new Stored(KEY, "abc", "{\"id\": "));
    assertThatThrownBy(() -> Pins.load(tofu(), store))
        .isInstanceOf(TrustException.class)
        .hasMessageStartingWith(
            "the pins in memory pins cannot be read: shop.greet@1.0.0: malformed JSON");
    assertThat(Pins.load(new Pinning(Pinning.Mode.LOCK, null), store).pinned("shop.greet", "1.0.0"))
        .as("lock mode does not read the node's pins")
        .isNull();
  }

  @Test
  void thePinsOfAPinFileFromBeforeAreTakenIntoTheStore() throws Exception {
    greet("Greets.");
    try (Marketplace m = node("tofu", null)) { // pins.lock, as before the store kept pins
      assertThat(m.registry().get("shop.greet")).isNotNull();
    }
    Path file = dir.resolve("data/pins.lock");
    String before = Files.readString(file);
    greet("Greets, and exfiltrates.");

    MemoryPins store = new MemoryPins();
    try (Marketplace m = node("tofu", store)) {
      assertThat(m.registry().refusal("shop.greet", "1.0.0"))
          .as("pinned before, so a change is caught and not pinned afresh")
          .startsWith("quarantined:");
      assertThat(log)
          .contains(
              "agora: the 1 pin(s) of "
                  + file.toAbsolutePath()
                  + " are in memory pins (those it did not pin already); the file is no longer"
                  + " written");
      m.approve("shop.greet", "ada");
    }
    assertThat(Files.readString(file)).as("the file is not changed").isEqualTo(before);
    try (Marketplace m = node("tofu", store)) {
      assertThat(m.registry().get("shop.greet"))
          .as("the approval in the store is kept though the file pins the old definition")
          .isNotNull();
    }

    log.clear();
    MemoryPins locked = new MemoryPins();
    try (Marketplace m = node("lock", locked)) {
      assertThat(locked.pins).as("lock mode keeps no pins of the node's").isEmpty();
    }
    Files.delete(file);
    try (Marketplace m = node("tofu", new MemoryPins())) {
      assertThat(m.registry().get("shop.greet")).isNotNull();
    }
    assertThat(log).noneMatch(l -> l.contains("pin(s) of"));
  }

  @Test
  void aRunningNodeTakesInAnApprovalMadeInTheStoreAndOutlastsAStoreAway() throws Exception {
    MemoryPins store = new MemoryPins();
    Pins.load(tofu(), store).check(manifest("Greets.")); // pinned by another node
    greet("Greets!");
    try (Marketplace m = node("tofu", store)) {
      assertThat(m.registry().get("shop.greet")).as("quarantined here").isNull();
      CapabilityManifest now = m.registry().refused("shop.greet").getFirst().manifest();
      Pins.load(tofu(), store).approve(now); // approved on another node
      assertThat(Await.within(WAIT, () -> m.registry().get("shop.greet") != null))
          .as("taken in at a look of the pin watch")
          .isTrue();

      store.failure = new IllegalStateException("the store is away");
      int looks = store.looks();
      assertThat(Await.within(WAIT, () -> store.looks() >= looks + 3)).isTrue();
      assertThat(log)
          .as("logged once while failing")
          .containsOnlyOnce("agora: pins not reloaded: the store is away");
      store.failure = null;
      assertThat(Await.within(WAIT, () -> log.contains("agora: pins reloaded again"))).isTrue();
      assertThat(m.registry().get("shop.greet")).as("the pins loaded last held").isNotNull();
    }
  }

  @Test
  void theFileKeepsAPinItHasAndNothingWithoutADirectory() throws Exception {
    Path file = dir.resolve("data/pins.lock");
    FilePins pins = new FilePins(file);
    assertThat(pins.all()).isEmpty();
    Stored a = Pins.stored(KEY, new Pins.Pin("aaa", dev.agora.rtfs.Value.of("one")));
    Stored b = Pins.stored(KEY, new Pins.Pin("bbb", dev.agora.rtfs.Value.of("two")));
    assertThat(pins.pinIfAbsent(a)).isEqualTo(a);
    assertThat(pins.pinIfAbsent(b)).as("the pin it has").isEqualTo(a);
    assertThat(new FilePins(file).all()).containsExactly(a);
    assertThat(pins.describe()).isEqualTo(file.toString());
    assertThat(pins.stamp()).isNotEqualTo("-");

    FilePins none = new FilePins(null);
    assertThat(none.pinIfAbsent(a)).isEqualTo(a);
    assertThat(none.all()).isEmpty();
    assertThat(none.stamp()).isEqualTo("-");
    Pins withoutDirectory = Pins.load(tofu(), (Path) null);
    assertThat(withoutDirectory.check(manifest("Greets."))).as("pinned in memory only").isNull();
    assertThat(withoutDirectory.pinned("shop.greet", "1.0.0")).isNotNull();
    assertThat(withoutDirectory.changed()).isFalse();
  }
}
