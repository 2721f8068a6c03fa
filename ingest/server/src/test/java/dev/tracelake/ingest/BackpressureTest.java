package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class BackpressureTest extends IngestServerTestBase {
  private static final long LIMIT = 4L << 20;
  private static final int MAX_MESSAGE = 1 << 20;

  @Override
  IngestConfig config() {
    return super.config()
        .withCommitInterval(Duration.ofMillis(200))
        .withMaxMessageBytes(MAX_MESSAGE)
        .withInflightBytes(LIMIT);
  }

  @Test
  void aFastProducerIsHeldToTheInFlightBudget() throws Exception {
    createEvents("events");
    int requests = 40;
    try (AppendStream stream = new AppendStream(channel, "events", "fast")) {
      for (int r = 0; r < requests; r++) {
        try (VectorSchemaRoot batch = events(r * 15000L, 15000)) {
          stream.sendArrow(r, batch);
        }
      }
      // the server fills its budget, then stops reading until commits free it
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      long maxUsed = 0;
      while (maxUsed < LIMIT / 2 && System.nanoTime() < deadline) {
        maxUsed = Math.max(maxUsed, server.ingestor().budget().used());
      }
      assertThat(maxUsed).isGreaterThanOrEqualTo(LIMIT / 2);
      int acked = 0;
      while (acked < requests) {
        maxUsed = Math.max(maxUsed, server.ingestor().budget().used());
        stream.take();
        acked++;
      }
      // requests read (one message past the budget) plus the acknowledgements not read yet
      assertThat(maxUsed).isLessThanOrEqualTo(LIMIT + MAX_MESSAGE + AppendBatch.MAX_ACK_ID_BYTES);
      assertThat(stream.finish().getCode()).isEqualTo(Status.Code.OK);
    }
    assertThat(eventIds("events", null)).hasSize(requests * 15000);
  }
}
