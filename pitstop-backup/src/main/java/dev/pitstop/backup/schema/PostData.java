package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.address;
import static dev.pitstop.backup.schema.Catalog.notInExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What is built over the loaded rows, as pg_dump builds it: keys and indexes (a partitioned one on
 * its parent only, each partition's own, then attached), foreign keys, table options that name an
 * index, rules, triggers with their state, row-level security and its policies, extended
 * statistics and event triggers. A constraint, index or trigger that PostgreSQL cloned onto a
 * partition from its parent is left to PostgreSQL to clone again.
 */
final class PostData {

    private static final String ON_TABLE = " JOIN pg_class c ON c.oid = %s JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE " + IN_APP + " AND " + notInExtension("pg_class", "c.oid");

    private final Catalog catalog;
    private final Reading reading;

    private PostData(Catalog catalog, Reading reading) {
        this.catalog = catalog;
        this.reading = reading;
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        PostData post = new PostData(catalog, reading);
        post.constraints();
        post.indexes();
        post.tableOptions();
        post.rules();
        post.triggers();
        post.rowSecurity();
        post.statistics();
        post.eventTriggers();
    }

    private static String onTable(String relation) {
        return String.format(ON_TABLE, relation);
    }

    /** Keys (with the index behind each), exclusion constraints and foreign keys; checks are {@link Relations}'. */
    private void constraints() throws SQLException {
        catalog.each("SELECT " + address("pg_constraint", "con.oid") + ", " + address("pg_class", "c.oid")
                + ", format('%I.%I', n.nspname, c.relname), quote_ident(con.conname), con.contype,"
                + " pg_get_constraintdef(con.oid), c.relkind, con.conparentid <> 0, " + address("pg_class", "con.conindid")
                + ", " + address("pg_constraint", "con.conparentid")
                + " FROM pg_constraint con" + onTable("con.conrelid") + " AND con.contype IN ('p', 'u', 'x', 'f')"
                + " ORDER BY 3, 4", rs -> {
                    String key = rs.getString(1);
                    boolean foreignKey = "f".equals(rs.getString(5));
                    if (foreignKey && rs.getBoolean(8)) {
                        // Cloned onto a partition by its parent's foreign key.
                        reading.madeBy(key, rs.getString(10));
                        return;
                    }
                    // A partitioned table's foreign key reaches its partitions; ONLY is refused there.
                    String only = foreignKey && "p".equals(rs.getString(7)) ? "" : "ONLY ";
                    reading.add(key, foreignKey ? Kind.FOREIGN_KEY : Kind.CONSTRAINT, rs.getString(3) + "." + rs.getString(4),
                            "ALTER TABLE " + only + rs.getString(3) + " ADD CONSTRAINT " + rs.getString(4) + " "
                                    + rs.getString(6)).after(rs.getString(2));
                    if (!foreignKey) {
                        reading.madeBy(rs.getString(9), key);
                    }
                });
    }

    private void indexes() throws SQLException {
        catalog.each("SELECT " + address("pg_class", "ic.oid") + ", format('%I.%I', n.nspname, ic.relname),"
                + " pg_get_indexdef(i.indexrelid), " + address("pg_class", "i.indrelid") + " FROM pg_index i"
                + " JOIN pg_class ic ON ic.oid = i.indexrelid" + onTable("i.indrelid")
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
                + "   AND con.contype IN ('p', 'u', 'x')) ORDER BY 2",
                rs -> reading.add(rs.getString(1), Kind.INDEX, rs.getString(2), rs.getString(3)).after(rs.getString(4)));
        catalog.each("SELECT " + address("pg_class", "i.inhrelid") + ", " + address("pg_class", "i.inhparent")
                + ", format('%I.%I', pn.nspname, p.relname), format('%I.%I', n.nspname, c.relname) FROM pg_inherits i"
                + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                + onTable("i.inhrelid") + " AND c.relkind IN ('i', 'I') ORDER BY 4",
                rs -> reading.add(rs.getString(1) + "/attach", Kind.INDEX_PARTITION, rs.getString(4),
                        "ALTER INDEX " + rs.getString(3) + " ATTACH PARTITION " + rs.getString(4))
                        .after(rs.getString(1)).after(rs.getString(2)));
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), a.attnum,"
                + " a.attstattarget FROM pg_attribute a" + onTable("a.attrelid") + " AND c.relkind IN ('i', 'I')"
                + " AND a.attnum > 0 AND a.attstattarget >= 0 ORDER BY 2, 3",
                rs -> reading.add(rs.getString(1) + "/" + rs.getInt(3) + "/statistics", Kind.INDEX_OPTIONS, rs.getString(2),
                        "ALTER INDEX " + rs.getString(2) + " ALTER COLUMN " + rs.getInt(3) + " SET STATISTICS "
                                + rs.getInt(4)).after(rs.getString(1)));
    }

    /** The replica identity and the index a table is clustered on. */
    private void tableOptions() throws SQLException {
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), c.relreplident,"
                + " (SELECT format('%I', ic.relname) || ' ' || " + address("pg_class", "ic.oid") + " FROM pg_index i"
                + "   JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident),"
                + " (SELECT format('%I', ic.relname) || ' ' || " + address("pg_class", "ic.oid") + " FROM pg_index i"
                + "   JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisclustered)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + IN_APP
                + " AND c.relkind IN ('r', 'p', 'm') AND " + notInExtension("pg_class", "c.oid") + " ORDER BY 2", rs -> {
                    String key = rs.getString(1);
                    String table = rs.getString(2);
                    String identity = switch (rs.getString(3)) {
                        case "n" -> "NOTHING";
                        case "f" -> "FULL";
                        case "i" -> rs.getString(4) == null ? null : "USING INDEX " + rs.getString(4).split(" ")[0];
                        default -> null;
                    };
                    if (identity != null) {
                        SchemaObject o = reading.add(key + "/replica-identity", Kind.TABLE_OPTIONS, table,
                                "ALTER TABLE ONLY " + table + " REPLICA IDENTITY " + identity).after(key);
                        if (rs.getString(4) != null) {
                            o.after(rs.getString(4).split(" ")[1]);
                        }
                    }
                    if (rs.getString(5) != null) {
                        String[] index = rs.getString(5).split(" ");
                        reading.add(key + "/cluster", Kind.TABLE_OPTIONS, table,
                                "ALTER TABLE ONLY " + table + " CLUSTER ON " + index[0]).after(key).after(index[1]);
                    }
                });
    }

    private void rules() throws SQLException {
        catalog.each("SELECT " + address("pg_rewrite", "r.oid") + ", format('%I on %I.%I', r.rulename, n.nspname, c.relname),"
                + " pg_get_ruledef(r.oid), r.ev_enabled, format('%I.%I', n.nspname, c.relname), quote_ident(r.rulename),"
                + " " + address("pg_class", "c.oid") + " FROM pg_rewrite r" + onTable("r.ev_class")
                + " AND r.rulename <> '_RETURN' ORDER BY 2", rs -> {
                    reading.add(rs.getString(1), Kind.RULE, rs.getString(2), rs.getString(3)).after(rs.getString(7));
                    String state = state(rs.getString(4));
                    if (state != null) {
                        reading.add(rs.getString(1) + "/state", Kind.TRIGGER_STATE, rs.getString(2), "ALTER TABLE "
                                + rs.getString(5) + " " + state + " RULE " + rs.getString(6)).after(rs.getString(1));
                    }
                });
    }

    /** {@code ALTER TABLE}'s words for a trigger's or rule's {@code tgenabled}/{@code ev_enabled}; null for the default. */
    private static String state(String code) {
        return switch (code) {
            case "D" -> "DISABLE";
            case "R" -> "ENABLE REPLICA";
            case "A" -> "ENABLE ALWAYS";
            default -> null;
        };
    }

    private void triggers() throws SQLException {
        catalog.each("SELECT " + address("pg_trigger", "t.oid") + ", format('%I on %I.%I', t.tgname, n.nspname, c.relname),"
                + " pg_get_triggerdef(t.oid), t.tgenabled, format('%I.%I', n.nspname, c.relname), quote_ident(t.tgname),"
                + " t.tgparentid <> 0, " + address("pg_trigger", "t.tgparentid") + ", " + address("pg_class", "c.oid")
                + " FROM pg_trigger t" + onTable("t.tgrelid") + " AND NOT t.tgisinternal ORDER BY 2", rs -> {
                    String key = rs.getString(1);
                    if (rs.getBoolean(7)) {
                        reading.madeBy(key, rs.getString(8));
                    } else {
                        reading.add(key, Kind.TRIGGER, rs.getString(2), rs.getString(3)).after(rs.getString(9));
                    }
                    String state = state(rs.getString(4));
                    if (state != null) {
                        reading.add(key + "/state", Kind.TRIGGER_STATE, rs.getString(2), "ALTER TABLE ONLY "
                                + rs.getString(5) + " " + state + " TRIGGER " + rs.getString(6)).after(key);
                    }
                });
    }

    private void rowSecurity() throws SQLException {
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), c.relrowsecurity,"
                + " c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + IN_APP
                + " AND (c.relrowsecurity OR c.relforcerowsecurity) ORDER BY 2", rs -> {
                    if (rs.getBoolean(3)) {
                        reading.add(rs.getString(1) + "/rls", Kind.ROW_SECURITY, rs.getString(2),
                                "ALTER TABLE ONLY " + rs.getString(2) + " ENABLE ROW LEVEL SECURITY").after(rs.getString(1));
                    }
                    if (rs.getBoolean(4)) {
                        reading.add(rs.getString(1) + "/force-rls", Kind.ROW_SECURITY, rs.getString(2),
                                "ALTER TABLE ONLY " + rs.getString(2) + " FORCE ROW LEVEL SECURITY").after(rs.getString(1));
                    }
                });
        catalog.each("SELECT " + address("pg_policy", "p.oid") + ", format('%I on %I.%I', p.polname, n.nspname, c.relname),"
                + " format('CREATE POLICY %I ON %I.%I AS %s FOR %s', p.polname, n.nspname, c.relname,"
                + "   CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,"
                + "   CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
                + "     WHEN 'd' THEN 'DELETE' ELSE 'ALL' END),"
                + " (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ' ORDER BY o)"
                + "   FROM unnest(p.polroles) WITH ORDINALITY x(r, o)),"
                + " (SELECT array_to_string(array_agg(pg_get_userbyid(r) ORDER BY o), chr(1))"
                + "   FROM unnest(p.polroles) WITH ORDINALITY x(r, o) WHERE r <> 0),"
                + " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), " + address("pg_class", "c.oid")
                + " FROM pg_policy p" + onTable("p.polrelid") + " ORDER BY 2", rs -> {
                    StringBuilder sql = new StringBuilder(rs.getString(3)).append(" TO ").append(rs.getString(4));
                    if (rs.getString(6) != null) {
                        sql.append(" USING (").append(rs.getString(6)).append(')');
                    }
                    if (rs.getString(7) != null) {
                        sql.append(" WITH CHECK (").append(rs.getString(7)).append(')');
                    }
                    List<String> roles = rs.getString(5) == null || rs.getString(5).isEmpty() ? List.of()
                            : Arrays.asList(rs.getString(5).split("\u0001"));
                    reading.add(rs.getString(1), Kind.POLICY, rs.getString(2), sql.toString(), roles).after(rs.getString(8));
                });
    }

    private void statistics() throws SQLException {
        catalog.each("SELECT " + address("pg_statistic_ext", "s.oid") + ", format('%I.%I', n.nspname, s.stxname),"
                + " pg_get_statisticsobjdef(s.oid), s.stxstattarget FROM pg_statistic_ext s"
                + " JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " + IN_APP
                + " AND " + notInExtension("pg_statistic_ext", "s.oid") + " ORDER BY 2", rs -> {
                    reading.add(rs.getString(1), Kind.STATISTICS, rs.getString(2), rs.getString(3));
                    if (rs.getInt(4) >= 0) {
                        reading.add(rs.getString(1) + "/target", Kind.STATISTICS, rs.getString(2), "ALTER STATISTICS "
                                + rs.getString(2) + " SET STATISTICS " + rs.getInt(4)).after(rs.getString(1));
                    }
                });
    }

    /**
     * Event triggers belong to the database, not to a schema: those whose function is the
     * application's are carried. Creating one needs a superuser, as on the source.
     */
    private void eventTriggers() throws SQLException {
        catalog.each("SELECT " + address("pg_event_trigger", "e.oid") + ", quote_ident(e.evtname),"
                + " format('CREATE EVENT TRIGGER %I ON %I', e.evtname, e.evtevent),"
                + " (SELECT string_agg(quote_literal(tag), ', ') FROM unnest(e.evttags) tag),"
                + " p.oid::regproc::text, e.evtenabled FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid"
                + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + IN_APP
                + " AND " + notInExtension("pg_event_trigger", "e.oid") + " ORDER BY 2", rs -> {
                    List<String> sql = new ArrayList<>();
                    sql.add(rs.getString(3));
                    if (rs.getString(4) != null) {
                        sql.add("WHEN TAG IN (" + rs.getString(4) + ")");
                    }
                    sql.add("EXECUTE FUNCTION " + rs.getString(5) + "()");
                    reading.add(rs.getString(1), Kind.EVENT_TRIGGER, rs.getString(2), String.join(" ", sql));
                    String state = state(rs.getString(6));
                    if (state != null) {
                        reading.add(rs.getString(1) + "/state", Kind.EVENT_TRIGGER, rs.getString(2),
                                "ALTER EVENT TRIGGER " + rs.getString(2) + " " + state
                        ).after(rs.getString(1));
                    }
                });
    }
}
