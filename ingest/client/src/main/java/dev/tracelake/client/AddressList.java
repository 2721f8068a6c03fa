package dev.tracelake.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed list of {@code host:port} servers as a gRPC name resolver, so one channel balances over
 * several replicas: each host is looked up again whenever the channel asks (after a connection
 * fails), and every address of every host becomes one server of the round-robin.
 */
final class AddressList extends NameResolver.Factory {
  static final String SCHEME = "tracelake-addresses";

  private final List<HostPort> servers;

  record HostPort(String host, int port) {
    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException naming the malformed address
     */
    static HostPort parse(String address) {
      String a = address.trim();
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || colon == a.length() - 1) {
        throw new IllegalArgumentException(
            "Invalid server address '" + address + "': use host:port");
      }
      String host = a.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(a.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid server address '" + address + "': the port is not a number");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "Invalid server address '" + address + "': port " + port + " is out of range");
      }
      return new HostPort(host, port);
    }
  }

  AddressList(List<String> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("Give at least one server address");
    }
    this.servers = addresses.stream().map(HostPort::parse).toList();
  }

  /** The channel target this factory answers to. */
  String target() {
    return SCHEME + ":///servers";
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    return new Resolver(args);
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  private final class Resolver extends NameResolver {
    private final NameResolver.Args args;
    private Listener2 listener;

    Resolver(NameResolver.Args args) {
      this.args = args;
    }

    @Override
    public String getServiceAuthority() {
      HostPort first = servers.get(0);
      return first.host() + ":" + first.port();
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    private void resolve() {
      // looked up off the channel's own thread: a slow DNS answer must not stall the channel
      java.util.concurrent.Executor executor = args.getOffloadExecutor();
      Runnable lookup =
          () -> {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (HostPort s : servers) {
              try {
                for (InetAddress a : InetAddress.getAllByName(s.host())) {
                  groups.add(new EquivalentAddressGroup(new InetSocketAddress(a, s.port())));
                }
              } catch (UnknownHostException e) {
                failed.add(s.host());
              }
            }
            args.getSynchronizationContext()
                .execute(
                    () -> {
                      if (groups.isEmpty()) {
                        listener.onError(
                            Status.UNAVAILABLE.withDescription(
                                "none of the servers' hosts resolves: " + failed));
                        return;
                      }
                      listener.onResult2(
                          ResolutionResult.newBuilder()
                              .setAddressesOrError(StatusOr.fromValue(groups))
                              .build());
                    });
          };
      if (executor == null) {
        lookup.run();
      } else {
        executor.execute(lookup);
      }
    }

    @Override
    public void shutdown() {}
  }
}
