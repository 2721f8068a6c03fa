package dev.tracelake.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** What a writer does when streams, connections and servers go away under it. */
class WriterRetryTest extends ClientTestBase {

  @Test
  void aWriterResendsItsUnacknowledgedAppendsToARestartedServerExactlyOnce() throws Exception {
    createEvents("events");
    List<CompletableFuture<AppendAck>> futures = new ArrayList<>();
    try (SeverableProxy proxy = new SeverableProxy(port);
        TracelakeClient proxied = TracelakeClient.connect("127.0.0.1:" + proxy.port());
        TableWriter writer = proxied.openWriter("events", "w1", quickRetry().build())) {
      // Offsets 0..9 are committed but their acknowledgements are held back when the server
      // stops. (They are committed first because a request that reaches a stopping server can
      // be refused with a status the writer must not retry; see the report.)
      proxy.holdResponses();
      for (int i = 0; i < 10; i++) {
        futures.add(writer.appendRows(eventRows(i * 10L, 10)));
      }
      await(
          "offset 9 of w1 to be committed",
          () -> client.writerOffset("events", "w1").orElse(-1) == 9);
      stopServer();
      proxy.severAll();
      proxy.releaseResponses();
      // offsets 10..19 are appended while no server runs
      for (int i = 10; i < 20; i++) {
        futures.add(writer.appendRows(eventRows(i * 10L, 10)));
      }
      assertThat(futures).noneMatch(CompletableFuture::isDone);

      startServerAgain();
      writer.flush();
    }

    List<AppendAck> acks = futures.stream().map(CompletableFuture::join).toList();
    assertThat(acks)
        .extracting(AppendAck::offset)
        .isEqualTo(LongStream.range(0, 20).boxed().toList());
    assertThat(acks.subList(0, 10)).allMatch(AppendAck::alreadyCommitted);
    assertThat(acks.subList(10, 20)).noneMatch(AppendAck::alreadyCommitted);
    assertThat(acks).allSatisfy(a -> assertThat(a.recordIds()).hasSize(10));
    assertThat(eventIds("events")).isEqualTo(LongStream.range(0, 200).boxed().toList());
    List<String> stored = recordIds("events");
    assertThat(new HashSet<>(stored)).hasSameSizeAs(stored);
    assertThat(stored)
        .containsExactlyInAnyOrderElementsOf(
            acks.stream().flatMap(a -> a.recordIds().stream()).toList());
  }

  @Test
  void lostAcknowledgementsCompleteTheOriginalFuturesWithTheOriginalSnapshot() throws Exception {
    createEvents("events");
    try (SeverableProxy proxy = new SeverableProxy(port);
        TracelakeClient proxied = TracelakeClient.connect("127.0.0.1:" + proxy.port());
        TableWriter writer = proxied.openWriter("events", "w1", quickRetry().build())) {
      proxy.holdResponses();
      List<CompletableFuture<AppendAck>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(writer.appendRows(eventRows(i * 10L, 10)));
      }
      // the server commits all three; their acknowledgements never reach the client (asked
      // directly, not through the proxy)
      await(
          "offset 2 of w1 to be committed",
          () -> client.writerOffset("events", "w1").orElse(-1) == 2);
      proxy.severAll();
      proxy.releaseResponses();

      writer.flush();

      List<AppendAck> acks = futures.stream().map(CompletableFuture::join).toList();
      assertThat(acks).extracting(AppendAck::offset).containsExactly(0L, 1L, 2L);
      assertThat(acks).allMatch(AppendAck::alreadyCommitted);
      assertThat(acks).allSatisfy(a -> assertThat(a.rowCount()).isEqualTo(10));
      for (AppendAck ack : acks) {
        // the acknowledged snapshot is the one that committed the rows, with the same record ids
        List<String> atSnapshot =
            read("events", ack.snapshotId(), "_record_id", "event_id").stream()
                .map(r -> (String) r.get(0))
                .toList();
        assertThat(atSnapshot).containsAll(ack.recordIds());
      }
      assertThat(recordIds("events"))
          .containsExactlyInAnyOrderElementsOf(
              acks.stream().flatMap(a -> a.recordIds().stream()).toList());
      assertThat(eventIds("events")).isEqualTo(LongStream.range(0, 30).boxed().toList());
    }
  }

  @Test
  void aFinalErrorFailsTheAppendAndEveryLaterOneButNotEarlierOnes() throws Exception {
    createEvents("events");
    try (SeverableProxy proxy = new SeverableProxy(port);
        TracelakeClient proxied = TracelakeClient.connect("127.0.0.1:" + proxy.port());
        TableWriter writer = proxied.openWriter("events", "w1", quickRetry().build())) {
      // hold the answers so that all three appends are sent before the failure comes back
      proxy.holdResponses();
      CompletableFuture<AppendAck> good = writer.appendRows(eventRows(0, 1));
      CompletableFuture<AppendAck> bad =
          writer.appendRows(List.of(Map.of("event_id", "one", "user", "x")));
      CompletableFuture<AppendAck> later = writer.appendRows(eventRows(2, 1));
      proxy.releaseResponses();

      assertThat(good.join().offset()).isZero();
      assertThatThrownBy(bad::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TracelakeException.class)
          .hasMessage(
              "Writer w1 on table events, offset 1: INVALID_ARGUMENT: Table default.events: JSON"
                  + " row 0: column 'event_id' expects long, got string 'one'");
      assertThatThrownBy(later::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TracelakeException.class)
          .hasMessage(
              "Writer w1 on table events, offset 2: INVALID_ARGUMENT: not written because offset"
                  + " 1 failed: Table default.events: JSON row 0: column 'event_id' expects long,"
                  + " got string 'one'")
          .extracting(e -> ((TracelakeException) e).code())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    assertThat(eventIds("events")).containsExactly(0L);
  }

  @Test
  void aWriterThatCannotReconnectFailsItsAppendsAfterTheRetryTimeout() {
    createEvents("events");
    TableWriter writer =
        client.openWriter("events", "w1", quickRetry().retryTimeout(Duration.ZERO).build());
    stopServer();

    CompletableFuture<AppendAck> ack = writer.appendRows(eventRows(0, 1));

    assertThatThrownBy(ack::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(TracelakeException.class)
        .hasMessageStartingWith(
            "Writer w1 on table events, offset 0: UNAVAILABLE: gave up reconnecting after PT0S"
                + " without an acknowledgement; last status: ")
        .extracting(e -> ((TracelakeException) e).code())
        .isEqualTo(Status.Code.UNAVAILABLE);
    writer.close();
    startServerAgain();
    assertThat(eventIds("events")).isEmpty();
  }
}
