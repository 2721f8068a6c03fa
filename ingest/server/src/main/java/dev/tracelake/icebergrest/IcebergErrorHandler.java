package dev.tracelake.icebergrest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises before the catalog's handler runs (a body over the size limit, an
 * unparsable URI, headers too large) in the Iceberg REST {@code ErrorResponse} JSON every other
 * error uses, instead of Jetty's HTML page, so Iceberg clients show the message rather than a parse
 * failure.
 */
final class IcebergErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";

  IcebergErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(json(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
    return ByteBuffer.wrap(json(status, reason));
  }

  static byte[] json(int code, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    ErrorResponse error =
        ErrorResponse.builder().responseCode(code).withType(type(code)).withMessage(text).build();
    return ErrorResponseParser.toJson(error).getBytes(StandardCharsets.UTF_8);
  }

  private static String type(int code) {
    return switch (code) {
      case 400 -> "BadRequestException";
      case 404 -> "NoSuchEndpointException";
      case 405 -> "MethodNotAllowedException";
      case 413 -> "RequestTooLargeException";
      case 414 -> "URITooLongException";
      case 431 -> "RequestHeaderFieldsTooLargeException";
      default -> code >= 500 ? "InternalServerError" : "RESTException";
    };
  }
}
