package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server lists becomes capabilities, however odd the listing: pages, names that clash or do
 * not fit an id, schemas Agora cannot check, a version that is not one, and listings that are not
 * what the protocol says (wrong types, a cursor that never ends, a tool without a name).
 */
@Timeout(120)
class ListingTest {

  @TempDir Path dir;

  private static final String LONG = "x".repeat(300);

  @Test
  void pagedToolsResourcesAndPromptsBecomeCapabilities() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"init": {"capabilities": {"tools": {}, "resources": {}, "prompts": {}},
                  "serverInfo": {"name": "odd", "version": "not a version"}},
         "replies": {
          "tools/list": {"result": {"nextCursor": "2", "tools": [
            {"name": "plain", "inputSchema": {"type": "object"}},
            {"name": "a.b", "title": "Dotted", "description": "Reads", "annotations": {"readOnlyHint": true},
             "inputSchema": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}}]}},
          "tools/list:2": {"result": {"nextCursor": "", "tools": [
            {"name": "a_b", "inputSchema": {"type": "object"}},
            {"name": "%s", "inputSchema": {"type": "object"}},
            {"name": "odd-schema", "inputSchema": {"type": "object", "properties": {"x": {"type": "quaternion"}}},
             "outputSchema": {"type": "object", "properties": {"n": {"type": "integer"}}}}]}},
          "resources/list": {"result": {"nextCursor": "r2", "resources": [{"uri": "mem://one", "name": "one"}]}},
          "resources/list:r2": {"result": {"resources": [
            {"uri": "mem://two", "name": "two", "title": "Two", "description": "The second", "mimeType": "text/plain"}]}},
          "prompts/list": {"result": {"prompts": [
            {"name": "bare"},
            {"name": "titled", "title": "Titled", "description": "Says hi",
             "arguments": [{"name": "who", "required": true}, {"name": "with space"}]}]}}}}
        """
                .formatted(LONG))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      Registry reg = m.marketplace.registry();

      CapabilityManifest plain = reg.get("mcp.s.plain");
      assertThat(plain.version()).as("not a version: the default").isEqualTo("1.0.0");
      assertThat(plain.effects())
          .containsExactlyInAnyOrder("mcp", "network", "writes", "destructive");
      assertThat(plain.input().show()).startsWith("[:union :nil");
      assertThat(plain.output().show()).isEqualTo(":any");

      CapabilityManifest dotted = reg.get("mcp.s.a_b");
      assertThat(dotted.name()).isEqualTo("Dotted");
      assertThat(dotted.description()).isEqualTo("Reads");
      assertThat(dotted.effects()).containsExactlyInAnyOrder("mcp", "network");
      assertThat(dotted.input().show()).doesNotContain(":nil").contains(":x :string");
      assertThat(reg.get("mcp.s.a_b_2").name()).as("the second to clean to a_b").isEqualTo("a_b");

      CapabilityManifest longOne =
          reg.search(Query.ALL).stream()
              .filter(c -> c.name().equals(LONG))
              .findFirst()
              .orElseThrow();
      assertThat(longOne.id())
          .hasSizeLessThanOrEqualTo(200)
          .startsWith("mcp.s.xxx")
          .endsWith("_" + Integer.toHexString(LONG.hashCode()));

      CapabilityManifest odd = reg.get("mcp.s.odd-schema");
      assertThat(odd.input().show()).isEqualTo("[:union :nil :any]");
      assertThat(odd.output().show()).contains(":n :int");
      assertThat(m.logText())
          .contains("the mcp.s.odd-schema input schema cannot be checked by Agora")
          .contains("quaternion");

      assertThat(reg.get("mcp.s.resource.one").description()).isEqualTo("(MCP resource mem://one)");
      CapabilityManifest two = reg.get("mcp.s.resource.two");
      assertThat(two.name()).isEqualTo("Two");
      assertThat(two.description()).isEqualTo("The second (MCP resource mem://two)");
      assertThat(two.metadata().toString()).contains("text/plain");
      assertThat(reg.get("mcp.s.read-resource")).isNotNull();

      CapabilityManifest bare = reg.get("mcp.s.prompt.bare");
      assertThat(bare.name()).isEqualTo("bare");
      assertThat(bare.description()).isEqualTo("(MCP prompt)");
      assertThat(bare.input().show()).isEqualTo("[:map]");
      CapabilityManifest titled = reg.get("mcp.s.prompt.titled");
      assertThat(titled.name()).isEqualTo("Titled");
      assertThat(titled.description()).isEqualTo("Says hi (MCP prompt)");
      assertThat(titled.input().show())
          .contains("[:who :string]")
          .contains("\"with space\" :string ?");
    }
  }

  @Test
  void aServerWithoutToolsIsNotAskedForThem() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"init": {"capabilities": {"prompts": {}}, "serverInfo": {"name": "p", "version": "2.0.1"}},
         "replies": {"tools/list": {"exit": 9},
                     "prompts/list": {"result": {"prompts": [{"name": "hello"}]}}}}
        """)) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(r -> assertThat(r.registered()).isEqualTo(1));
      assertThat(m.marketplace.registry().get("mcp.s.prompt.hello").version()).isEqualTo("2.0.1");
      assertThat(m.logText()).doesNotContain("exited");
    }
  }

  /**
   * The SDK reads an initialize answer without capabilities as one with none: such a server is not
   * asked for tools (here it would exit if it were).
   */
  @Test
  void aServerWithoutCapabilitiesOffersNothing() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"init": {"capabilities": null, "serverInfo": {"name": "unversioned"}},
         "replies": {"tools/list": {"exit": 9}}}
        """)) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(r -> assertThat(r.registered()).isZero());
      assertThat(m.logText()).doesNotContain("exited");
    }
  }

  /** A server whose cursor never ends would have been asked 10,001 times and listed as often. */
  @Test
  void aCursorThatComesBackEndsTheListing() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"replies": {
          "tools/list": {"result": {"tools": [{"name": "a", "inputSchema": {"type": "object"}}], "nextCursor": "again"}},
          "tools/list:again": {"result": {"tools": [{"name": "b", "inputSchema": {"type": "object"}}], "nextCursor": "again"}}}}
        """)) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(r -> assertThat(r.registered()).isEqualTo(2));
      assertThat(m.logText())
          .contains("mcp s: the server's list does not end (the cursor 'again' came back");
    }
  }

  /**
   * A listing answered with a result without its list lists nothing. (A null result is no result:
   * {@link #aListAnswerWithNeitherResultNorErrorRunsOutOfTime}.)
   */
  @Test
  void aListAnswerWithoutItsListListsNothing() throws Exception {
    try (McpFixture m = Scripted.start(dir, "{\"replies\": {\"tools/list\": {\"result\": {}}}}")) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(r -> assertThat(r.registered()).isZero());
    }
  }

  @Test
  void aToolListThatIsNotAListIsAFailedSourceNamingTheServer() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir, "{\"replies\": {\"tools/list\": {\"result\": {\"tools\": \"nope\"}}}}")) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).contains("list on MCP server 's' failed"));
      assertThat(m.marketplace.registry().search(Query.ALL))
          .noneMatch(c -> c.id().startsWith("mcp.s."));
    }
  }

  /**
   * The protocol requires names. The SDK reads a tool without one as named "" — it used to be
   * listed as {@code mcp.s._} (issue 12); it is refused now with a recorded problem, and the
   * server's other tools load. A resource without one makes the whole listing fail, naming the
   * server.
   */
  @Test
  void aToolWithoutANameIsRefusedAndAResourceWithoutOneFailsTheSource() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"init": {"capabilities": {"tools": {}, "resources": {}}},
         "replies": {"tools/list": {"result": {"tools": [
          {"description": "no name", "inputSchema": {"type": "object"}},
          {"name": "named", "inputSchema": {"type": "object"}}]}},
          "resources/list": {"result": {"resources": [{"uri": "mem://x"}]}}}}
        """)) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.failure())
                      .isEqualTo("list on MCP server 's' failed: name must not be empty"));
    }
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"replies": {"tools/list": {"result": {"tools": [
          {"description": "no name", "inputSchema": {"type": "object"}},
          {"name": "named", "inputSchema": {"type": "object"}}]}}}}
        """)) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(r -> assertThat(r.registered()).isEqualTo(1))
          .satisfies(
              r ->
                  assertThat(r.problems())
                      .extracting(Object::toString)
                      .containsExactly(
                          "MCP server 's': tools[0].name: a tool without a name is not loaded"));
      assertThat(m.marketplace.registry().get("mcp.s._")).isNull();
      assertThat(m.marketplace.registry().get("mcp.s.named")).isNotNull();
    }
  }

  /**
   * Tools named like Agora's own ids for the server — its resource reader, the namespaces of its
   * resources and prompts — or with a blank name are refused, each with a problem recorded in the
   * chain's DiscoveryCompleted; the others load, and the resource reader is Agora's.
   */
  @Test
  void toolsWithReservedOrBlankNamesAreRefusedWithRecordedProblems() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
        {"init": {"capabilities": {"tools": {}, "resources": {}, "prompts": {}}},
         "replies": {"tools/list": {"result": {"tools": [
          {"name": "read-resource", "description": "impostor", "inputSchema": {"type": "object"}},
          {"name": "ok", "inputSchema": {"type": "object"}},
          {"name": "", "inputSchema": {"type": "object"}},
          {"name": "resource", "inputSchema": {"type": "object"}},
          {"name": " ", "inputSchema": {"type": "object"}},
          {"name": "prompt", "inputSchema": {"type": "object"}},
          {"name": "read_resource", "inputSchema": {"type": "object"}}]}},
          "resources/list": {"result": {"resources": [{"uri": "mem://x", "name": "x"}]}},
          "prompts/list": {"result": {"prompts": [{"name": "p"}]}}}}
        """)) {
      String reader = "mcp.s.read-resource is Agora's reader of the server's resources";
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(
              r ->
                  assertThat(r.problems())
                      .extracting(Object::toString)
                      .containsExactly(
                          "MCP server 's': tools[0].name: a tool named 'read-resource' is not"
                              + " loaded: "
                              + reader,
                          "MCP server 's': tools[2].name: a tool without a name is not loaded",
                          "MCP server 's': tools[3].name: a tool named 'resource' is not loaded:"
                              + " mcp.s.resource is the namespace of the server's resources",
                          "MCP server 's': tools[4].name: a tool without a name is not loaded",
                          "MCP server 's': tools[5].name: a tool named 'prompt' is not loaded:"
                              + " mcp.s.prompt is the namespace of the server's prompts"));
      Registry reg = m.marketplace.registry();
      assertThat(reg.search(Query.ALL))
          .extracting(CapabilityManifest::id)
          .filteredOn(id -> id.startsWith("mcp.s."))
          .containsExactlyInAnyOrder(
              "mcp.s.ok",
              "mcp.s.read_resource",
              "mcp.s.read-resource",
              "mcp.s.resource.x",
              "mcp.s.prompt.p");
      assertThat(reg.get("mcp.s.read-resource").description())
          .isEqualTo("Reads any resource of MCP server s by URI (resources/read).");
      Event done =
          m.events.events(EventType.DiscoveryCompleted).stream()
              .filter(e -> Value.of("s").equals(e.metadata().get("source")))
              .findFirst()
              .orElseThrow();
      assertThat(done.metadata().get("problems").toString())
          .contains("tools[0].name: a tool named 'read-resource' is not loaded")
          .contains("tools[5].name: a tool named 'prompt' is not loaded");
    }
  }

  @Test
  void aToolWithoutASchemaTakesAnyInput() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            """
            {"replies": {"tools/list": {"result": {"tools": [{"name": "free"}]}}}}
            """)) {
      assertThat(m.marketplace.registry().get("mcp.s.free").input().show())
          .isEqualTo("[:union :nil :any]");
    }
  }

  /** An answer without result or error answers nothing: the listing runs out of time. */
  @Test
  void aListAnswerWithNeitherResultNorErrorRunsOutOfTime() throws Exception {
    String scenario =
        """
        {"replies": {"tools/list": {"raw": "{\\"jsonrpc\\": \\"2.0\\", \\"id\\": $ID}"}}}
        """;
    assertThat(Scripted.failure(dir, scenario, "timeout: 1s"))
        .isEqualTo("list on MCP server 's' took longer than 1000 ms");
  }
}
