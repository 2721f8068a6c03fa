package dev.tracelake.pgwire;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deliberately low-level PostgreSQL client for hostile tests: it sends exactly the bytes a test
 * asks for (wrong lengths, missing NULs, unknown messages) and reads whatever comes back. Its SCRAM
 * client side uses the JDK's PBKDF2, independent of the server's implementation.
 */
final class RawPgClient implements AutoCloseable {
  /** A backend message: type and body. */
  record Message(char type, byte[] body) {
    /** The fields of an ErrorResponse or NoticeResponse by their code. */
    Map<Character, String> fields() {
      Map<Character, String> out = new HashMap<>();
      int i = 0;
      while (i < body.length && body[i] != 0) {
        char code = (char) body[i++];
        int end = i;
        while (body[end] != 0) {
          end++;
        }
        out.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
        i = end + 1;
      }
      return out;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  RawPgClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void sendInt(int v) throws IOException {
    out.writeInt(v);
    out.flush();
  }

  /** Sends a typed message with a correct length. */
  void send(char type, byte[] body) throws IOException {
    out.writeByte(type);
    out.writeInt(body.length + 4);
    out.write(body);
    out.flush();
  }

  void startup(Map<String, String> params) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(196_608);
    for (Map.Entry<String, String> e : params.entrySet()) {
      d.write(cstring(e.getKey()));
      d.write(cstring(e.getValue()));
    }
    d.writeByte(0);
    out.writeInt(b.size() + 4);
    out.write(b.toByteArray());
    out.flush();
  }

  /** Reads one backend message, or null when the server closed the connection. */
  Message read() throws IOException {
    int type;
    try {
      type = in.read();
    } catch (java.net.SocketException e) {
      return null;
    }
    if (type < 0) {
      return null;
    }
    int length = in.readInt();
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new Message((char) type, body);
  }

  /** Reads messages until ReadyForQuery (returned last) or the end of the connection. */
  List<Message> readUntilReady() throws IOException {
    List<Message> messages = new ArrayList<>();
    while (true) {
      Message m;
      try {
        m = read();
      } catch (EOFException e) {
        return messages;
      }
      if (m == null) {
        return messages;
      }
      messages.add(m);
      if (m.type() == 'Z') {
        return messages;
      }
    }
  }

  /** Starts up and authenticates with SCRAM-SHA-256 as {@code user} with {@code password}. */
  List<Message> login(String user, String password) throws Exception {
    startup(Map.of("user", user, "database", "tracelake"));
    Message sasl = read();
    if (sasl.type() != 'R') {
      throw new IllegalStateException("expected authentication request, got " + sasl.type());
    }
    String clientNonce = "rawclientnonce0123456789";
    String clientFirstBare = "n=" + user + ",r=" + clientNonce;
    byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write(cstring("SCRAM-SHA-256"));
    d.writeInt(first.length);
    d.write(first);
    send('p', b.toByteArray());
    Message cont = read();
    String serverFirst = new String(cont.body(), 4, cont.body().length - 4, StandardCharsets.UTF_8);
    Map<String, String> attrs = new HashMap<>();
    for (String part : serverFirst.split(",")) {
      attrs.put(part.substring(0, 1), part.substring(2));
    }
    byte[] salt = Base64.getDecoder().decode(attrs.get("s"));
    int iterations = Integer.parseInt(attrs.get("i"));
    byte[] salted =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
            .getEncoded();
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
    String withoutProof = "c=biws,r=" + attrs.get("r");
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] signature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    send(
        'p',
        (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
            .getBytes(StandardCharsets.UTF_8));
    return readUntilReady();
  }

  private static byte[] hmac(byte[] key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
