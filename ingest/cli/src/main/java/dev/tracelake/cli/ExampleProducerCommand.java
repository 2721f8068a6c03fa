package dev.tracelake.cli;

import dev.tracelake.client.TracelakeClient;
import dev.tracelake.example.ExampleProducer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake example-producer}: behaves like a production fraud-scoring service against a
 * running server: writes feature records, then predictions citing them as lineage inputs.
 */
@Command(
    name = "example-producer",
    mixinStandardHelpOptions = true,
    description = {
      "Write feature records, then predictions that cite them as lineage inputs, to a running"
          + " server (see 'tracelake serve').",
      "With --replay <id>: replay those predictions (model fraud v3) through the candidate fraud"
          + " v4 on a branch, then see 'tracelake replay compare <id>'."
    })
final class ExampleProducerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--target",
      defaultValue = "${env:TRACELAKE_TARGET:-127.0.0.1:7420}",
      description = "Server address (env TRACELAKE_TARGET; default ${DEFAULT-VALUE}).")
  String target;

  @picocli.CommandLine.Mixin ClientToken clientToken;
  @picocli.CommandLine.Mixin ClientTls clientTls;

  @Option(names = "--count", defaultValue = "100", description = "Records per table.")
  int count;

  @Option(
      names = "--replay",
      paramLabel = "<replay-id>",
      description =
          "Instead of writing production records: replay fraud v3's predictions through the"
              + " candidate fraud v4 on branch replay/<replay-id> (run it again to resume).")
  String replay;

  @Override
  public Integer call() {
    PrintStream out =
        new PrintStream(
            new WriterOutputStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
    String warehouse = System.getenv("TRACELAKE_WAREHOUSE");
    dev.tracelake.lake.LakeConfig lake =
        dev.tracelake.lake.LakeConfig.embedded(
            java.nio.file.Path.of(
                warehouse == null || warehouse.isBlank()
                    ? dev.tracelake.lake.LakeConfig.DEFAULT_WAREHOUSE
                    : warehouse));
    try (TracelakeClient client =
        clientTls.connect(target, clientToken.resolve(System::getenv, lake), System::getenv)) {
      if (replay != null) {
        ExampleProducer.replay(client, replay, out);
      } else {
        ExampleProducer.run(client, count, out);
      }
    } catch (dev.tracelake.client.TracelakeException e) {
      throw new CliException(e.getMessage(), e);
    }
    out.flush();
    return 0;
  }

  /** Adapts picocli's writer to the stream the example prints to. */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final java.io.PrintWriter writer;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterOutputStream(java.io.PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public void flush() {
      writer.print(line.toString(StandardCharsets.UTF_8));
      writer.flush();
      line.reset();
    }
  }
}
