package dev.tracelake.pgwire;

import dev.tracelake.access.Principal;
import dev.tracelake.access.ScramVerifier;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: startup (SSL negotiation, protocol version, parameters), SCRAM-SHA-256
 * authentication, then the simple and extended query protocols until Terminate. Runs on its own
 * thread; only {@link #cancelRunning()} and {@link #shutdown()} are called from others.
 */
final class PgConnection {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
  private static final int PROTOCOL_3_0 = 196_608;
  private static final int SSL_REQUEST = 80_877_103;
  private static final int GSSENC_REQUEST = 80_877_104;
  private static final int CANCEL_REQUEST = 80_877_102;
  private static final int MAX_PREPARED = 1_000;
  private static final int MAX_PORTALS = 64;

  private final int pid;
  private final int secretKey;
  private final PgServer.Dependencies deps;
  private final PgServer server;
  private Socket socket;
  private PgInput in;
  private PgOutput out;
  private PgSession session;
  private final Map<String, Prepared> prepared = new HashMap<>();
  private final Map<String, Portal> portals = new LinkedHashMap<>();
  private boolean skipUntilSync;
  private volatile boolean shuttingDown;

  /** A parsed statement: its text and the parameter types the client declared. */
  private record Prepared(String sql, List<Integer> paramTypes, int paramCount) {}

  /** A bound statement and, once it ran, its result. */
  private static final class Portal {
    final Prepared statement;
    final String sql;
    final List<Integer> resultFormats;
    StatementResult result;
    boolean started;

    Portal(Prepared statement, String sql, List<Integer> resultFormats) {
      this.statement = statement;
      this.sql = sql;
      this.resultFormats = resultFormats;
    }
  }

  PgConnection(Socket socket, int pid, PgServer.Dependencies deps, PgServer server) {
    this.socket = socket;
    this.pid = pid;
    this.secretKey = deps.random().nextInt();
    this.deps = deps;
    this.server = server;
  }

  int secretKey() {
    return secretKey;
  }

  void cancelRunning() {
    PgSession s = session;
    if (s != null) {
      s.cancel();
    }
  }

  /** Ends the connection from another thread (server shutdown). */
  void shutdown() {
    shuttingDown = true;
    cancelRunning();
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("Closing connection {}: {}", pid, e.getMessage());
    }
  }

  void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.setSoTimeout((int) deps.config().authenticationTimeout().toMillis());
      openStreams();
      Map<String, String> parameters = startup();
      if (parameters == null) {
        return; // a cancel request or a client that went away
      }
      Principal principal = authenticate(parameters);
      socket.setSoTimeout(0);
      server.registered(pid, this);
      session =
          new PgSession(
              deps.engine(),
              deps.lake(),
              deps.access(),
              principal,
              deps.ids(),
              pid,
              new SessionSettings(principal.user()));
      applyStartupParameters(parameters);
      sendReady();
      loop();
    } catch (SocketTimeoutException e) {
      sendFatal(PgException.fatal("08006", "timeout while starting up or authenticating"));
    } catch (PgException e) {
      sendFatal(e);
    } catch (IOException e) {
      if (!PgServer.isDisconnect(e) && !shuttingDown) {
        LOG.debug("Connection {} failed: {}", pid, e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.error("Connection {} failed unexpectedly", pid, e);
      sendFatal(PgException.fatal("XX000", "internal error; see the server log"));
    } finally {
      closePortals(true);
      try {
        socket.close();
      } catch (IOException e) {
        // the connection is over either way
      }
    }
  }

  private void openStreams() throws IOException {
    in =
        new PgInput(
            new BufferedInputStream(socket.getInputStream(), 16 * 1024),
            deps.config().maxMessageBytes());
    out = new PgOutput(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
  }

  /** Reads startup packets until a protocol 3 startup; returns null for a cancel request. */
  private Map<String, String> startup() throws IOException {
    boolean negotiatedTls = false;
    while (true) {
      PgInput.Body body;
      try {
        body = in.readStartup();
      } catch (EOFException e) {
        return null;
      }
      int code = body.int32();
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        if (body.remaining() != 0 || negotiatedTls) {
          throw PgException.protocol("Invalid SSL or GSS negotiation request");
        }
        if (code == SSL_REQUEST && deps.config().tls() != null) {
          socket.getOutputStream().write('S');
          socket.getOutputStream().flush();
          SSLSocket tls =
              (SSLSocket)
                  deps.config()
                      .tls()
                      .getSocketFactory()
                      .createSocket(
                          socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
          tls.setUseClientMode(false);
          // TLS 1.2 and 1.3 only, whatever the JDK's configuration still allows
          tls.setEnabledProtocols(
              java.util.Arrays.stream(tls.getEnabledProtocols())
                  .filter(p -> p.equals("TLSv1.3") || p.equals("TLSv1.2"))
                  .toArray(String[]::new));
          tls.startHandshake();
          socket = tls;
          openStreams();
          negotiatedTls = true;
        } else {
          socket.getOutputStream().write('N');
          socket.getOutputStream().flush();
        }
        continue;
      }
      if (code == CANCEL_REQUEST) {
        if (body.remaining() != 8) {
          throw PgException.protocol("Invalid cancel request of %d bytes", body.remaining() + 8);
        }
        server.cancel(body.int32(), body.int32());
        return null;
      }
      int major = code >>> 16;
      int minor = code & 0xffff;
      if (major != 3) {
        throw PgException.fatal(
            PgException.FEATURE_NOT_SUPPORTED,
            String.format(
                "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor));
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      List<String> unrecognizedOptions = new ArrayList<>();
      while (true) {
        String name = body.cstring();
        if (name.isEmpty()) {
          break;
        }
        String value = body.cstring();
        if (name.startsWith("_pq_.")) {
          unrecognizedOptions.add(name);
        } else {
          parameters.put(name, value);
        }
      }
      if (body.remaining() != 0) {
        throw PgException.protocol(
            "Invalid startup packet: %d bytes after the parameters", body.remaining());
      }
      if (!parameters.containsKey("user") || parameters.get("user").isEmpty()) {
        throw PgException.fatal(
            PgException.INVALID_AUTHORIZATION,
            "no PostgreSQL user name specified in startup packet");
      }
      if (minor > 0 || !unrecognizedOptions.isEmpty()) {
        // a newer client: tell it which version and options we speak, as PostgreSQL does
        out.begin('v').int32(PROTOCOL_3_0).int32(unrecognizedOptions.size());
        for (String o : unrecognizedOptions) {
          out.cstring(o);
        }
        out.end();
      }
      return parameters;
    }
  }

  private Principal authenticate(Map<String, String> parameters) throws IOException {
    String user = parameters.get("user");
    if (deps.authenticator().wantsPassword(user)
        && (socket instanceof SSLSocket || socket.getInetAddress().isLoopbackAddress())) {
      return authenticateByPassword(user);
    }
    Optional<ScramVerifier> known = deps.authenticator().scramVerifier(user);
    // an unknown user runs the same exchange against a made-up verifier and fails at the end
    ScramVerifier verifier =
        known.orElseGet(
            () -> ScramVerifier.derive(Long.toString(deps.random().nextLong()), deps.random()));
    out.begin('R').int32(10).cstring(ScramExchange.MECHANISM).byte1(0).end();
    out.flush();
    PgInput.Message first = in.read();
    if (first.type() != 'p') {
      throw PgException.fatal(
          PgException.PROTOCOL_VIOLATION,
          "expected a SASL response, got message '" + PgInput.printable(first.type()) + "'");
    }
    String mechanism = first.body().cstring();
    if (!mechanism.equals(ScramExchange.MECHANISM)) {
      throw PgException.fatal(
          PgException.PROTOCOL_VIOLATION,
          "client selected an invalid SASL authentication mechanism '" + mechanism + "'");
    }
    int length = first.body().int32();
    if (length < 0 || length != first.body().remaining()) {
      throw PgException.protocol("Invalid SASL initial response length %d", length);
    }
    ScramExchange exchange = new ScramExchange(verifier, deps.random());
    String serverFirst =
        exchange.clientFirst(new String(first.body().rest(), StandardCharsets.UTF_8));
    out.begin('R').int32(11).bytes(serverFirst.getBytes(StandardCharsets.UTF_8)).end();
    out.flush();
    PgInput.Message fin = in.read();
    if (fin.type() != 'p') {
      throw PgException.fatal(
          PgException.PROTOCOL_VIOLATION,
          "expected a SASL response, got message '" + PgInput.printable(fin.type()) + "'");
    }
    String serverFinal =
        exchange.clientFinal(new String(fin.body().rest(), StandardCharsets.UTF_8));
    if (serverFinal == null || known.isEmpty()) {
      LOG.info(
          "PostgreSQL authentication failed for user '{}' from {}", user, socket.getInetAddress());
      throw PgException.fatal(
          PgException.INVALID_PASSWORD,
          "password authentication failed for user \""
              + user
              + "\" (the password is the server"
              + " token)");
    }
    out.begin('R').int32(12).bytes(serverFinal.getBytes(StandardCharsets.UTF_8)).end();
    out.begin('R').int32(0).end();
    return deps.authenticator().scramPrincipal(user);
  }

  /**
   * PostgreSQL's {@code password} method: the client sends its secret (an OIDC token) as a
   * cleartext password, which only ever travels inside TLS or over loopback, and the authenticator
   * checks it as a bearer token.
   */
  private Principal authenticateByPassword(String user) throws IOException {
    out.begin('R').int32(3).end();
    out.flush();
    PgInput.Message reply = in.read();
    if (reply.type() != 'p') {
      throw PgException.fatal(
          PgException.PROTOCOL_VIOLATION,
          "expected a password response, got message '" + PgInput.printable(reply.type()) + "'");
    }
    String password = reply.body().cstring();
    Optional<Principal> principal = deps.authenticator().authenticateToken(user, password);
    if (principal.isEmpty()) {
      LOG.info(
          "PostgreSQL authentication failed for user '{}' from {}", user, socket.getInetAddress());
      throw PgException.fatal(
          PgException.INVALID_PASSWORD,
          "password authentication failed for user \""
              + user
              + "\" (the password is a token: the server token, an issued token or an OIDC"
              + " token)");
    }
    out.begin('R').int32(0).end();
    return principal.get();
  }

  private void applyStartupParameters(Map<String, String> parameters) throws IOException {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String name = p.getKey();
      if (name.equals("user") || name.equals("database") || name.equals("replication")) {
        continue;
      }
      if (name.equals("options")) {
        continue; // command-line options (-c name=value) are not applied
      }
      try {
        session.settings().set(name, p.getValue());
      } catch (PgException e) {
        if (e.sqlState().equals(PgException.UNDEFINED_OBJECT)) {
          continue; // PostgreSQL refuses unknown startup settings; clients send harmless extras
        }
        throw PgException.fatal(e.sqlState(), e.getMessage());
      }
    }
    for (String name : SessionSettings.REPORTED) {
      parameterStatus(name, session.settings().get(name));
    }
    out.begin('K').int32(pid).int32(secretKey).end();
  }

  private void loop() throws IOException {
    while (true) {
      PgInput.Message m;
      try {
        m = in.read();
      } catch (EOFException e) {
        return;
      }
      if (skipUntilSync && m.type() != 'S' && m.type() != 'X') {
        continue;
      }
      try {
        switch (m.type()) {
          case 'Q' -> simpleQuery(m.body());
          case 'P' -> parse(m.body());
          case 'B' -> bind(m.body());
          case 'D' -> describe(m.body());
          case 'E' -> execute(m.body());
          case 'C' -> close(m.body());
          case 'S' -> sync();
          case 'H' -> out.flush();
          case 'X' -> {
            return;
          }
          case 'F' ->
              throw new PgException(
                  PgException.FEATURE_NOT_SUPPORTED, "function calls are not supported");
          case 'd', 'c', 'f' ->
              throw new PgException(
                  PgException.FEATURE_NOT_SUPPORTED,
                  "COPY is not supported: Tracelake is read-only");
          default ->
              throw PgException.protocol(
                  "invalid frontend message type '%s'", PgInput.printable(m.type()));
        }
      } catch (PgException e) {
        if (e.isFatal()) {
          throw e;
        }
        session.failed();
        writeError(out, "ERROR", e);
        if (m.type() == 'Q' || m.type() == 'F') {
          sendReady();
        } else {
          skipUntilSync = true;
        }
      }
    }
  }

  private void simpleQuery(PgInput.Body body) throws IOException {
    String sql = body.cstring();
    closePortal("");
    List<String> statements = SqlLexer.splitStatements(sql);
    if (statements.isEmpty()) {
      out.begin('I').end();
      sendReady();
      return;
    }
    for (String statement : statements) {
      StatementResult result = run(statement);
      try {
        if (result == null) {
          out.begin('I').end();
          continue;
        }
        reportSettings();
        if (result.columns() != null) {
          rowDescription(result.columns(), List.of());
          try {
            result.send(out, 0, List.of(), session.settings().zone());
          } catch (dev.tracelake.query.QueryException e) {
            throw PgErrors.translate(e, statement);
          }
        }
        complete(result.tag());
      } finally {
        if (result != null) {
          result.close();
        }
      }
    }
    sendReady();
  }

  private StatementResult run(String sql) {
    return session.execute(sql);
  }

  private void parse(PgInput.Body body) throws IOException {
    String name = body.cstring();
    String sql = body.cstring();
    int n = body.int16();
    if (n < 0) {
      throw PgException.protocol("Invalid parameter type count %d", n);
    }
    List<Integer> types = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      types.add(body.int32());
    }
    if (!name.isEmpty() && prepared.containsKey(name)) {
      throw new PgException(
          PgException.DUPLICATE_PREPARED_STATEMENT,
          "prepared statement \"" + name + "\" already exists");
    }
    if (prepared.size() >= MAX_PREPARED && !prepared.containsKey(name)) {
      throw new PgException(
          PgException.PROGRAM_LIMIT,
          "too many prepared statements (" + MAX_PREPARED + "); close or deallocate some");
    }
    if (SqlLexer.splitStatements(sql).size() > 1) {
      throw new PgException("42601", "cannot insert multiple commands into a prepared statement");
    }
    int count = Math.max(SqlParameters.count(sql), types.size());
    prepared.put(name, new Prepared(sql, List.copyOf(types), count));
    out.begin('1').end();
  }

  private void bind(PgInput.Body body) throws IOException {
    String portalName = body.cstring();
    String statementName = body.cstring();
    Prepared statement = prepared.get(statementName);
    if (statement == null) {
      throw new PgException(
          PgException.INVALID_STATEMENT_NAME,
          "prepared statement \"" + statementName + "\" does not exist");
    }
    List<Integer> formats = shorts(body, "parameter format");
    int n = body.int16();
    if (n != statement.paramCount()) {
      throw new PgException(
          PgException.PROTOCOL_VIOLATION,
          String.format(
              "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
              n, statementName, statement.paramCount()));
    }
    if (formats.size() > 1 && formats.size() != n) {
      throw new PgException(
          PgException.PROTOCOL_VIOLATION,
          String.format(
              "bind message has %d parameter formats but %d parameters", formats.size(), n));
    }
    List<byte[]> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int length = body.int32();
      values.add(length == -1 ? null : body.bytes(length));
    }
    List<Integer> resultFormats = shorts(body, "result format");
    for (int f : resultFormats) {
      if (f != 0 && f != 1) {
        throw PgException.protocol("invalid result format code %d", f);
      }
    }
    String sql = SqlParameters.bind(statement.sql(), statement.paramTypes(), formats, values);
    if (!portalName.isEmpty() && portals.containsKey(portalName)) {
      throw new PgException("42P03", "portal \"" + portalName + "\" already exists");
    }
    closePortal(portalName);
    if (portals.size() >= MAX_PORTALS) {
      throw new PgException(
          PgException.PROGRAM_LIMIT, "too many open portals (" + MAX_PORTALS + ")");
    }
    portals.put(portalName, new Portal(statement, sql, resultFormats));
    out.begin('2').end();
  }

  private static List<Integer> shorts(PgInput.Body body, String what) {
    int n = body.int16();
    if (n < 0) {
      throw PgException.protocol("Invalid %s count %d", what, n);
    }
    List<Integer> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int f = body.int16();
      if (f != 0 && f != 1) {
        throw PgException.protocol("invalid %s code %d", what, f);
      }
      values.add(f);
    }
    return values;
  }

  private void describe(PgInput.Body body) throws IOException {
    int kind = body.byte1();
    String name = body.cstring();
    if (kind == 'S') {
      Prepared statement = prepared.get(name);
      if (statement == null) {
        throw new PgException(
            PgException.INVALID_STATEMENT_NAME,
            "prepared statement \"" + name + "\" does not exist");
      }
      out.begin('t').int16(statement.paramCount());
      for (int i = 0; i < statement.paramCount(); i++) {
        int declared = i < statement.paramTypes().size() ? statement.paramTypes().get(i) : 0;
        out.int32(declared == 0 ? PgType.TEXT.oid() : declared);
      }
      out.end();
      // the row shape is known only by running the statement: run it with NULL parameters
      List<byte[]> nulls = new ArrayList<>();
      for (int i = 0; i < statement.paramCount(); i++) {
        nulls.add(null);
      }
      String sql = SqlParameters.bind(statement.sql(), statement.paramTypes(), List.of(), nulls);
      try (StatementResult r = run(sql)) {
        if (r == null || r.columns() == null) {
          out.begin('n').end();
        } else {
          rowDescription(r.columns(), List.of());
        }
      }
      session.drainChangedSettings();
    } else if (kind == 'P') {
      Portal portal = portals.get(name);
      if (portal == null) {
        throw new PgException(
            PgException.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
      }
      start(portal);
      if (portal.result == null || portal.result.columns() == null) {
        out.begin('n').end();
      } else {
        checkFormats(portal);
        rowDescription(portal.result.columns(), portal.resultFormats);
      }
    } else {
      throw PgException.protocol("invalid DESCRIBE message subtype %d", kind);
    }
  }

  private void start(Portal portal) throws IOException {
    if (!portal.started) {
      portal.started = true;
      portal.result = run(portal.sql);
      reportSettings();
    }
  }

  private void checkFormats(Portal portal) {
    int columns = portal.result.columns().size();
    if (portal.resultFormats.size() > 1 && portal.resultFormats.size() != columns) {
      throw PgException.protocol(
          "bind message has %d result formats but query has %d columns",
          portal.resultFormats.size(), columns);
    }
  }

  private void execute(PgInput.Body body) throws IOException {
    String name = body.cstring();
    int max = body.int32();
    Portal portal = portals.get(name);
    if (portal == null) {
      throw new PgException(
          PgException.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
    }
    start(portal);
    StatementResult result = portal.result;
    if (result == null) {
      out.begin('I').end();
      return;
    }
    if (result.columns() != null) {
      checkFormats(portal);
      boolean more;
      try {
        more = result.send(out, max, portal.resultFormats, session.settings().zone());
      } catch (dev.tracelake.query.QueryException e) {
        closePortal(name);
        throw PgErrors.translate(e, portal.sql);
      }
      if (more) {
        out.begin('s').end();
        return;
      }
    }
    complete(result.tag());
  }

  private void close(PgInput.Body body) throws IOException {
    int kind = body.byte1();
    String name = body.cstring();
    if (kind == 'S') {
      prepared.remove(name);
    } else if (kind == 'P') {
      closePortal(name);
    } else {
      throw PgException.protocol("invalid CLOSE message subtype %d", kind);
    }
    out.begin('3').end();
  }

  private void sync() throws IOException {
    skipUntilSync = false;
    // portals live until the end of the transaction: at once outside a transaction block
    closePortals(session.transaction() == PgSession.Transaction.IDLE);
    sendReady();
  }

  private void closePortal(String name) {
    Portal p = portals.remove(name);
    if (p != null && p.result != null) {
      p.result.close();
    }
  }

  private void closePortals(boolean all) {
    if (all) {
      for (Portal p : portals.values()) {
        if (p.result != null) {
          p.result.close();
        }
      }
      portals.clear();
    } else {
      closePortal("");
    }
  }

  private void rowDescription(List<PgColumn> columns, List<Integer> formats) throws IOException {
    out.begin('T').int16(columns.size());
    for (int c = 0; c < columns.size(); c++) {
      PgColumn col = columns.get(c);
      out.cstring(col.name())
          .int32(0)
          .int16(0)
          .int32(col.type().oid())
          .int16(col.type().length() > 0 ? col.type().length() : -1)
          .int32(col.typmod())
          .int16(StatementResult.format(formats, c));
    }
    out.end();
  }

  private void complete(String tag) throws IOException {
    out.begin('C').cstring(tag).end();
    if (tag.equals("COMMIT") || tag.equals("ROLLBACK")) {
      closePortals(true);
    }
  }

  private void reportSettings() throws IOException {
    for (Map.Entry<String, String> e : session.drainChangedSettings().entrySet()) {
      parameterStatus(e.getKey(), e.getValue());
    }
  }

  private void parameterStatus(String name, String value) throws IOException {
    out.begin('S').cstring(name).cstring(value == null ? "" : value).end();
  }

  private void sendReady() throws IOException {
    out.begin('Z').byte1(session.transaction().code).end();
    out.flush();
  }

  private void sendFatal(PgException e) {
    if (out == null || shuttingDown) {
      return;
    }
    try {
      writeError(out, "FATAL", e);
      out.flush();
    } catch (IOException | RuntimeException ignored) {
      // the client is gone; nothing more to tell it
    }
  }

  /** Writes an ErrorResponse: severity, SQLSTATE, message and, when known, the position. */
  static void writeError(PgOutput out, String severity, PgException e) throws IOException {
    String message = e.getMessage() == null ? "error" : e.getMessage();
    if (message.length() > 4000) {
      message = message.substring(0, 4000) + "...";
    }
    out.begin('E');
    out.byte1('S').cstring(severity);
    out.byte1('V').cstring(severity);
    out.byte1('C').cstring(e.sqlState());
    out.byte1('M').cstring(message);
    if (e.position() > 0) {
      out.byte1('P').cstring(Integer.toString(e.position()));
    }
    out.byte1(0);
    out.end();
  }
}
