package dev.tracelake.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A deterministic data set of fraud-scoring events as Arrow batches, generated once and written by
 * every run. Twelve columns with the value shapes of a real feature/prediction log: a dense id,
 * high- and mid-cardinality keys, low-cardinality enums (some null), money, a timestamp with zone,
 * a score, a flag, a version and an incompressible payload.
 */
public final class EventBatches implements AutoCloseable {
  public static final Schema SCHEMA =
      new Schema(
          List.of(
              required("event_id", new ArrowType.Int(64, true)),
              required("user_id", ArrowType.Utf8.INSTANCE),
              required("merchant_id", ArrowType.Utf8.INSTANCE),
              required("amount", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              required("currency", ArrowType.Utf8.INSTANCE),
              nullable("country", ArrowType.Utf8.INSTANCE),
              nullable("device", ArrowType.Utf8.INSTANCE),
              required("event_time", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
              required("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              required("is_fraud", ArrowType.Bool.INSTANCE),
              required("features_version", new ArrowType.Int(32, true)),
              nullable("payload", ArrowType.Utf8.INSTANCE)));

  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF", "SEK", "PLN", "JPY"};
  private static final String[] COUNTRIES = {
    "DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "CH", "AT", "BE", "DK", "IE", "PT", "CZ",
    "NO", "FI", "JP", "CA"
  };
  private static final String[] DEVICES = {"ios", "android", "web", "pos", "api"};
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
          .getBytes(StandardCharsets.US_ASCII);
  private static final int USERS = 200_000;
  private static final int MERCHANTS = 20_000;
  // 2026-01-01T00:00:00Z
  private static final long START_MICROS = 1_767_225_600_000_000L;

  private final BufferAllocator allocator;
  private final List<VectorSchemaRoot> batches;
  private final long rows;
  private final long arrowBytes;

  private EventBatches(BufferAllocator allocator, List<VectorSchemaRoot> batches) {
    this.allocator = allocator;
    this.batches = Collections.unmodifiableList(batches);
    long rowCount = 0;
    long bytes = 0;
    for (VectorSchemaRoot batch : batches) {
      rowCount += batch.getRowCount();
      for (FieldVector vector : batch.getFieldVectors()) {
        bytes += vector.getBufferSize();
      }
    }
    this.rows = rowCount;
    this.arrowBytes = bytes;
  }

  /**
   * Generates {@code rows} events in batches of at most {@code batchSize} rows.
   *
   * @param seed the random seed; the same seed gives the same rows
   * @throws IllegalArgumentException when rows or batchSize is not positive
   */
  public static EventBatches generate(long rows, int batchSize, long seed) {
    if (rows <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException(
          "Rows and batch size must be positive, got rows=" + rows + ", batchSize=" + batchSize);
    }
    BufferAllocator allocator = new RootAllocator();
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      SplittableRandom random = new SplittableRandom(seed);
      for (long from = 0; from < rows; from += batchSize) {
        int count = (int) Math.min(batchSize, rows - from);
        batches.add(batch(allocator, random, from, count));
      }
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      allocator.close();
      throw e;
    }
    return new EventBatches(allocator, batches);
  }

  /** Returns the batches; they stay owned by this object and must not be closed or changed. */
  public List<VectorSchemaRoot> batches() {
    return batches;
  }

  public long rows() {
    return rows;
  }

  /** Returns the bytes of Arrow buffers the rows occupy: the common input-size denominator. */
  public long arrowBytes() {
    return arrowBytes;
  }

  @Override
  public void close() {
    batches.forEach(VectorSchemaRoot::close);
    allocator.close();
  }

  /**
   * Returns one batch of {@code count} events with ids from {@code from}, allocated from {@code
   * allocator}; the caller closes it.
   */
  public static VectorSchemaRoot batch(
      BufferAllocator allocator, SplittableRandom random, long from, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    for (FieldVector vector : root.getFieldVectors()) {
      vector.setInitialCapacity(count);
    }
    root.allocateNew();
    BigIntVector eventId = (BigIntVector) root.getVector("event_id");
    VarCharVector userId = (VarCharVector) root.getVector("user_id");
    VarCharVector merchantId = (VarCharVector) root.getVector("merchant_id");
    Float8Vector amount = (Float8Vector) root.getVector("amount");
    VarCharVector currency = (VarCharVector) root.getVector("currency");
    VarCharVector country = (VarCharVector) root.getVector("country");
    VarCharVector device = (VarCharVector) root.getVector("device");
    TimeStampMicroTZVector eventTime = (TimeStampMicroTZVector) root.getVector("event_time");
    Float8Vector score = (Float8Vector) root.getVector("score");
    BitVector isFraud = (BitVector) root.getVector("is_fraud");
    IntVector featuresVersion = (IntVector) root.getVector("features_version");
    VarCharVector payload = (VarCharVector) root.getVector("payload");
    byte[] text = new byte[80];
    for (int i = 0; i < count; i++) {
      long id = from + i;
      eventId.setSafe(i, id);
      userId.setSafe(i, key("user-", skewed(random, USERS), 7));
      merchantId.setSafe(i, key("m-", skewed(random, MERCHANTS), 5));
      // log-normal-ish amounts, rounded to cents
      amount.setSafe(i, Math.round(Math.exp(3 + 1.5 * random.nextDouble() * 2) * 100) / 100.0);
      currency.setSafe(i, ascii(CURRENCIES[skewed(random, CURRENCIES.length)]));
      if (random.nextInt(50) == 0) {
        country.setNull(i);
      } else {
        country.setSafe(i, ascii(COUNTRIES[skewed(random, COUNTRIES.length)]));
      }
      if (random.nextInt(20) == 0) {
        device.setNull(i);
      } else {
        device.setSafe(i, ascii(DEVICES[random.nextInt(DEVICES.length)]));
      }
      // about 1,000 events per second with jitter
      eventTime.setSafe(i, START_MICROS + id * 1_000L + random.nextInt(1_000));
      double s = random.nextDouble();
      score.setSafe(i, s);
      isFraud.setSafe(i, s > 0.98 && random.nextInt(3) > 0 ? 1 : 0);
      featuresVersion.setSafe(i, 3 + random.nextInt(3));
      if (random.nextInt(100) == 0) {
        payload.setNull(i);
      } else {
        int length = 50 + random.nextInt(21);
        for (int b = 0; b < length; b++) {
          text[b] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        payload.setSafe(i, text, 0, length);
      }
    }
    root.setRowCount(count);
    return root;
  }

  /** Returns a value in [0, n) where small values are much more frequent, like real key usage. */
  private static int skewed(SplittableRandom random, int n) {
    double u = random.nextDouble();
    return (int) (n * u * u * u);
  }

  /** Returns {@code prefix} and {@code value} zero-padded to {@code digits}, as ASCII. */
  private static byte[] key(String prefix, int value, int digits) {
    byte[] bytes = new byte[prefix.length() + digits];
    for (int i = 0; i < prefix.length(); i++) {
      bytes[i] = (byte) prefix.charAt(i);
    }
    for (int i = bytes.length - 1; i >= prefix.length(); i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return bytes;
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  private static Field required(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  private static Field nullable(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }
}
