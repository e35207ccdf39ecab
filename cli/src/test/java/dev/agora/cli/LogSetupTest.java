package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Libraries' logs: warnings and errors to stderr, one line each; a user's logback file wins. */
class LogSetupTest {

  @Test
  void warningsAndErrorsGoToStderrAndNothingBelow() {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // as logback's provider gives its context
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      LogSetup setup = new LogSetup();
      setup.setContext(context);
      assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
      context.getLogger("com.zaxxer.hikari.pool.HikariPool").warn("pool is slow");
      context.getLogger("org.flywaydb.core").error("migration failed");
      context.getLogger("com.zaxxer.hikari.HikariConfig").info("configuration: …");
      context.getLogger("x").debug("detail");
    } finally {
      System.setErr(before);
      context.stop();
    }
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "WARN c.z.h.p.HikariPool: pool is slow", "ERROR org.flywaydb.core: migration failed");
  }

  @Test
  void aLogbackFileTheUserNamesIsReadInstead() {
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "/tmp/theirs.xml");
    LoggerContext context = new LoggerContext();
    try {
      assertThat(new LogSetup().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger("root").getAppender("STDERR")).isNull();
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
      context.stop();
    }
  }
}
