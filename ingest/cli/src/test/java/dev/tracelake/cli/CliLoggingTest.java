package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The logging the shipped logback.xml gives a command: an error event logged with its exception (as
 * the SQL engine logs an internal failure) prints one line and the exception's own line, and its
 * stack trace only with {@code --verbose} or under {@code serve}.
 */
class CliLoggingTest {
  private final PrintStream stderr = System.err;

  @AfterEach
  void restore() throws Exception {
    System.setErr(stderr);
    System.clearProperty(TracelakeCli.LOG_LEVEL_PROPERTY);
    System.clearProperty(TracelakeCli.QUERY_LOG_LEVEL_PROPERTY);
    System.clearProperty(LogFormat.APPENDER_PROPERTY);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig(); // back to the tests' logback-test.xml
  }

  private String logAnInternalFailure(String... args) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.clearProperty(LogFormat.APPENDER_PROPERTY);
    TracelakeCli.setLoggingProperties(args);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(TracelakeCli.class.getResource("/logback.xml"));
    LoggerFactory.getLogger("dev.tracelake.lake.Lake")
        .error(
            "Commit 1 failed: unexpected",
            new IllegalStateException("planning broke", new ArithmeticException("overflow")));
    System.err.flush();
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aCommandPrintsTheEventAndTheExceptionWithoutAStackTrace() throws Exception {
    String printed = logAnInternalFailure("sql", "-e", "SELECT 1");

    assertThat(printed)
        .contains("ERROR Lake - Commit 1 failed: unexpected")
        .contains("java.lang.IllegalStateException: planning broke")
        .doesNotContain("\tat ");
  }

  @Test
  void verboseShowsTheStackTrace() throws Exception {
    String printed = logAnInternalFailure("sql", "--verbose", "-e", "SELECT 1");

    assertThat(printed).contains("Commit 1 failed: unexpected").contains("\tat ");
  }

  @Test
  void theServerKeepsStackTracesForOperators() throws Exception {
    String printed = logAnInternalFailure("serve", "--warehouse", "/tmp/x");

    assertThat(printed).contains("Commit 1 failed: unexpected").contains("\tat ");
  }
}
