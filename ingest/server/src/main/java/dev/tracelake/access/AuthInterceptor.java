package dev.tracelake.access;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.tracelake.ingest.GrpcErrors;
import dev.tracelake.ingest.MethodAccess;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.Access;
import dev.tracelake.query.QueryErrorKind;
import dev.tracelake.query.QueryException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every gRPC call ({@code authorization: Bearer <token>}) and authorizes it by the
 * access class the method declares in the contract ({@code option (tracelake.v1.access)}):
 *
 * <ul>
 *   <li>a request naming a table (its {@code table} field, or {@code record.table}) needs the
 *       class's privilege on that table: {@code write} for WRITE, {@code lineage} for LINEAGE,
 *       {@code admin} for ADMIN; READ methods that name a table show metadata (schema, snapshots,
 *       refs), which any privilege on the table allows. Each message of a stream is checked;
 *   <li>a request naming no table needs the privilege somewhere (WRITE: starting runs; LINEAGE:
 *       impact of a run or model, runs), ADMIN on the whole lake, READ only authentication (the
 *       services filter what they return: listings, each table SQL reads);
 *   <li>an undeclared method needs {@code admin} on the whole lake.
 * </ul>
 *
 * Over TLS with client certificates, a call without an {@code authorization} header is the
 * principal its verified certificate names ({@link AccessControl#authenticateCertificate}); a
 * header, when sent, wins and is checked alone.
 *
 * <p>A missing, unknown, expired or revoked token is UNAUTHENTICATED; a missing privilege is
 * PERMISSION_DENIED naming the privilege and the table. The check does not depend on whether the
 * table exists, so a denial tells nothing about tables the caller may not see. Health checks and
 * reflection stay open (probes and tools that list the contract hold no token).
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  private final AccessControl control;
  private final AuditLog audit;

  /**
   * @param audit where calls are recorded, or null for no audit log
   */
  public AuthInterceptor(AccessControl control, AuditLog audit) {
    this.control = Objects.requireNonNull(control, "control");
    this.audit = audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (service != null
        && (service.equals("grpc.health.v1.Health") || service.startsWith("grpc.reflection."))) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    Optional<Principal> principal;
    String certificateRefused = null;
    X509Certificate[] chain = header == null ? peerCertificates(call) : null;
    if (chain != null) {
      // no bearer token, but a client certificate the handshake verified: it names the caller
      // (a token, when sent, wins: the certificate may be a machine's, the token a person's)
      try {
        principal = Optional.of(control.authenticateCertificate(chain));
      } catch (AccessDeniedException e) {
        certificateRefused = e.getMessage();
        principal = Optional.empty();
      }
    } else {
      principal = authenticate(header);
    }
    if (principal.isEmpty()) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              certificateRefused != null
                  ? certificateRefused + "; send 'authorization: Bearer <token>' instead"
                  : "A valid bearer token is required: send 'authorization: Bearer <token>'"
                      + " (missing, unknown, expired or revoked)"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Grants grants = control.grants(principal.get());
    Caller caller = new Caller(principal.get(), grants);
    Access access = MethodAccess.of(call.getMethodDescriptor());
    AuditedCall<Q, R> audited = new AuditedCall<>(call, caller, access, audit);
    Context context = Context.current().withValue(Caller.KEY, caller);
    String denied = coarseDenial(access, grants, requestNamesTable(call));
    if (denied != null) {
      audited.close(denial(denied), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, audited, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      private String checked;

      @Override
      public void onMessage(Q message) {
        if (audited.isClosed()) {
          return; // refused earlier: nothing of this call reaches the service
        }
        String table = tableOf(message);
        audited.request(message, table);
        if (table == null || table.isEmpty()) {
          // a request that could name a table but does not (an impact of a model, a run) needs
          // the privilege somewhere, as a method that never names one does
          String why = coarseDenial(access, grants, false);
          if (why != null) {
            audited.close(denial(why), new Metadata());
            return;
          }
        } else if (!table.equals(checked)) {
          String why = tableDenial(access, grants, caller.principal(), table);
          if (why != null) {
            audited.close(denial(why), new Metadata());
            return;
          }
          checked = table;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!audited.isClosed()) {
          super.onHalfClose();
        }
      }
    };
  }

  private Optional<Principal> authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    try {
      return control.authenticate(header.substring(BEARER.length()).strip());
    } catch (RuntimeException e) {
      // the store could not be reached: no caller is let in unchecked
      LOG.warn("Authentication failed: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** The client's verified certificate chain, or null over plaintext or without one. */
  private static X509Certificate[] peerCertificates(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return null;
    }
    try {
      Certificate[] certificates = session.getPeerCertificates();
      if (certificates.length == 0 || !(certificates[0] instanceof X509Certificate)) {
        return null;
      }
      X509Certificate[] chain = new X509Certificate[certificates.length];
      for (int i = 0; i < certificates.length; i++) {
        if (!(certificates[i] instanceof X509Certificate x)) {
          return null;
        }
        chain[i] = x;
      }
      return chain;
    } catch (SSLPeerUnverifiedException noCertificate) {
      return null;
    }
  }

  private static boolean requestNamesTable(ServerCall<?, ?> call) {
    if (call.getMethodDescriptor().getRequestMarshaller()
            instanceof io.grpc.MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message m) {
      return m.getDescriptorForType().findFieldByName("table") != null
          || m.getDescriptorForType().findFieldByName("record") != null;
    }
    return false;
  }

  /** The denial of a call before any message, or null when it may go on. */
  private static String coarseDenial(Access access, Grants grants, boolean namesTable) {
    if (namesTable) {
      return null; // checked per message, on the table named
    }
    return switch (access) {
      case ACCESS_READ, ACCESS_AUTHENTICATED -> null;
      case ACCESS_WRITE ->
          grants.holdsAnywhere(Privilege.WRITE)
              ? null
              : missing(grants, Privilege.WRITE, "any table");
      case ACCESS_LINEAGE ->
          grants.holdsAnywhere(Privilege.LINEAGE)
              ? null
              : missing(grants, Privilege.LINEAGE, "any table");
      // the service checks admin on the scope the request names (AuthGrpcService)
      case ACCESS_SCOPED_ADMIN ->
          grants.holdsAnywhere(Privilege.ADMIN)
              ? null
              : missing(grants, Privilege.ADMIN, "any namespace or table");
      default ->
          grants.holdsEverywhere(Privilege.ADMIN) ? null : missing(grants, Privilege.ADMIN, "*");
    };
  }

  /** The denial of a request naming {@code tableText}, or null when it may go on. */
  private static String tableDenial(
      Access access, Grants grants, Principal principal, String tableText) {
    TableName table;
    try {
      table = TableName.parse(tableText);
    } catch (LakeException e) {
      return null; // not a table name: the service answers INVALID_ARGUMENT as before
    }
    Privilege needed =
        switch (access) {
          case ACCESS_READ, ACCESS_AUTHENTICATED -> null;
          case ACCESS_WRITE -> Privilege.WRITE;
          case ACCESS_LINEAGE -> Privilege.LINEAGE;
          default -> Privilege.ADMIN;
        };
    if (needed == null) {
      return grants.sees(table) ? null : missing(grants, Privilege.READ, "table " + table);
    }
    return grants.holds(needed, table) ? null : missing(grants, needed, "table " + table);
  }

  private static String missing(Grants grants, Privilege privilege, String on) {
    return "Permission denied: principal '"
        + grants.principal()
        + "' lacks privilege '"
        + privilege.label()
        + "' on "
        + on;
  }

  private static Status denial(String message) {
    return GrpcErrors.toStatus(new QueryException(QueryErrorKind.PERMISSION_DENIED, message))
        .getStatus();
  }

  /** The table a request names: its {@code table} field, or its {@code record}'s. */
  static String tableOf(Object message) {
    if (!(message instanceof Message m)) {
      return null;
    }
    FieldDescriptor f = m.getDescriptorForType().findFieldByName("table");
    if (f != null && f.getType() == FieldDescriptor.Type.STRING && !f.isRepeated()) {
      return (String) m.getField(f);
    }
    FieldDescriptor record = m.getDescriptorForType().findFieldByName("record");
    if (record != null
        && record.getType() == FieldDescriptor.Type.MESSAGE
        && !record.isRepeated()
        && m.hasField(record)) {
      return tableOf(m.getField(record));
    }
    return null;
  }

  /**
   * The call as the service sees it: records its outcome in the audit log, and once refused here,
   * ignores what the service might still send.
   */
  static final class AuditedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Caller caller;
    private final Access access;
    private final AuditLog audit;
    private final AuditRecorder recorder;
    private volatile boolean closed;

    AuditedCall(ServerCall<Q, R> call, Caller caller, Access access, AuditLog audit) {
      super(call);
      this.caller = caller;
      this.access = access;
      this.audit = audit;
      this.recorder =
          audit == null ? null : new AuditRecorder(call.getMethodDescriptor(), caller, access);
    }

    boolean isClosed() {
      return closed;
    }

    void request(Object message, String table) {
      if (recorder != null) {
        recorder.request(message, table);
      }
    }

    @Override
    public void sendMessage(R message) {
      if (closed) {
        return;
      }
      if (recorder != null) {
        AuditEvent now = recorder.response(message);
        if (now != null) {
          audit.record(now);
        }
      }
      super.sendMessage(message);
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (closed) {
        return;
      }
      closed = true;
      if (recorder != null) {
        AuditEvent event = recorder.finish(status);
        if (access == Access.ACCESS_ADMIN
            || access == Access.ACCESS_SCOPED_ADMIN
            || access == Access.ACCESS_UNSPECIFIED) {
          // an admin action is in the log before its caller hears it happened (a failure to
          // write it is logged loudly: the action itself is done and is not reported otherwise)
          audit.recordDurably(event);
        } else {
          audit.record(event);
        }
      }
      super.close(status, trailers);
    }
  }
}
