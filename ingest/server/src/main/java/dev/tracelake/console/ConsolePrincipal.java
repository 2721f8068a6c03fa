package dev.tracelake.console;

import dev.tracelake.lineage.ValueAccess;
import java.util.Objects;

/**
 * Who asks: the name recorded in exported evidence and the audit log, and the tables whose values
 * they may see. {@link ConsoleAuth} answers it from the token a person signed in with: the server's
 * own token is {@link #LOCAL} and sees every value; an issued token sees what its grants allow.
 *
 * @param name the principal's name, recorded as {@code exportedBy} in evidence bundles
 * @param valueAccess which tables' row values explain and evidence may show them
 */
public record ConsolePrincipal(String name, ValueAccess valueAccess) {
  /** The one principal before access control: whoever holds the console's key on this machine. */
  public static final ConsolePrincipal LOCAL = new ConsolePrincipal("local", ValueAccess.all());

  public ConsolePrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueAccess, "valueAccess");
  }
}
