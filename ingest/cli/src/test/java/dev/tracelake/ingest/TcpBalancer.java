package dev.tracelake.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A layer-4 load balancer for tests, as a Kubernetes Service is: each new connection goes to the
 * next backend in turn that accepts it, so clients reconnecting after a replica dies land on a live
 * one.
 */
final class TcpBalancer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Integer> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "tcp-balancer");
            t.setDaemon(true);
            return t;
          });

  TcpBalancer(List<Integer> backends) throws IOException {
    this.backends = List.copyOf(backends);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  String target() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Socket server = connectToNext();
      if (server == null) {
        close(client);
        continue;
      }
      threads.execute(() -> pump(client, server));
      threads.execute(() -> pump(server, client));
    }
  }

  private Socket connectToNext() {
    for (int tried = 0; tried < backends.size(); tried++) {
      int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
      try {
        return new Socket(InetAddress.getLoopbackAddress(), port);
      } catch (IOException e) {
        // that replica is down: try the next
      }
    }
    return null;
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a closed connection ends the pump
    } finally {
      close(from);
      close(to);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
