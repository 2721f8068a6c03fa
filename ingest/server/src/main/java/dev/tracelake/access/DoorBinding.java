package dev.tracelake.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a door may listen. Under access control (tokens, per-table grants, the audit log) a door
 * listens where the operator says, as gRPC does. Without it ({@code --insecure-no-auth}) the
 * PostgreSQL and Iceberg REST doors listen on loopback only, unless the operator says explicitly
 * that a network address is wanted anyway: the server token would then read every table.
 */
public final class DoorBinding {
  private DoorBinding() {}

  /**
   * Checks that {@code host} is a loopback address, or that {@code allowRemote} says otherwise (the
   * operator asked for it, or access control is on).
   *
   * @param door the door's name for the message, e.g. {@code PostgreSQL}
   * @param flag the flag that allows a network address, for the message
   * @throws IllegalArgumentException naming the host and the flag when it is not allowed
   */
  public static void check(String door, String host, boolean allowRemote, String flag) {
    if (allowRemote) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "Cannot resolve the address " + host + " for the " + door + " endpoint", e);
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "The "
              + door
              + " endpoint listens on loopback only when access control is off"
              + " (--insecure-no-auth); "
              + host
              + " is not a loopback address. Turn access control on, pass "
              + flag
              + " to listen there anyway (whoever holds the server token reads every table), or"
              + " disable the endpoint");
    }
  }
}
