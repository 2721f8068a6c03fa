package dev.tracelake.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The console's pages, scripts and styles, read from the jar once at start. Only the files the
 * jar's {@code assets.txt} lists are served, from memory, so no request path reaches the file
 * system or the class path.
 */
final class StaticAssets {
  private static final String ROOT = "/dev/tracelake/console/static/";

  /** One file: its bytes, type and strong validator. */
  record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> assets;

  private StaticAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  static StaticAssets load() {
    Map<String, Asset> assets = new HashMap<>();
    String list = new String(read("assets.txt"), StandardCharsets.UTF_8);
    for (String line : list.split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      byte[] bytes = read(name);
      assets.put(name, new Asset(bytes, type(name), "\"" + sha256(bytes).substring(0, 32) + "\""));
    }
    return new StaticAssets(assets);
  }

  /** Returns the asset of a name such as {@code app.js}, or null. */
  Asset get(String name) {
    return assets.get(name);
  }

  private static byte[] read(String name) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("Console asset " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read console asset " + name, e);
    }
  }

  private static String type(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    if (name.endsWith(".png")) {
      return "image/png";
    }
    return "application/octet-stream";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }
}
