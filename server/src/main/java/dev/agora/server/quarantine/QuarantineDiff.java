package dev.agora.server.quarantine;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.agora.core.Marketplace;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.trust.Pins;
import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * How a quarantined definition differs from its pin — the YAML {@code agora caps diff} compares,
 * line by line — for the console's quarantine page and the REST API's {@code /quarantine} alike.
 */
public final class QuarantineDiff {

  private static final Value ATTESTATION = Value.keyword("attestation");

  /** One line of the listing: {@code '-'} removed, {@code '+'} added, {@code ' '} unchanged. */
  public record Line(char mark, String text) {
    @Override
    public String toString() {
      return mark + " " + text;
    }
  }

  private QuarantineDiff() {}

  /**
   * The pinned definition of {@code now} and {@code now} as one listing, in order; empty when
   * {@code now} has no pin (held because pins are required).
   */
  public static List<Line> of(Marketplace marketplace, CapabilityManifest now) {
    Pins.Pin pin = marketplace.pins().pinned(now.id(), now.version());
    if (pin == null) {
      return List.of();
    }
    List<String> a = yaml(pin.definition()).lines().toList();
    Patch<String> patch =
        DiffUtils.diff(a, yaml(now.toValue().dissoc(ATTESTATION)).lines().toList());
    List<Line> out = new ArrayList<>();
    int at = 0;
    for (AbstractDelta<String> d : patch.getDeltas()) {
      for (; at < d.getSource().getPosition(); at++) {
        out.add(new Line(' ', a.get(at)));
      }
      d.getSource().getLines().forEach(l -> out.add(new Line('-', l)));
      d.getTarget().getLines().forEach(l -> out.add(new Line('+', l)));
      at += d.getSource().size();
    }
    for (; at < a.size(); at++) {
      out.add(new Line(' ', a.get(at)));
    }
    return out;
  }

  private static String yaml(Value definition) {
    return Documents.write(Pins.readable(definition), Documents.Format.YAML);
  }
}
