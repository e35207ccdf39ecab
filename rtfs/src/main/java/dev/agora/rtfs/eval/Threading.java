package dev.agora.rtfs.eval;

import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.reader.Form;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code (-> x (f a) g)} becomes {@code (g (f x a))}; {@code (->> x (f a) g)} becomes {@code (g (f
 * a x))}. A rewrite of forms before analysis, keeping each step's position.
 */
final class Threading {

  private Threading() {}

  static Form rewrite(String arrow, List<Form> args, SourcePos pos) {
    if (args.isEmpty()) {
      throw RtfsError.parse(arrow + " needs a starting value: (" + arrow + " x (f a) g)", pos);
    }
    Form acc = args.get(0);
    for (Form step : args.subList(1, args.size())) {
      List<Form> items = new ArrayList<>();
      if (step instanceof Form.ListForm l && !l.items().isEmpty()) {
        items.addAll(l.items());
        items.add(arrow.equals("->") ? 1 : items.size(), acc);
      } else {
        items.add(step);
        items.add(acc);
      }
      acc = new Form.ListForm(List.copyOf(items), step.pos());
    }
    return acc;
  }
}
