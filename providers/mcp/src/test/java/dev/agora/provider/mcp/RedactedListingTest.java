package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.spi.Redactor;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server's listing with its secrets taken out (issue 11). */
class RedactedListingTest {

  static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
  static final String SECRET = "s3cr3t-value-42";
  static final Redactor SECRETS = Redactor.NONE.with("API_TOKEN", SECRET);

  static McpSchema.Tool tool(String name, String description, String schema) {
    return McpSchema.Tool.builder(name, JSON, schema).description(description).build();
  }

  @Test
  void descriptionsSchemaKeysAndListItemsLoseTheSecret() {
    McpSchema.Tool leaky =
        tool(
            "leaky",
            "configured with " + SECRET,
            """
            {"type": "object",
             "properties": {"%1$s": {"type": "string", "enum": ["a", "%1$s"], "maxLength": 64}},
             "required": ["%1$s"]}"""
                .formatted(SECRET));
    McpSchema.Tool clean = RedactedListing.of(List.of(leaky), SECRETS, JSON).getFirst();
    assertThat(clean.name()).isEqualTo("leaky");
    assertThat(clean.description()).isEqualTo("configured with [redacted:API_TOKEN]");
    String schema = clean.inputSchema().toString();
    assertThat(schema)
        .contains("[redacted:API_TOKEN]", "maxLength", "64", "required")
        .doesNotContain(SECRET);
  }

  @Test
  void itemsWithoutASecretAreTheSameObjects() {
    McpSchema.Tool plain = tool("plain", "nothing to hide", "{\"type\": \"object\"}");
    McpSchema.Tool leaky = tool("leaky", SECRET, "{\"type\": \"object\"}");
    List<McpSchema.Tool> out = RedactedListing.of(List.of(plain, leaky), SECRETS, JSON);
    assertThat(out.get(0)).isSameAs(plain);
    assertThat(out.get(1)).isNotSameAs(leaky);
    assertThat(out.get(1).description()).isEqualTo("[redacted:API_TOKEN]");
  }

  @Test
  void withoutSecretsTheListingIsUntouched() {
    List<McpSchema.Tool> listing = List.of(tool("t", SECRET, "{\"type\": \"object\"}"));
    assertThat(RedactedListing.of(listing, Redactor.NONE, JSON)).isSameAs(listing);
  }

  @Test
  void resourcesAndPromptsToo() {
    McpSchema.Resource r =
        McpSchema.Resource.builder("file:///" + SECRET, "r").description("at " + SECRET).build();
    McpSchema.Resource clean = RedactedListing.of(List.of(r), SECRETS, JSON).getFirst();
    assertThat(clean.uri()).isEqualTo("file:///[redacted:API_TOKEN]");
    assertThat(clean.description()).isEqualTo("at [redacted:API_TOKEN]");
  }
}
