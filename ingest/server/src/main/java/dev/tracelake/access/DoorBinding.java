package dev.tracelake.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a door may listen. Until access control with per-table privileges and TLS everywhere
 * exists, the PostgreSQL and Iceberg REST doors listen on loopback only, unless the operator says
 * explicitly that a network address is wanted anyway.
 */
public final class DoorBinding {
  private DoorBinding() {}

  /**
   * Checks that {@code host} is a loopback address, or that {@code allowRemote} says otherwise.
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
              + " endpoint listens on loopback only until access control exists; "
              + host
              + " is not a loopback address. Pass "
              + flag
              + " to listen there anyway (one shared token, no per-table privileges), or"
              + " disable the endpoint");
    }
  }
}
