package dev.tracelake.benchmarks.sql;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * A local {@link FileIO} that does not force files to disk, for building the planning benchmark's
 * history in bulk: lake-core's {@code LocalFileIO} syncs every manifest and manifest list it
 * writes, which dominates adding thousands of snapshots. Only the fixture is built with it;
 * everything measured reads through lake-core. Public because Iceberg instantiates it by class
 * name.
 */
public final class UnsyncedLocalFileIO implements FileIO {
  public UnsyncedLocalFileIO() {}

  @Override
  public InputFile newInputFile(String location) {
    InputFile local = org.apache.iceberg.Files.localInput(file(location));
    // keep the location as given: the catalog compares metadata locations as strings
    return new InputFile() {
      @Override
      public long getLength() {
        return local.getLength();
      }

      @Override
      public SeekableInputStream newStream() {
        return local.newStream();
      }

      @Override
      public String location() {
        return location;
      }

      @Override
      public boolean exists() {
        return local.exists();
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String location) {
    File file = file(location);
    file.getParentFile().mkdirs();
    OutputFile local = org.apache.iceberg.Files.localOutput(file);
    return new OutputFile() {
      @Override
      public PositionOutputStream create() {
        return local.create();
      }

      @Override
      public PositionOutputStream createOrOverwrite() {
        return local.createOrOverwrite();
      }

      @Override
      public String location() {
        return location;
      }

      @Override
      public InputFile toInputFile() {
        return newInputFile(location);
      }
    };
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(file(location).toPath());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + location, e);
    }
  }

  private static File file(String location) {
    return new File(location.replaceFirst("^file:(//)?", ""));
  }
}
