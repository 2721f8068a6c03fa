/**
 * The Java client of Tracelake's ingest service: create and describe tables, and append records
 * exactly once.
 *
 * <pre>{@code
 * try (TracelakeClient client = TracelakeClient.connect("127.0.0.1:7420");
 *     TableWriter writer =
 *         client.openWriter(
 *             "demo.features",
 *             "feature-service-1",
 *             Provenance.builder().codeCommit(sha).producer("feature-service").build())) {
 *   AppendAck ack = writer.appendRows(List.of(Map.of("user_id", "u1", "txn_amount", 12.5))).join();
 * }
 * }</pre>
 *
 * <p>{@link dev.tracelake.client.TracelakeClient} and {@link dev.tracelake.client.TableWriter} are
 * the entry points; the rest of the public types are values. A writer resumes after its last
 * committed offset when it opens, and re-sends unacknowledged requests with their offsets when a
 * stream or connection breaks, so a record reaches its table exactly once.
 */
package dev.tracelake.client;
