package dev.agora.core.spi;

import dev.agora.core.manifest.CapabilityManifest;

/**
 * What the node's isolation policy (agora.yaml's {@code isolation:} rules and each manifest's own
 * {@code isolation:}) demands, for a module that must decide how to run code before the registry
 * sees its manifests: the plugins module loads a JAR in a sandboxed child when policy may demand
 * isolation of what it contributes.
 */
public interface IsolationDemands {

  /** No rules: only what manifests ask for themselves. */
  IsolationDemands NONE =
      new IsolationDemands() {
        @Override
        public IsolationLevel requiredLevel(CapabilityManifest m) {
          return IsolationLevel.IN_PROCESS;
        }

        @Override
        public String mayIsolate(String providerType) {
          return null;
        }
      };

  /** The strictest level required of {@code m}. */
  IsolationLevel requiredLevel(CapabilityManifest m);

  /**
   * The first rule that may require more than {@code in-process} of a capability of {@code
   * providerType} whose manifest is not known yet — one that does not select other provider types
   * only — as a reader of agora.yaml would recognise it; null if none may.
   */
  String mayIsolate(String providerType);
}
