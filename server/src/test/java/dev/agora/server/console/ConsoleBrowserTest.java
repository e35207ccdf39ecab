package dev.agora.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.PlanRunner;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser — headless Chromium over the DevTools protocol: log in, search,
 * open a plan's tree, approve a call that waits for it and see it complete, and check an inclusion
 * proof in the page. No Content-Security-Policy violation on any page. Screenshots of each page go
 * to target/console-screenshots/.
 */
@Timeout(180)
class ConsoleBrowserTest {

  static final Path SHOTS = Path.of("target", "console-screenshots");

  /** Collects the page's CSP violations, installed before its own scripts. */
  static final String VIOLATIONS =
      "window.violations = [];"
          + "document.addEventListener('securitypolicyviolation',"
          + " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));";

  @Test
  void anOperatorLogsInSearchesFollowsAPlanApprovesACallAndChecksAProof(
      @TempDir Path dir, @TempDir Path profile) throws Exception {
    CompletableFuture<Event> asked = new CompletableFuture<>();
    try (ConsoleFixture f =
            ConsoleFixture.start(
                dir,
                "approvals: {wait: 120s}\n",
                e -> {
                  if (e.type() == EventType.ApprovalRequested) {
                    asked.complete(e);
                  }
                });
        Chromium browser = Chromium.start(profile)) {
      SecurityContext ops = f.node.marketplace().context("operator").named("operator/ops");
      PlanRunner.Outcome plan =
          f.node
              .marketplace()
              .runPlan(
                  "(step \"quote\" (call :ccos.echo {:item \"tea\" :qty 2}))",
                  "order",
                  ops,
                  Limits.DEFAULT,
                  new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(plan.ok()).isTrue();
      Files.createDirectories(SHOTS);
      Chromium.Tab tab = browser.open();
      tab.beforeEachDocument(VIOLATIONS);

      // not logged in: the console sends the browser to its login page
      tab.navigate(f.base() + "/console/capabilities");
      assertThat(tab.text("location.pathname")).isEqualTo("/console/login");
      shot(tab, "login");
      tab.loadBy(
          "document.getElementById('api_key').value = '"
              + ConsoleFixture.OPERATOR
              + "'; document.getElementById('login').click()");
      assertThat(tab.text("location.pathname"))
          .as(tab.text("document.body.innerText"))
          .isEqualTo("/console/capabilities");
      assertThat(tab.text("document.querySelector('.who').textContent")).isEqualTo("operator/ops");
      assertThat(tab.text("document.cookie")).as("HttpOnly: no script sees it").isEmpty();
      shot(tab, "capabilities");

      // search
      tab.loadBy(
          "document.getElementById('q').value = 'math';"
              + " document.getElementById('search').click()");
      assertThat(tab.text("location.search")).isEqualTo("?q=math");
      assertThat(
              tab.text(
                  "[...document.querySelectorAll('#capabilities tbody tr td:first-child a')]"
                      + ".map(a => a.textContent).join(',')"))
          .isEqualTo("ccos.math.add");
      shot(tab, "search");

      // the chain explorer: from the plans to this plan's tree
      tab.navigate(f.base() + "/console/chain");
      tab.loadBy(
          "document.querySelector('#plans a[href=\"/console/plan?id="
              + plan.planId()
              + "\"]')"
              + ".click()");
      assertThat(tab.text("document.querySelectorAll('#tree li').length")).isEqualTo("6");
      assertThat(tab.text("document.getElementById('tree').textContent"))
          .contains(
              "PlanStarted",
              "\"quote\"",
              "CapabilityCall ccos.echo {",
              ":item \"tea\"",
              "PlanCompleted");
      shot(tab, "plan");

      // a call that waits for a human: approve it in the queue, and it completes
      CompletableFuture<Value> call =
          CompletableFuture.supplyAsync(
              () ->
                  f.node
                      .marketplace()
                      .call(CallRequest.of("ccos.math.add", Vec.of(Value.of(2), Value.of(3)), ops)),
              r -> Thread.ofVirtual().start(r));
      String approval =
          asked.get(30, TimeUnit.SECONDS).metadata().get("approval") instanceof Value.Str id
              ? id.value()
              : null;
      tab.navigate(f.base() + "/console/approvals");
      String row = "document.getElementById('approval-" + approval + "')";
      assertThat(tab.text(row + ".className")).isEqualTo("pending");
      assertThat(call).isNotDone();
      shot(tab, "approvals");
      tab.eval(row + ".querySelector('button.approve').click()");
      // htmx swaps the row for the decided one, without leaving the page
      tab.waitFor(row + " && " + row + ".className !== 'pending'");
      assertThat(tab.text(row + ".cells[1].textContent")).endsWith("by operator/ops");
      assertThat(tab.text("location.pathname")).isEqualTo("/console/approvals");
      assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(Value.of(5));

      // the call, completed, among the calls
      tab.navigate(f.base() + "/console/calls");
      assertThat(tab.text("document.querySelector('#calls tbody tr').textContent"))
          .contains("ccos.math.add", "[2 3]", "ok 5");
      shot(tab, "calls");

      // sources and circuit breakers
      tab.navigate(f.base() + "/console/health");
      assertThat(tab.text("document.querySelector('#sources tbody tr').textContent"))
          .startsWith("upstreamok2[]");
      shot(tab, "health");

      // its result's inclusion proof, checked again by proof.js in the page
      String result =
          f.node
              .chain()
              .query(ChainQuery.ALL.withType("CapabilityResult"))
              .getLast()
              .columns()
              .actionId();
      tab.navigate(f.base() + "/console/action?id=" + result);
      tab.waitFor("document.getElementById('proof-result').dataset.state");
      assertThat(tab.text("document.getElementById('proof-result').textContent"))
          .isEqualTo("verified");
      shot(tab, "action");
      // a root that is not the tree's: the same check says so
      tab.eval(
          "document.getElementById('proof').dataset.root = btoa('x'.repeat(32));"
              + " delete document.getElementById('proof-result').dataset.state;"
              + " const s = document.createElement('script');"
              + " s.src = '/console/static/proof.js?again'; document.head.append(s);");
      tab.waitFor("document.getElementById('proof-result').dataset.state");
      assertThat(tab.text("document.getElementById('proof-result').textContent"))
          .isEqualTo("does not verify");
      assertThat(tab.text("JSON.stringify(window.violations)")).isEqualTo("[]");
    }
  }

  /** Saves the page as target/console-screenshots/{@code name}.png, after checking its CSP log. */
  private static void shot(Chromium.Tab tab, String name) throws Exception {
    assertThat(tab.text("JSON.stringify(window.violations)")).as(name).isEqualTo("[]");
    byte[] png = tab.screenshot();
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    Files.write(SHOTS.resolve(name + ".png"), png);
  }
}
