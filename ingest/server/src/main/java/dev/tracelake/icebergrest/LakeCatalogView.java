package dev.tracelake.icebergrest;

import dev.tracelake.lake.Lake;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.view.View;
import org.apache.iceberg.view.ViewBuilder;

/**
 * The lake's catalog as the REST door may see it: the one place the door reaches Iceberg's catalog,
 * and read-only. Every method that would change the catalog throws {@link ForbiddenException}, a
 * second wall behind the router, which already refuses every write before it gets here.
 */
final class LakeCatalogView implements Catalog, SupportsNamespaces, ViewCatalog {
  static final String WRITES_REFUSED =
      "Tracelake's Iceberg REST catalog is read-only: writes go through Tracelake's ingest API"
          + " (gRPC IngestService, the Java client or `tracelake load`), which records provenance"
          + " and lineage in every snapshot and commits each writer offset exactly once";

  private final Catalog catalog;

  LakeCatalogView(Lake lake) {
    this.catalog = lake.icebergCatalog();
  }

  private SupportsNamespaces namespaces() {
    return (SupportsNamespaces) catalog;
  }

  @Override
  public String name() {
    return catalog.name();
  }

  @Override
  public List<TableIdentifier> listTables(Namespace namespace) {
    return catalog.listTables(namespace);
  }

  @Override
  public Table loadTable(TableIdentifier identifier) {
    return catalog.loadTable(identifier);
  }

  @Override
  public boolean tableExists(TableIdentifier identifier) {
    return catalog.tableExists(identifier);
  }

  @Override
  public List<Namespace> listNamespaces(Namespace namespace) {
    return namespaces().listNamespaces(namespace);
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(Namespace namespace) {
    return namespaces().loadNamespaceMetadata(namespace);
  }

  @Override
  public boolean namespaceExists(Namespace namespace) {
    return namespaces().namespaceExists(namespace);
  }

  @Override
  public List<TableIdentifier> listViews(Namespace namespace) {
    if (catalog instanceof ViewCatalog views) {
      return views.listViews(namespace);
    }
    if (!namespaceExists(namespace)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
    }
    return List.of();
  }

  @Override
  public View loadView(TableIdentifier identifier) {
    if (catalog instanceof ViewCatalog views) {
      return views.loadView(identifier);
    }
    throw new NoSuchViewException("View does not exist: %s", identifier);
  }

  @Override
  public boolean viewExists(TableIdentifier identifier) {
    return catalog instanceof ViewCatalog views && views.viewExists(identifier);
  }

  // --- everything below would change the catalog ---------------------------------------------

  @Override
  public Table createTable(
      TableIdentifier identifier,
      Schema schema,
      org.apache.iceberg.PartitionSpec spec,
      String location,
      Map<String, String> properties) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public TableBuilder buildTable(TableIdentifier identifier, Schema schema) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public Table registerTable(TableIdentifier identifier, String metadataFileLocation) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public boolean dropTable(TableIdentifier identifier, boolean purge) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public void renameTable(TableIdentifier from, TableIdentifier to) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public void createNamespace(Namespace namespace, Map<String, String> metadata) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public boolean dropNamespace(Namespace namespace) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public boolean setProperties(Namespace namespace, Map<String, String> properties) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public boolean removeProperties(Namespace namespace, java.util.Set<String> properties) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public ViewBuilder buildView(TableIdentifier identifier) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public boolean dropView(TableIdentifier identifier) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public void renameView(TableIdentifier from, TableIdentifier to) {
    throw new ForbiddenException(WRITES_REFUSED);
  }

  @Override
  public void initialize(String name, Map<String, String> properties) {
    // wraps an initialized catalog
  }

  @Override
  public void invalidateTable(TableIdentifier identifier) {
    // nothing cached here
  }
}
