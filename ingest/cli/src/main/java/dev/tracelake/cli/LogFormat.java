package dev.tracelake.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** The server's log format: human-readable text (the default) or one JSON object per line. */
enum LogFormat {
  TEXT("STDERR"),
  JSON("JSON");

  /** System property logback.xml reads to pick its appender. */
  static final String APPENDER_PROPERTY = "tracelake.log.appender";

  private final String appender;

  LogFormat(String appender) {
    this.appender = appender;
  }

  /** Reconfigures logging from logback.xml with this format. */
  void apply() {
    if (appender.equals(System.getProperty(APPENDER_PROPERTY, TEXT.appender))) {
      return;
    }
    System.setProperty(APPENDER_PROPERTY, appender);
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend (e.g. in a host application): leave it alone
    }
    URL config = LogFormat.class.getResource("/logback.xml");
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("Cannot reconfigure logging from " + config, e);
    }
  }
}
