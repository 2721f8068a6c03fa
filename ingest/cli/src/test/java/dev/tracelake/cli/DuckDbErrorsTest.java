package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DuckDbErrorsTest {
  private static final String CONVERSION =
      """
      Conversion Error: CSV Error on Line: 3
      Original Line: 2,b,xx
      Error when converting column "score". Could not convert string "xx" to 'DOUBLE'

      Column score is being converted as type DOUBLE
      Possible solutions:
      * Override the type for this column manually

        file = /tmp/bad.csv
      """;

  @Test
  void csvErrorNamesLineReasonAndText() {
    assertThat(DuckDbErrors.csvLineError(CONVERSION))
        .contains(
            new LineError(
                3,
                "Error when converting column \"score\". Could not convert string \"xx\" to"
                    + " 'DOUBLE'",
                "2,b,xx"));
  }

  @Test
  void csvErrorWithAReasonAfterAMultiLineOriginal() {
    String unterminated =
        """
        Invalid Input Error: CSV Error on Line: 3
        Original Line: 2,"b,2.5
        4,d,4.0

        Value with unterminated quote found.

        Possible fixes:
        """;

    assertThat(DuckDbErrors.csvLineError(unterminated))
        .contains(new LineError(3, "Value with unterminated quote found.", "2,\"b,2.5"));
  }

  @Test
  void messageOfAnArrowStreamErrorIsDuckDbsMessage() {
    IOException e =
        new IOException(
            "[errno -1] CDataJniException{errno=-1, message=Invalid Input Error: JSON transform"
                + " error in file \"/x.jsonl\", in line 7: Failed to cast value: \"a\"\nTry"
                + " setting 'ignore_errors'}");

    String message = DuckDbErrors.message(e);

    assertThat(message).startsWith("Invalid Input Error: JSON transform error");
    assertThat(DuckDbErrors.jsonTransformError(message))
        .contains(new LineError(7, "Failed to cast value: \"a\"", null));
  }

  @Test
  void summaryKeepsTheFirstParagraphWithoutTheSqlContext() {
    String message =
        "Invalid Input Error: No magic bytes found at end of file '/x.parquet'\n\n"
            + "LINE 1: SELECT * FROM read_parquet('/x.parquet')\n";

    assertThat(DuckDbErrors.summary(DuckDbErrors.message(new SQLException(message))))
        .isEqualTo("Invalid Input Error: No magic bytes found at end of file '/x.parquet'");
  }

  @Test
  void lineErrorMessageQuotesTheLineOnOneLine() {
    LineError error = new LineError(3, "Value with unterminated quote found.", "2,\"b\r\n4");

    assertThat(error.toException(java.nio.file.Path.of("data.csv")))
        .hasMessage(
            "Cannot read data.csv: line 3: Value with unterminated quote found. (line:"
                + " 2,\"b\\r\\n4)");
  }
}
