package dev.tracelake.lake;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * {@link LocalFileIO} that stops a process (for {@link CrashingWriter}) at one point of writing a
 * table's files, chosen by the system property {@value #PAUSE_AT}: it prints READY and sleeps until
 * the test kills it. Only the files of the table named by {@value #TABLE_DIR} count (never the
 * archive's). Points:
 *
 * <ul>
 *   <li>{@code data:N}: when the N-th new data file is about to be created (the earlier ones are
 *       written and closed);
 *   <li>{@code manifest-list}: when the commit's manifest list is about to be created (its
 *       manifests are written);
 *   <li>{@code metadata}: when the new table metadata file is about to be created;
 *   <li>{@code metadata-written}: when the new table metadata file is closed, before the catalog
 *       points at it.
 * </ul>
 */
public final class PausingFileIO implements FileIO, SupportsPrefixOperations {
  static final String PAUSE_AT = "tracelake.test.pause-at";
  static final String TABLE_DIR = "tracelake.test.pause-table-dir";

  private final LocalFileIO local = new LocalFileIO();
  private final AtomicInteger dataFiles = new AtomicInteger();

  public PausingFileIO() {}

  @Override
  public void initialize(Map<String, String> props) {
    local.initialize(props);
  }

  @Override
  public Map<String, String> properties() {
    return local.properties();
  }

  @Override
  public InputFile newInputFile(String location) {
    return local.newInputFile(location);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    String point = System.getProperty(PAUSE_AT, "");
    String tableDir = System.getProperty(TABLE_DIR, "/nowhere/");
    OutputFile out = local.newOutputFile(location);
    if (!location.contains(tableDir)) {
      return out;
    }
    String file = location.substring(location.lastIndexOf('/') + 1);
    if (location.contains(tableDir + "data/") && point.startsWith("data:")) {
      if (dataFiles.incrementAndGet() == Integer.parseInt(point.substring("data:".length()))) {
        CrashingWriter.readyAndWait();
      }
    } else if (file.startsWith("snap-") && point.equals("manifest-list")) {
      CrashingWriter.readyAndWait();
    } else if (file.endsWith(".metadata.json")) {
      if (point.equals("metadata")) {
        CrashingWriter.readyAndWait();
      } else if (point.equals("metadata-written")) {
        return new PausingOnClose(out);
      }
    }
    return out;
  }

  @Override
  public void deleteFile(String location) {
    local.deleteFile(location);
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    return local.listPrefix(prefix);
  }

  @Override
  public void deletePrefix(String prefix) {
    local.deletePrefix(prefix);
  }

  /** An output file whose stream stops the process once it is closed (the file is durable). */
  private record PausingOnClose(OutputFile out) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return pausing(out.create());
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return pausing(out.createOrOverwrite());
    }

    @Override
    public String location() {
      return out.location();
    }

    @Override
    public InputFile toInputFile() {
      return out.toInputFile();
    }

    private static PositionOutputStream pausing(PositionOutputStream stream) {
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return stream.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          stream.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          stream.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          stream.flush();
        }

        @Override
        public void close() throws IOException {
          stream.close();
          CrashingWriter.readyAndWait();
        }
      };
    }
  }
}
