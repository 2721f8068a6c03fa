package dev.tracelake.console;

import dev.tracelake.lineage.ValueAccess;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Who asks: the name recorded in exported evidence and the audit log, and the tables whose values
 * they may see. {@link ConsoleAuth} answers it from the token a person signed in with: the server's
 * own token is {@link #LOCAL} and sees every value; an issued token sees what its grants allow.
 *
 * @param name the principal's name, recorded as {@code exportedBy} in evidence bundles
 * @param valueAccess which tables' row values explain and evidence may show them
 * @param sees which tables they may know exist (any privilege on them); a table they may not see
 *     answers as a missing one
 */
public record ConsolePrincipal(String name, ValueAccess valueAccess, Predicate<String> sees) {
  /** The one principal before access control: whoever holds the console's key on this machine. */
  public static final ConsolePrincipal LOCAL = new ConsolePrincipal("local", ValueAccess.all());

  public ConsolePrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueAccess, "valueAccess");
    Objects.requireNonNull(sees, "sees");
  }

  /** A principal that sees exactly the tables whose values it may read. */
  public ConsolePrincipal(String name, ValueAccess valueAccess) {
    this(name, valueAccess, valueAccess::mayRead);
  }
}
