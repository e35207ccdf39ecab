package dev.agora.provider.plugin;

/** A plugin JAR that cannot be loaded, and why (reported as a discovery problem of its file). */
final class PluginException extends Exception {
  PluginException(String message, Throwable cause) {
    super(message, cause);
  }

  PluginException(String message) {
    super(message);
  }
}
