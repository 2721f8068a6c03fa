package dev.tracelake.lineage;

import dev.tracelake.lake.LakeConfig;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;

/**
 * A real S3 HTTP API on a loopback port: S3Proxy over jclouds' in-memory blob store, with AWS
 * signature checks on, holding one bucket. Close it after the test. (A copy of lake-core's test
 * server, which test jars do not share.)
 */
final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "tracelake-test";
  static final String SECRET_KEY = "tracelake-test-secret";
  static final String REGION = "us-east-1";

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final String bucket;

  private S3ProxyServer(BlobStoreContext context, S3Proxy proxy, String bucket) {
    this.context = context;
    this.proxy = proxy;
    this.bucket = bucket;
  }

  static {
    // The SDK's default since 2.30 sends a CRC32 trailer in aws-chunked uploads, which S3Proxy
    // 2.9.0 rejects ("x-amz-content-sha256 header does not match", gaul/s3proxy#795) as some other
    // S3-compatible stores do; deployments on those set AWS_REQUEST_CHECKSUM_CALCULATION, the same
    // switch as this system property.
    System.setProperty("aws.requestChecksumCalculation", "when_required");
  }

  /** Starts a server on a free loopback port holding an empty {@code bucket}. */
  static S3ProxyServer start(String bucket) throws Exception {
    BlobStoreContext context =
        // by API metadata rather than by name: a lookup by name loads every provider S3Proxy
        // registers, including the Azure one whose SDK this module leaves out
        ContextBuilder.newBuilder(new TransientApiMetadata())
            .credentials("unused", "unused")
            .overrides(new Properties())
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        context.close();
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    context.getBlobStore().createContainerInLocation(null, bucket);
    return new S3ProxyServer(context, proxy, bucket);
  }

  String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  String bucket() {
    return bucket;
  }

  /** Returns a lake config on {@code s3://<bucket>/<prefix>} with these credentials. */
  LakeConfig.Builder lakeConfig(String prefix, String catalogUri) {
    return LakeConfig.builder()
        .warehouse("s3://" + bucket + "/" + prefix)
        .catalogUri(catalogUri)
        .catalogProperty("s3.endpoint", endpoint())
        .catalogProperty("s3.path-style-access", "true")
        .catalogProperty("client.region", REGION)
        .catalogProperty("s3.access-key-id", ACCESS_KEY)
        .catalogProperty("s3.secret-access-key", SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
