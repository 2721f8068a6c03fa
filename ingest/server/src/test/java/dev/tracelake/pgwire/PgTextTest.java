package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Text output matches PostgreSQL 15's own: every expected value below was printed by the PostgreSQL
 * 15.18 server on this machine (psql -A -t), e.g. {@code SELECT 1e15::float8}.
 */
class PgTextTest {

  @ParameterizedTest
  @CsvSource({
    "1e15, 1e+15",
    "123456789012345, 123456789012345",
    "0.0001, 0.0001",
    "0.00001, 1e-05",
    "1.5, 1.5",
    "3.0, 3",
    "-0.0, -0",
    "1e7, 10000000",
    "1.2345e-5, 1.2345e-05",
    "1e100, 1e+100",
    "0.30000000000000004, 0.30000000000000004"
  })
  void float8LikePostgres(double value, String expected) {
    assertThat(PgText.float8(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "0.25, 0.25",
    "1e6, 1e+06",
    "123456, 123456",
    "1.5e-5, 1.5e-05",
    "3.4e38, 3.4e+38",
    "0.1, 0.1"
  })
  void float4LikePostgres(float value, String expected) {
    assertThat(PgText.float4(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "14, 3, 14706789000, 1 year 2 mons 3 days 04:05:06.789",
    "0, -1, -1000000, -1 days -00:00:01",
    "0, 0, 0, 00:00:00",
    "1, 0, 0, 1 mon"
  })
  void intervalsLikePostgres(long months, long days, long micros, String expected) {
    assertThat(PgText.interval(months, days, micros)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "Asia/Kolkata, 2023-11-15 03:43:20.5+05:30",
    "UTC, 2023-11-14 22:13:20.5+00",
    "America/St_Johns, 2023-11-14 18:43:20.5-03:30"
  })
  void timestamptzInTheSessionZone(String zone, String expected) {
    long micros = 1_700_000_000_500_000L;
    assertThat(PgText.timestamptz(micros, ZoneId.of(zone))).isEqualTo(expected);
    assertThat(PgText.timestamptz(micros, ZoneOffset.UTC)).isEqualTo("2023-11-14 22:13:20.5+00");
  }

  @ParameterizedTest
  @CsvSource({
    "-62135596800000000, 0001-01-01 00:00:00",
    "0, 1970-01-01 00:00:00",
    "1000001, 1970-01-01 00:00:01.000001"
  })
  void timestampsLikePostgres(long micros, String expected) {
    assertThat(PgText.timestamp(micros)).isEqualTo(expected);
  }
}
