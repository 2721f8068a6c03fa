package dev.tracelake.cli;

import java.io.PrintWriter;
import java.util.OptionalLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for a load: redrawn in place on a terminal, or one line every few
 * seconds in a log. {@link #none()} shows nothing.
 */
final class LoadProgress implements AutoCloseable {
  /** System property the launcher sets to say whether stderr is a terminal. */
  static final String STDERR_TTY_PROPERTY = "tracelake.stderr.tty";

  /** Files at least this large show progress even when stderr is not a terminal. */
  static final long LARGE_FILE_BYTES = 64L << 20;

  private static final int DEFAULT_WIDTH = 100;

  private final ProgressBar bar;

  private LoadProgress(ProgressBar bar) {
    this.bar = bar;
  }

  /** Returns a progress that shows nothing. */
  static LoadProgress none() {
    return new LoadProgress(null);
  }

  /** Returns whether stderr is a terminal, as the launcher saw it. */
  static boolean stderrIsTerminal() {
    String flag = System.getProperty(STDERR_TTY_PROPERTY);
    return flag == null ? System.console() != null : Boolean.parseBoolean(flag);
  }

  /**
   * Starts a progress bar.
   *
   * @param totalRows the rows to expect, or empty for a bar that only counts
   * @param terminal whether to redraw in place (a terminal) or print lines (a log)
   */
  static LoadProgress start(
      String task, OptionalLong totalRows, PrintWriter err, boolean terminal) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(totalRows.orElse(-1))
            .setUnit(" rows", 1)
            .showSpeed()
            .setUpdateIntervalMillis(terminal ? 250 : 5_000)
            .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setConsumer(terminal ? new Redrawn(err, width()) : new Lines(err, DEFAULT_WIDTH));
    return new LoadProgress(builder.build());
  }

  private static int width() {
    try {
      int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
      return Math.max(40, columns - 1);
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  /** Counts rows done. */
  void advance(long rows) {
    if (bar != null) {
      bar.stepBy(rows);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  /** Redraws the bar in place with a carriage return. */
  private record Redrawn(PrintWriter err, int width) implements ProgressBarConsumer {
    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public void accept(String rendered) {
      err.print('\r' + rendered);
      err.flush();
    }

    @Override
    public void close() {
      err.println();
      err.flush();
    }
  }

  /** Prints the bar as a new line each time it changes, for logs. */
  private static final class Lines implements ProgressBarConsumer {
    private final PrintWriter err;
    private final int width;
    private String last = "";

    Lines(PrintWriter err, int width) {
      this.err = err;
      this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public void accept(String rendered) {
      String line = rendered.strip();
      // the bar re-renders on a timer and once more on close, often unchanged
      if (!line.equals(last)) {
        err.println(line);
        err.flush();
        last = line;
      }
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
