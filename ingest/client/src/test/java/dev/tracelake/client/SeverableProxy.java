package dev.tracelake.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy for tests that can hold back the server's bytes (so acknowledgements are "lost" in
 * transit) and sever every connection, as a network failure would.
 */
final class SeverableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "severable-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Object gate = new Object();
  // guarded by gate
  private boolean holding;

  SeverableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Stops passing the server's bytes to clients until {@link #releaseResponses()}. */
  void holdResponses() {
    synchronized (gate) {
      holding = true;
    }
  }

  /** Passes the server's bytes again; bytes held for severed connections are dropped. */
  void releaseResponses() {
    synchronized (gate) {
      holding = false;
      gate.notifyAll();
    }
  }

  /** Closes every connection, as a network failure would; new connections are accepted. */
  void severAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // the listener is closed
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        threads.execute(() -> pump(client, server, false));
        threads.execute(() -> pump(server, client, true));
      } catch (IOException e) {
        closeQuietly(client); // no server: the client sees its connection drop, as without us
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromServer) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (fromServer) {
          awaitRelease();
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // a severed or closed connection ends the pump
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void awaitRelease() throws InterruptedException {
    synchronized (gate) {
      while (holding) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    severAll();
    releaseResponses();
    threads.shutdownNow();
  }
}
