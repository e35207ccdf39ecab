package dev.agora.core.isolation;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.Glob;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Dict;
import java.util.ArrayList;
import java.util.List;

/**
 * agora.yaml's {@code isolation:} list (docs/SECURITY.md, "Isolation levels"):
 *
 * <pre>
 * isolation:
 *   - {effects: [process, filesystem.write], require: process}
 *   - {capabilities: "untrusted.*", require: wasm}
 * </pre>
 *
 * A capability some rule matches is registered only if its provider gives at least that level on
 * this host; otherwise it is refused with the rule that asked.
 */
public final class IsolationSection implements ConfigSection<IsolationRules> {

  /** The section, to ask a configuration for its value. */
  public static final IsolationSection SECTION = new IsolationSection();

  /** The rules {@code config} gives: its {@code isolation:} list, or none. */
  public static IsolationRules of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "isolation";
  }

  @Override
  public IsolationRules defaults() {
    return IsolationRules.NONE;
  }

  /** The list form, as the issue writes it: {@code isolation: [{…}, …]}. */
  @Override
  public IsolationRules readFrom(Fields root, Core core) {
    if (root.get(key()) instanceof Dict) {
      return read(root.map(key()), core);
    }
    return rules(root.items(key()));
  }

  /** The map form, for symmetry with other sections: {@code isolation: {rules: [{…}, …]}}. */
  @Override
  public IsolationRules read(Fields section, Core core) {
    IsolationRules rules = rules(section.items("rules"));
    section.rejectUnknown();
    return rules;
  }

  private static IsolationRules rules(List<Fields> items) {
    List<IsolationRule> rules = new ArrayList<>();
    for (Fields f : items) {
      IsolationRule r = rule(f, rules.size() + 1);
      if (r != null) {
        rules.add(r);
      }
    }
    return new IsolationRules(rules);
  }

  private static IsolationRule rule(Fields f, int index) {
    List<String> effects = f.strings("effects");
    List<String> permissions = f.strings("permissions");
    Glob capabilities = f.has("capabilities") ? Glob.required(f, "capabilities") : null;
    List<String> providers = f.strings("providers");
    Classification.Risk risk = null;
    String riskText = f.string("risk", null);
    if (riskText != null) {
      risk = Classification.Risk.parse(riskText);
      if (risk == null) {
        f.problem("risk", "unknown risk '" + riskText + "'; the risks are low, medium, high");
      }
    }
    String require = f.required("require");
    f.rejectUnknown();
    if (require == null || (riskText != null && risk == null)) {
      return null;
    }
    IsolationLevel level = IsolationLevel.parse(require);
    if (level == null) {
      f.problem(
          "require",
          "unknown isolation level '"
              + require
              + "'; the levels are "
              + IsolationLevel.labels()
              + " (a microVM level is not available on this node)");
      return null;
    }
    return new IsolationRule(index, effects, permissions, capabilities, providers, risk, level);
  }
}
