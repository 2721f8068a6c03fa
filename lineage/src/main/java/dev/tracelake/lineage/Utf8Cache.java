package dev.tracelake.lineage;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reads strings from a VarChar vector, reusing the previous String when the bytes repeat: the
 * provenance columns and lineage table names are the same on almost every row, so this saves
 * allocating millions of equal strings.
 */
final class Utf8Cache {
  private byte[] last = new byte[0];
  private String lastString;

  String get(VarCharVector vector, int row) {
    if (vector == null || vector.isNull(row)) {
      return null;
    }
    int start = vector.getStartOffset(row);
    int len = vector.getValueLength(row);
    ArrowBuf data = vector.getDataBuffer();
    if (lastString != null && len == last.length) {
      boolean same = true;
      for (int i = 0; i < len; i++) {
        if (data.getByte(start + i) != last[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return lastString;
      }
    }
    byte[] bytes = new byte[len];
    data.getBytes(start, bytes, 0, len);
    last = bytes;
    lastString = new String(bytes, StandardCharsets.UTF_8);
    return lastString;
  }
}
