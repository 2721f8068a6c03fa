package dev.tracelake.lake;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * A warehouse in an object store: which FileIO reads it, and a check at open that the bucket
 * answers, so that a wrong endpoint, bucket or credential fails there with the warehouse named
 * rather than at the first commit with a bare SDK message.
 *
 * <p>Durability: {@link LocalFileIO} forces each file to disk when its stream closes, before
 * Iceberg commits the metadata that points at it. S3 gives the same order without an fsync: an
 * object (single PUT or completed multipart upload) becomes visible whole, only when {@code
 * S3FileIO}'s stream closes successfully, and Iceberg swaps the catalog pointer only after that.
 */
final class ObjectStoreWarehouse {
  // The check fails fast: S3FileIO's own default (5 retries, 2 to 20 s apart) suits a running
  // writer, not a misconfigured start. A setting the user gave still wins.
  private static final String CHECK_RETRIES = "1";
  private static final String CHECK_RETRY_WAIT_MS = "500";

  private ObjectStoreWarehouse() {}

  /** Adds the FileIO that reads the warehouse, unless the properties name one already. */
  static void addFileIo(LakeConfig config, Map<String, String> props) {
    if (config.isS3Warehouse()) {
      props.putIfAbsent(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
    }
  }

  /**
   * Lists one object under the warehouse prefix with the catalog's FileIO settings.
   *
   * @throws LakeException FAILED_PRECONDITION naming the warehouse, bucket and endpoint when the
   *     listing fails (unreachable endpoint, missing bucket, refused credentials, no region)
   */
  static void requireReachable(LakeConfig config, Map<String, String> catalogProps) {
    String ioImpl = catalogProps.get(CatalogProperties.FILE_IO_IMPL);
    Map<String, String> props = new HashMap<>(catalogProps);
    props.putIfAbsent(S3FileIOProperties.S3_RETRY_NUM_RETRIES, CHECK_RETRIES);
    props.putIfAbsent(S3FileIOProperties.S3_RETRY_MIN_WAIT_MS, CHECK_RETRY_WAIT_MS);
    props.putIfAbsent(S3FileIOProperties.S3_RETRY_MAX_WAIT_MS, CHECK_RETRY_WAIT_MS);
    try (FileIO io = CatalogUtil.loadFileIO(ioImpl, props, null)) {
      if (io instanceof SupportsPrefixOperations prefixes) {
        // One LIST request; S3 answers it only when the bucket exists and the caller may read it.
        Iterator<FileInfo> any = prefixes.listPrefix(config.warehouse()).iterator();
        any.hasNext();
      } else {
        io.newInputFile(config.warehouse() + "/.tracelake-check").exists();
      }
    } catch (RuntimeException e) {
      throw new LakeException(
          ErrorKind.FAILED_PRECONDITION,
          "Cannot reach warehouse "
              + config.warehouse()
              + " (bucket "
              + bucket(config.warehouse())
              + ", endpoint "
              + catalogProps.getOrDefault(S3FileIOProperties.ENDPOINT, "AWS default")
              + ", region "
              + catalogProps.getOrDefault(
                  AwsClientProperties.CLIENT_REGION, "from the AWS SDK's default chain")
              + "): "
              + rootMessage(e),
          e);
    }
  }

  /** Returns the bucket of an object-store URI ({@code s3://bucket/prefix}). */
  static String bucket(String location) {
    int start = location.indexOf("://") + 3;
    int end = location.indexOf('/', start);
    return end < 0 ? location.substring(start) : location.substring(start, end);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = String.valueOf(e.getMessage());
    String inner = String.valueOf(root.getMessage());
    return root == e || outer.contains(inner) ? outer : outer + ": " + inner;
  }
}
