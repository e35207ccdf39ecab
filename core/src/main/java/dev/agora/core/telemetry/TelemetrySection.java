package dev.agora.core.telemetry;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import java.net.URI;

/**
 * agora.yaml's {@code telemetry:} section (issue 17; docs/TELEMETRY.md): OpenTelemetry tracing of
 * the call path, off unless asked for.
 *
 * <pre>
 * telemetry:
 *   traces: otlp                                  # off (default) | otlp
 *   endpoint: http://127.0.0.1:4318/v1/traces     # the OTLP/HTTP traces endpoint
 *   protocol: http/protobuf                       # the only one this build has (no gRPC sender)
 *   service_name: agora                           # the spans' service.name
 *   sample_ratio: 1.0                             # share of new traces kept, 0 to 1
 * </pre>
 */
public final class TelemetrySection implements ConfigSection<TelemetrySettings> {

  /** The section, to ask a configuration for its value. */
  public static final TelemetrySection SECTION = new TelemetrySection();

  /** The telemetry {@code config} asks for: its {@code telemetry:} section, or none. */
  public static TelemetrySettings of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "telemetry";
  }

  @Override
  public TelemetrySettings defaults() {
    return TelemetrySettings.OFF;
  }

  @Override
  public TelemetrySettings read(Fields s, Core core) {
    TelemetrySettings d = TelemetrySettings.OFF;
    String traces = s.string("traces", "off");
    if (!traces.equals("off") && !traces.equals("otlp")) {
      s.problem("traces", "use otlp (export spans over OTLP) or off");
    }
    URI endpoint = s.has("endpoint") ? s.httpUrl("endpoint") : d.endpoint();
    String protocol = s.string("protocol", "http/protobuf");
    if (protocol.equals("grpc")) {
      s.problem(
          "protocol",
          "grpc needs a gRPC sender, which this build leaves out; use http/protobuf (port 4318)");
    } else if (!protocol.equals("http/protobuf")) {
      s.problem("protocol", "use http/protobuf");
    }
    String service = s.string("service_name", d.serviceName());
    if (service.isBlank()) {
      s.problem("service_name", "must not be empty");
    }
    double ratio = s.number("sample_ratio", d.sampleRatio(), 0, 1);
    s.rejectUnknown();
    return new TelemetrySettings(
        traces.equals("otlp"), endpoint == null ? d.endpoint() : endpoint, service, ratio);
  }
}
