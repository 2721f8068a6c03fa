package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * An Iceberg {@link FileIO} on the local file system through java.nio, for the embedded warehouse.
 * Iceberg ships none outside its tests, and Hadoop's would drag most of Hadoop in.
 *
 * <p>Every file is forced to disk when its stream closes, together with its directory entry, so a
 * commit that Iceberg reports as done survives a crash of the machine. An S3 warehouse gets the
 * same guarantee from S3 itself: an object exists, whole, only once its upload completes when the
 * stream closes, and Iceberg commits only after that (see {@link ObjectStoreWarehouse}).
 */
public final class LocalFileIO implements FileIO, SupportsPrefixOperations {
  private Map<String, String> properties = Map.of();

  public LocalFileIO() {}

  @Override
  public void initialize(Map<String, String> props) {
    this.properties = Map.copyOf(props);
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public InputFile newInputFile(String location) {
    return new LocalInputFile(location, toPath(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return new LocalOutputFile(location, toPath(location));
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(toPath(location));
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete " + location, e);
    }
  }

  /**
   * Lists the files under a directory, recursively, as {@code file:} locations (the form table
   * locations take). A missing directory lists nothing.
   */
  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    Path root = toPath(prefix);
    if (!Files.isDirectory(root)) {
      return java.util.List.of();
    }
    java.util.List<FileInfo> files = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        java.nio.file.attribute.BasicFileAttributes attrs =
            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        if (attrs.isRegularFile()) {
          files.add(
              new FileInfo(
                  "file:" + p.toAbsolutePath(), attrs.size(), attrs.lastModifiedTime().toMillis()));
        }
      }
    } catch (NoSuchFileException e) {
      // removed while listing: nothing there any more
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to list " + prefix, e);
    }
    return files;
  }

  /** Refuses: Tracelake deletes files one by one, each one checked, never by prefix. */
  @Override
  public void deletePrefix(String prefix) {
    throw new UnsupportedOperationException(
        "LocalFileIO does not delete by prefix (asked to delete " + prefix + ")");
  }

  static Path toPath(String location) {
    if (location.startsWith("file://")) {
      return Path.of(location.substring("file://".length()));
    }
    if (location.startsWith("file:")) {
      return Path.of(location.substring("file:".length()));
    }
    if (location.contains("://")) {
      throw new IllegalArgumentException(
          "LocalFileIO reads only local paths and file: URIs, not " + location);
    }
    return Path.of(location);
  }

  private record LocalInputFile(String location, Path path) implements InputFile {
    @Override
    public long getLength() {
      try {
        return Files.size(path);
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to stat " + location, e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new LocalSeekableInputStream(FileChannel.open(path, StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to open " + location, e);
      }
    }

    @Override
    public boolean exists() {
      return Files.exists(path);
    }
  }

  private record LocalOutputFile(String location, Path path) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private PositionOutputStream open(StandardOpenOption... options) {
      try {
        Files.createDirectories(path.getParent());
        StandardOpenOption[] all = new StandardOpenOption[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = StandardOpenOption.WRITE;
        return new LocalPositionOutputStream(path, FileChannel.open(path, all));
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "File already exists: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to create " + location, e);
      }
    }

    @Override
    public InputFile toInputFile() {
      return new LocalInputFile(location, path);
    }
  }

  private static final class LocalSeekableInputStream extends SeekableInputStream {
    private final FileChannel channel;
    private final byte[] one = new byte[1];

    LocalSeekableInputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static final class LocalPositionOutputStream extends PositionOutputStream {
    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long position;
    private boolean closed;

    LocalPositionOutputStream(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public long getPos() {
      // Parquet asks for the position after close(); keep answering.
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      if (!buffer.hasRemaining()) {
        drain();
      }
      buffer.put((byte) b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > buffer.remaining()) {
        drain();
        if (len > buffer.capacity()) {
          ByteBuffer direct = ByteBuffer.wrap(b, off, len);
          while (direct.hasRemaining()) {
            channel.write(direct);
          }
          position += len;
          return;
        }
      }
      buffer.put(b, off, len);
      position += len;
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    private void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (channel) {
        drain();
        channel.force(true);
      }
      forceDirectory(path.getParent());
    }
  }

  private static void forceDirectory(Path dir) {
    // A new file's directory entry is durable only once the directory itself is synced.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open directories; the file's own data is already forced.
    }
  }
}
