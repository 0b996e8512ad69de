package dev.pitstop.backup;

import dev.pitstop.backup.format.Sha256;
import dev.pitstop.backup.format.StoragePaths;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A comparable summary of the application's state: the catalog definitions of its schemas, its
 * sequences' values, a checksum of each table's rows and of each storage file. Two equal
 * fingerprints mean a restore or a rollback brought back what was there.
 *
 * <p>It is read from the catalogs by queries of its own, not by the backup's {@code CatalogReader},
 * so that an object a backup fails to carry shows up as a difference. Row checksums are a sum of
 * per-row hashes: independent of row order and physical layout, computed in one pass without
 * sorting.
 *
 * @param items one entry per object, keyed like "index app.items_name_idx"
 */
public record Fingerprint(SortedMap<String, String> items) {

    private static final String APP_NAMESPACE = " JOIN pg_namespace n ON n.oid = x.ns WHERE " + AppSchemas.ALL.condition();

    /** Each query yields (key, value) rows; {@code x.ns} is the object's schema. */
    private static final List<String> CATALOG_QUERIES = List.of(
            "SELECT 'schema ' || quote_ident(n.nspname), '' FROM (SELECT oid AS ns FROM pg_namespace) x" + APP_NAMESPACE,
            "SELECT 'relation ' || format('%I.%I', n.nspname, x.relname),"
                    + " format('kind %s, persistence %s, options %s', x.relkind, x.relpersistence, x.reloptions)"
                    + " FROM (SELECT relname, relkind, relpersistence, reloptions, relnamespace AS ns FROM pg_class) x"
                    + APP_NAMESPACE,
            "SELECT 'column ' || format('%I.%I.%I', n.nspname, x.relname, x.attname),"
                    + " format('position %s, type %s, not null %s, default %s, identity %s, generated %s, collation %s',"
                    + "   row_number() OVER (PARTITION BY x.attrelid ORDER BY x.attnum), format_type(x.atttypid, x.atttypmod),"
                    + "   x.attnotnull, pg_get_expr(d.adbin, d.adrelid), x.attidentity, x.attgenerated, x.attcollation::regcollation)"
                    + " FROM (SELECT a.*, c.relname, c.relnamespace AS ns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    + "   WHERE a.attnum > 0 AND NOT a.attisdropped) x"
                    + " LEFT JOIN pg_attrdef d ON d.adrelid = x.attrelid AND d.adnum = x.attnum" + APP_NAMESPACE,
            "SELECT 'constraint ' || format('%I.%I.%I', n.nspname, x.relname, x.conname), pg_get_constraintdef(x.oid)"
                    + " FROM (SELECT con.oid, con.conname, c.relname, c.relnamespace AS ns FROM pg_constraint con"
                    + "   JOIN pg_class c ON c.oid = con.conrelid) x" + APP_NAMESPACE,
            "SELECT 'index ' || format('%I.%I', n.nspname, x.relname), pg_get_indexdef(x.oid)"
                    + " FROM (SELECT c.oid, c.relname, c.relnamespace AS ns FROM pg_class c WHERE c.relkind IN ('i', 'I')) x"
                    + APP_NAMESPACE,
            "SELECT 'view ' || format('%I.%I', n.nspname, x.relname), pg_get_viewdef(x.oid)"
                    + " FROM (SELECT c.oid, c.relname, c.relnamespace AS ns FROM pg_class c WHERE c.relkind IN ('v', 'm')) x"
                    + APP_NAMESPACE,
            "SELECT 'sequence ' || format('%I.%I', n.nspname, x.relname),"
                    + " format('type %s, start %s, increment %s, min %s, max %s, cache %s, cycle %s, owned by %s',"
                    + "   format_type(x.seqtypid, NULL), x.seqstart, x.seqincrement, x.seqmin, x.seqmax, x.seqcache, x.seqcycle,"
                    + "   (SELECT format('%s %s.%s', d.deptype, d.refobjid::regclass, a.attname) FROM pg_depend d"
                    + "    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                    + "    WHERE d.classid = 'pg_class'::regclass AND d.objid = x.oid AND d.deptype IN ('a', 'i')))"
                    + " FROM (SELECT c.oid, c.relname, c.relnamespace AS ns, s.* FROM pg_class c"
                    + "   JOIN pg_sequence s ON s.seqrelid = c.oid) x" + APP_NAMESPACE,
            "SELECT 'function ' || format('%I.%I(%s)', n.nspname, x.proname, pg_get_function_identity_arguments(x.oid)),"
                    + " CASE WHEN x.prokind IN ('f', 'p') THEN pg_get_functiondef(x.oid) ELSE 'kind ' || x.prokind::text END"
                    + " FROM (SELECT p.oid, p.proname, p.prokind, p.pronamespace AS ns FROM pg_proc p) x" + APP_NAMESPACE,
            "SELECT 'trigger ' || format('%I.%I.%I', n.nspname, x.relname, x.tgname),"
                    + " pg_get_triggerdef(x.oid) || ' enabled ' || x.tgenabled::text"
                    + " FROM (SELECT t.oid, t.tgname, t.tgenabled, c.relname, c.relnamespace AS ns FROM pg_trigger t"
                    + "   JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal) x" + APP_NAMESPACE,
            "SELECT 'type ' || format('%I.%I', n.nspname, x.typname), x.typtype::text || ' ' || coalesce("
                    + "   (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = x.oid), '')"
                    + " FROM (SELECT t.oid, t.typname, t.typtype, t.typnamespace AS ns FROM pg_type t"
                    + "   WHERE t.typrelid = 0 AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)) x" + APP_NAMESPACE,
            "SELECT 'comment on ' || pg_describe_object(x.classoid, x.objoid, x.objsubid), x.description"
                    + " FROM (SELECT d.*, (SELECT n.oid FROM pg_namespace n"
                    + "     WHERE n.nspname = coalesce(o.schema, a.object_names[1])) AS ns"
                    + "   FROM pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o,"
                    + "   pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a) x" + APP_NAMESPACE);

    public Fingerprint {
        items = Collections.unmodifiableSortedMap(new TreeMap<>(items));
    }

    /** The fingerprint of the application schemas in {@code db} and of {@code storage}, if not null. */
    public static Fingerprint of(DbSettings db, Path storage) {
        try (Connection c = Database.connect(db, "pitstop-fingerprint")) {
            return of(c, storage);
        } catch (SQLException e) {
            throw new BackupException("cannot read the fingerprint of " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the database in one repeatable-read transaction, so that it is one state; {@code c}
     * must not be in a transaction already.
     */
    public static Fingerprint of(Connection c, Path storage) throws SQLException {
        SortedMap<String, String> items = new TreeMap<>();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET LOCAL search_path = ''");
            for (String query : CATALOG_QUERIES) {
                collect(st, query, items);
            }
            for (String sequence : names(st, "S")) {
                collect(st, "SELECT 'sequence value " + sequence.replace("'", "''") + "',"
                        + " format('%s, called %s', last_value, is_called) FROM " + sequence, items);
            }
            for (String table : names(st, "r")) {
                collect(st, "SELECT 'rows " + table.replace("'", "''") + "', format('%s rows, hash %s', count(*),"
                        + " coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0)) FROM " + table + " t",
                        items);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        if (storage != null) {
            storage(storage.toAbsolutePath().normalize(), items);
        }
        return new Fingerprint(items);
    }

    /** What differs from {@code other}, one line per item; empty when they are equal. */
    public List<String> differences(Fingerprint other) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(items.keySet());
        keys.addAll(other.items.keySet());
        for (String key : keys) {
            String mine = items.get(key);
            String theirs = other.items.get(key);
            if (mine == null) {
                differences.add("only in the other: " + key + " = " + theirs);
            } else if (theirs == null) {
                differences.add("only in this one: " + key + " = " + mine);
            } else if (!Objects.equals(mine, theirs)) {
                differences.add(key + ": " + mine + " <> " + theirs);
            }
        }
        return differences;
    }

    private static List<String> names(Statement st, String relkind) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + AppSchemas.ALL.condition()
                + " AND c.relkind = '" + relkind + "'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void collect(Statement st, String query, Map<String, String> items) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                items.put(rs.getString(1), rs.getString(2));
            }
        }
    }

    private static void storage(Path root, Map<String, String> items) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.filter(p -> !p.equals(root))::iterator) {
                String name = StoragePaths.name(root, path);
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    items.put("storage directory " + name, "");
                } else {
                    items.put("storage file " + name, sha256(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the storage directory " + root, e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return Sha256.hex(digest.digest());
    }
}
