package dev.agora.provider.plugin;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of every plugin's class loader: the JDK's platform classes, and from Agora only the
 * packages a plugin is written against — the SPI, manifests, errors, document fields, RTFS values
 * and the two policy types {@code CallContext} names. Anything else of Agora's (core's internals,
 * other modules, other plugins, libraries on Agora's class path) is a {@link
 * ClassNotFoundException}, and none of Agora's resources are visible, so a plugin's {@code
 * ServiceLoader} finds only its own JAR's services.
 */
final class SpiOnlyLoader extends ClassLoader {

  /** Package prefixes delegated to Agora's class loader. */
  static final List<String> EXPORTED =
      List.of(
          "dev.agora.core.spi.",
          "dev.agora.core.manifest.",
          "dev.agora.core.error.",
          "dev.agora.core.doc.",
          "dev.agora.rtfs.");

  /** Single classes outside those packages that the SPI's signatures name. */
  static final List<String> EXPORTED_CLASSES =
      List.of("dev.agora.core.call.policy.SecurityContext", "dev.agora.core.call.policy.Egress");

  private final ClassLoader agora;

  SpiOnlyLoader(ClassLoader agora) {
    super("agora-plugin-spi", ClassLoader.getPlatformClassLoader());
    this.agora = agora;
  }

  /** Whether a plugin may see the class named {@code name} of Agora's. */
  static boolean exported(String name) {
    String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
    return EXPORTED.stream().anyMatch(name::startsWith) || EXPORTED_CLASSES.contains(outer);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (exported(name)) {
      return agora.loadClass(name);
    }
    return super.loadClass(name, resolve); // the platform's, or not found
  }

  @Override
  public URL getResource(String name) {
    return getParent().getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return getParent().getResources(name);
  }
}
