package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.Documents;
import dev.agora.rtfs.Printer;
import org.junit.jupiter.api.Test;

/** {@code approval: required}: read, written back, covered by the content hash. */
class ManifestApprovalTest {

  private static Manifests.LoadResult yaml(String text) {
    return Manifests.parse(Documents.parse(text, "m.yaml", Documents.Format.YAML));
  }

  @Test
  void approval_required_round_trips_and_changes_the_content_hash() {
    CapabilityManifest required =
        yaml("{id: bank.transfer, provider: {type: local}, approval: required}")
            .manifests()
            .getFirst();
    CapabilityManifest plain =
        yaml("{id: bank.transfer, provider: {type: local}, approval: none}").manifests().getFirst();
    assertThat(required.approvalRequired()).isTrue();
    assertThat(plain.approvalRequired()).isFalse();
    assertThat(plain.toValue().get("approval")).as("absent when not required").isNull();
    CapabilityManifest back =
        Manifests.parse(
                Documents.parse(Printer.print(required.toValue()), "stored", Documents.Format.RTFS))
            .manifests()
            .getFirst();
    assertThat(back).isEqualTo(required);
    assertThat(Manifests.contentHash(required)).isNotEqualTo(Manifests.contentHash(plain));
    assertThat(required.withProvenance(new Provenance("test", "h", null)).approvalRequired())
        .isTrue();
  }

  @Test
  void another_approval_setting_is_a_problem_with_its_line() {
    Manifests.LoadResult r = yaml("id: x.y\nprovider: {type: local}\napproval: maybe\n");
    assertThat(r.manifests()).as("a manifest with a problem is refused").isEmpty();
    assertThat(r.problems())
        .extracting(Object::toString)
        .containsExactly(
            "m.yaml:3: approval: 'maybe' is not an approval setting; use required or none");
  }
}
