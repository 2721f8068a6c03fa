package dev.tracelake.access;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which part of a client certificate names its principal ({@code --tls-principal-from}): the
 * subject's common name by default, as Kafka's and Trino's usual mapping rules extract it; or the
 * first e-mail or DNS subject alternative name, for CAs that put the identity there.
 */
public enum CertificatePrincipals {
  /** The subject's (most specific) {@code CN}. */
  CN,
  /** The first {@code rfc822Name} subject alternative name. */
  SAN_EMAIL,
  /** The first {@code dNSName} subject alternative name. */
  SAN_DNS;

  private static final int SAN_EMAIL_TYPE = 1;
  private static final int SAN_DNS_TYPE = 2;

  /** The setting's spelling: {@code cn}, {@code san-email} or {@code san-dns}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@code cn}, {@code san-email} or {@code san-dns}.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static CertificatePrincipals parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (CertificatePrincipals p : values()) {
      if (p.label().equals(t)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Setting tls-principal-from must be cn, san-email or san-dns, got '"
            + AccessNames.cap(text)
            + "'");
  }

  /** The name this part of {@code certificate} gives, or empty when it has none. */
  public Optional<String> nameOf(X509Certificate certificate) {
    return switch (this) {
      case CN -> commonName(certificate);
      case SAN_EMAIL -> alternativeName(certificate, SAN_EMAIL_TYPE);
      case SAN_DNS -> alternativeName(certificate, SAN_DNS_TYPE);
    };
  }

  private static Optional<String> commonName(X509Certificate certificate) {
    try {
      List<Rdn> rdns =
          new LdapName(certificate.getSubjectX500Principal().getName("RFC2253")).getRdns();
      // LdapName lists the most significant RDN first: the last CN is the most specific
      String found = null;
      for (Rdn rdn : rdns) {
        if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String s) {
          found = s;
        }
      }
      return Optional.ofNullable(found);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> alternativeName(X509Certificate certificate, int type) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      for (List<?> n : names) {
        if (n.size() >= 2
            && n.get(0) instanceof Integer t
            && t == type
            && n.get(1) instanceof String s) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }
}
