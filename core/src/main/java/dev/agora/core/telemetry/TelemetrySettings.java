package dev.agora.core.telemetry;

import java.net.URI;

/**
 * What agora.yaml's {@code telemetry:} section says ({@link TelemetrySection}): whether the call
 * path is traced, and where the spans go.
 *
 * @param traces whether calls are traced and their spans exported over OTLP
 * @param endpoint the OTLP/HTTP traces endpoint the spans are POSTed to (protobuf)
 * @param serviceName the {@code service.name} the spans are exported under
 * @param sampleRatio the share of new traces kept, 0 to 1 (a remote parent's decision is followed)
 */
public record TelemetrySettings(
    boolean traces, URI endpoint, String serviceName, double sampleRatio) {

  /** The OTLP/HTTP collector on this host, the usual port. */
  public static final URI DEFAULT_ENDPOINT = URI.create("http://127.0.0.1:4318/v1/traces");

  /** Without a {@code telemetry:} section: no tracing at all. */
  public static final TelemetrySettings OFF =
      new TelemetrySettings(false, DEFAULT_ENDPOINT, "agora", 1.0);

  /** The same settings with tracing on. */
  public TelemetrySettings on() {
    return new TelemetrySettings(true, endpoint, serviceName, sampleRatio);
  }
}
