package dev.tracelake.query;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The kernel's half of the SQL sandbox: Linux Landlock confines a thread so that it can create,
 * write, truncate, remove, link or rename no file outside one directory (the engine's spill root)
 * and can open no TCP connection. Threads it creates afterwards (DuckDB's workers) are confined
 * too, and nothing can lift it. It holds for root as well: Landlock is not a permission check that
 * capabilities bypass.
 *
 * <p>Every call into a query's DuckDB database runs on a confined thread ({@link SandboxThreads}),
 * so whatever statement gets past {@link StatementGuard} and DuckDB's own confinement, DuckDB
 * cannot change a committed data file, the catalog or anything else outside its spill directory,
 * nor reach an object store. Reads are not restricted here; DuckDB's {@code allowed_paths} confine
 * them.
 *
 * <p>Needs Linux 5.13 or later with Landlock enabled (Debian 12, Ubuntu 22.04 and later do), on
 * x86-64 or arm64; {@link #probe()} says why it is missing otherwise.
 */
final class FileWriteBarrier {
  // generic system call numbers, the same on x86-64 and arm64
  private static final long SYS_CREATE_RULESET = 444;
  private static final long SYS_ADD_RULE = 445;
  private static final long SYS_RESTRICT_SELF = 446;
  private static final long CREATE_RULESET_VERSION = 1;
  private static final long RULE_PATH_BENEATH = 1;
  private static final int PR_SET_NO_NEW_PRIVS = 38;
  private static final int O_PATH = 010000000;
  private static final int O_CLOEXEC = 02000000;

  private static final long WRITE_FILE = 1L << 1;
  private static final long REMOVE_DIR = 1L << 4;
  private static final long REMOVE_FILE = 1L << 5;
  private static final long MAKE_CHAR = 1L << 6;
  private static final long MAKE_DIR = 1L << 7;
  private static final long MAKE_REG = 1L << 8;
  private static final long MAKE_SOCK = 1L << 9;
  private static final long MAKE_FIFO = 1L << 10;
  private static final long MAKE_BLOCK = 1L << 11;
  private static final long MAKE_SYM = 1L << 12;
  private static final long REFER = 1L << 13; // ABI 2: link or rename across directories
  private static final long TRUNCATE = 1L << 14; // ABI 3
  private static final long NET_BIND_TCP = 1L << 0; // ABI 4
  private static final long NET_CONNECT_TCP = 1L << 1; // ABI 4

  private static final AtomicReference<FileWriteBarrier> PROBED = new AtomicReference<>();

  private final int abi;
  private final String unavailableReason;
  private final Function syscall;
  private final Function prctl;
  private final Function open;
  private final Function close;

  private FileWriteBarrier(int abi, String unavailableReason, NativeLibrary libc) {
    this.abi = abi;
    this.unavailableReason = unavailableReason;
    this.syscall = libc == null ? null : libc.getFunction("syscall");
    this.prctl = libc == null ? null : libc.getFunction("prctl");
    this.open = libc == null ? null : libc.getFunction("open");
    this.close = libc == null ? null : libc.getFunction("close");
  }

  /** Finds out, once per JVM, whether this kernel can confine threads. */
  static FileWriteBarrier probe() {
    FileWriteBarrier known = PROBED.get();
    if (known != null) {
      return known;
    }
    FileWriteBarrier probed = detect();
    PROBED.compareAndSet(null, probed);
    return PROBED.get();
  }

  private static FileWriteBarrier detect() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return unavailable("Landlock exists only on Linux; this is " + System.getProperty("os.name"));
    }
    if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
      return unavailable("Landlock system calls are wired for x86-64 and arm64; this is " + arch);
    }
    NativeLibrary libc;
    try {
      libc = NativeLibrary.getInstance("c");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return unavailable("cannot load the C library through JNA: " + e.getMessage());
    }
    Function syscall = libc.getFunction("syscall");
    long version =
        syscall.invokeLong(new Object[] {SYS_CREATE_RULESET, 0L, 0L, CREATE_RULESET_VERSION});
    if (version < 1) {
      int errno = Native.getLastError();
      String why =
          errno == 38 // ENOSYS
              ? "the kernel has no Landlock (Linux 5.13 or later is needed)"
              : errno == 95 // EOPNOTSUPP
                  ? "Landlock is disabled at boot (add landlock to the kernel's lsm= list)"
                  : "landlock_create_ruleset failed with errno " + errno;
      return unavailable(why);
    }
    return new FileWriteBarrier((int) version, null, libc);
  }

  private static FileWriteBarrier unavailable(String reason) {
    return new FileWriteBarrier(0, reason, null);
  }

  /** Returns whether threads can be confined here. */
  boolean available() {
    return unavailableReason == null;
  }

  /** Returns why threads cannot be confined here; null when they can. */
  String unavailableReason() {
    return unavailableReason;
  }

  /** Returns the kernel's Landlock ABI version; 0 when unavailable. */
  int abi() {
    return abi;
  }

  /**
   * Confines the calling thread, and every thread it creates from now on, to writing beneath {@code
   * writableRoot} only, with no TCP connections (where the kernel supports that).
   *
   * @throws IllegalStateException when the barrier is unavailable or the kernel refuses
   */
  void confineCurrentThread(Path writableRoot) {
    if (!available()) {
      throw new IllegalStateException("Cannot confine SQL threads: " + unavailableReason);
    }
    long handledFs =
        WRITE_FILE
            | REMOVE_DIR
            | REMOVE_FILE
            | MAKE_CHAR
            | MAKE_DIR
            | MAKE_REG
            | MAKE_SOCK
            | MAKE_FIFO
            | MAKE_BLOCK
            | MAKE_SYM
            | (abi >= 2 ? REFER : 0)
            | (abi >= 3 ? TRUNCATE : 0);
    long handledNet = abi >= 4 ? NET_BIND_TCP | NET_CONNECT_TCP : 0;
    int attrSize = abi >= 4 ? 16 : 8;
    Memory attr = new Memory(16);
    attr.setLong(0, handledFs);
    attr.setLong(8, handledNet);
    long ruleset = sys(SYS_CREATE_RULESET, Pointer.nativeValue(attr), attrSize, 0L);
    if (ruleset < 0) {
      throw failure("landlock_create_ruleset");
    }
    try {
      int dir = open.invokeInt(new Object[] {writableRoot.toString(), O_PATH | O_CLOEXEC});
      if (dir < 0) {
        throw failure("open " + writableRoot);
      }
      try {
        // within the spill root: everything but linking or renaming across directories
        Memory rule = new Memory(12);
        rule.setLong(0, handledFs & ~REFER);
        rule.setInt(8, dir);
        if (sys(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, Pointer.nativeValue(rule), 0L) != 0) {
          throw failure("landlock_add_rule " + writableRoot);
        }
      } finally {
        close.invokeInt(new Object[] {dir});
      }
      // required for an unprivileged process; it only stops exec from gaining privileges
      if (prctl.invokeInt(new Object[] {PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L}) != 0) {
        throw failure("prctl(PR_SET_NO_NEW_PRIVS)");
      }
      if (sys(SYS_RESTRICT_SELF, ruleset, 0L) != 0) {
        throw failure("landlock_restrict_self");
      }
    } finally {
      close.invokeInt(new Object[] {(int) ruleset});
    }
  }

  /**
   * Checks on a throwaway thread that a confined thread really cannot write outside {@code
   * writableRoot} but can write beneath it: a kernel or container that accepts the calls but
   * enforces nothing must not pass for a barrier.
   *
   * @throws IllegalStateException when the check fails
   */
  void verify(Path writableRoot, Path outside) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                confineCurrentThread(writableRoot);
                Path inside = Files.createTempFile(writableRoot, "barrier-check", ".tmp");
                Files.delete(inside);
                try {
                  Path escaped = Files.createTempFile(outside, "barrier-check", ".tmp");
                  Files.deleteIfExists(escaped);
                  failure.set(
                      new IllegalStateException(
                          "a confined thread could still create "
                              + escaped
                              + "; Landlock is not"
                              + " enforced here"));
                } catch (AccessDeniedException expected) {
                  // the barrier holds
                }
              } catch (IOException | RuntimeException e) {
                failure.set(e);
              }
            },
            "tracelake-sql-barrier-check");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while checking the SQL file barrier", e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "The SQL file barrier does not hold: " + failure.get().getMessage(),
          new ExecutionException(failure.get()));
    }
  }

  private long sys(long... args) {
    Object[] boxed = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      boxed[i] = args[i];
    }
    return syscall.invokeLong(boxed);
  }

  private static IllegalStateException failure(String call) {
    return new IllegalStateException(
        "Cannot confine SQL threads: " + call + " failed with errno " + Native.getLastError());
  }
}
