package dev.tracelake.console;

import dev.tracelake.lineage.ValueAccess;
import java.util.Objects;

/**
 * Who asks: the name recorded in exported evidence and the tables whose values they may see. Until
 * access control lands every holder of the console's key is {@link #LOCAL} and sees every value;
 * access control replaces {@link ConsoleAuth}'s answer, and every domain call already takes it.
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
