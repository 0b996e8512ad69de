package dev.pitstop.backup.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the application schemas' definitions from the system catalogs into {@link Definitions}:
 * each kind of object by its reader ({@link Types}, {@link Routines}, {@link Relations},
 * {@link PostData}, {@link Privileges}, {@link Comments}), taking functions, constraints, indexes,
 * triggers, rules and view queries from PostgreSQL's {@code pg_get_*def}, which know every option
 * of those. The statements are then ordered by the dependencies PostgreSQL recorded in
 * {@code pg_depend} ({@link DumpOrder}). What cannot be recreated, {@link UnsupportedObjects}
 * refuses first, naming each object.
 */
public final class CatalogReader {

    private CatalogReader() {
    }

    /**
     * The definitions of {@code appSchemas} as {@code c}'s transaction sees them. It sets the
     * transaction's search path to empty, so that PostgreSQL qualifies every name it prints.
     */
    public static Definitions read(Connection c, AppSchemas appSchemas) throws SQLException {
        Catalog catalog = new Catalog(c, appSchemas);
        catalog.execute("SET LOCAL search_path = ''");
        UnsupportedObjects.refuseAny(catalog);
        Reading reading = new Reading();
        Relations.read(catalog, reading);
        Types.read(catalog, reading);
        Routines.read(catalog, reading);
        PostData.read(catalog, reading);
        Privileges.read(catalog, reading);
        Comments.read(catalog, reading);
        recordedDependencies(catalog, reading);
        List<SchemaObject> sorted = DumpOrder.sort(reading.objects, reading.placeholders);
        return new Definitions(appSchemas.list(c), List.copyOf(reading.tables),
                sorted.stream().filter(o -> o.section == Kind.Section.BEFORE_DATA).map(SchemaObject::ddl).toList(),
                sorted.stream().filter(o -> o.section == Kind.Section.AFTER_DATA).map(SchemaObject::ddl).toList());
    }

    /**
     * Adds the dependencies of {@code pg_depend} between the objects made, then resolves every
     * dependency to the statement that makes its object. A serial column's sequence depends on its
     * table there, but only the statement that ties them ({@link Kind#SEQUENCE_OWNERSHIP}) needs
     * both. A materialized view is filled after those it reads from.
     */
    private static void recordedDependencies(Catalog catalog, Reading reading) throws SQLException {
        catalog.each("SELECT d.classid::text || ':' || d.objid, d.refclassid::text || ':' || d.refobjid FROM pg_depend d"
                + " WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384"
                + " AND NOT (d.deptype = 'a' AND d.classid = 'pg_class'::regclass"
                + "   AND EXISTS (SELECT 1 FROM pg_class s WHERE s.oid = d.objid AND s.relkind = 'S'))", rs -> {
                    String dependent = reading.maker(rs.getString(1));
                    if (dependent != null) {
                        reading.get(dependent).after(rs.getString(2));
                    }
                });
        for (SchemaObject object : reading.objects) {
            Set<String> resolved = new LinkedHashSet<>();
            for (String dependency : object.dependencies) {
                String maker = reading.maker(dependency);
                if (maker != null && !maker.equals(object.key)) {
                    resolved.add(maker);
                }
            }
            object.dependencies.clear();
            object.dependencies.addAll(resolved);
        }
        for (SchemaObject data : reading.objects) {
            if (data.kind == Kind.MATERIALIZED_VIEW_DATA) {
                SchemaObject view = reading.get(data.key.substring(0, data.key.length() - "/data".length()));
                for (String used : view.dependencies) {
                    data.after(used);
                    if (reading.get(used + "/data") != null) {
                        data.after(used + "/data");
                    }
                }
            }
        }
    }
}
