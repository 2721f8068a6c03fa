package dev.tracelake.lineage;

/**
 * Read and write timeouts for the JDK's built-in HTTP server, which has none by default: a client
 * that never finishes its request would hold a handler thread forever. The server reads them from
 * system properties once, when the first server of the process starts; an operator's own setting of
 * the properties wins.
 */
public final class HttpTimeouts {
  private HttpTimeouts() {}

  /**
   * Sets the request and response time limits, in seconds, unless already set. Call before the
   * process starts its first {@code HttpServer}.
   */
  public static void apply(long seconds) {
    setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(seconds));
    setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(seconds * 3));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
