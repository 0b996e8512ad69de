package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.address;
import static dev.pitstop.backup.schema.Catalog.notImplicit;
import static dev.pitstop.backup.schema.Catalog.notInExtension;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Functions and procedures (from {@code pg_get_functiondef}, which knows every option), and the
 * objects built from functions: aggregates, operators and casts.
 */
final class Routines {

    private static final String PROC = " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + IN_APP
            + " AND " + notInExtension("pg_proc", "p.oid") + " AND " + notImplicit("pg_proc", "p.oid");

    private final Catalog catalog;
    private final Reading reading;

    private Routines(Catalog catalog, Reading reading) {
        this.catalog = catalog;
        this.reading = reading;
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        Routines routines = new Routines(catalog, reading);
        routines.functions();
        routines.aggregates();
        routines.operators();
        routines.casts();
    }

    private void functions() throws SQLException {
        catalog.each("SELECT " + address("pg_proc", "p.oid") + ", format('%I.%I(%s)', n.nspname, p.proname,"
                + " pg_get_function_identity_arguments(p.oid)), pg_get_functiondef(p.oid)" + PROC
                + " AND p.prokind IN ('f', 'p', 'w') ORDER BY 2",
                rs -> reading.add(rs.getString(1), Kind.FUNCTION, rs.getString(2), rs.getString(3)));
    }

    private void aggregates() throws SQLException {
        catalog.each("SELECT " + address("pg_proc", "p.oid") + ", format('%I.%I', n.nspname, p.proname),"
                + " pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid), a.aggkind,"
                + " a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL), a.aggtransspace, nullif(a.aggfinalfn, 0)::regproc::text,"
                + " a.aggfinalextra, a.aggfinalmodify, nullif(a.aggcombinefn, 0)::regproc::text,"
                + " nullif(a.aggserialfn, 0)::regproc::text, nullif(a.aggdeserialfn, 0)::regproc::text, a.agginitval,"
                + " nullif(a.aggmtransfn, 0)::regproc::text, nullif(a.aggminvtransfn, 0)::regproc::text,"
                + " CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END, a.aggmtransspace,"
                + " nullif(a.aggmfinalfn, 0)::regproc::text, a.aggmfinalextra, a.aggmfinalmodify, a.aggminitval,"
                + " CASE WHEN a.aggsortop <> 0 THEN a.aggsortop::regoperator::text END, p.proparallel, a.aggnumdirectargs"
                + " FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE " + IN_APP + " AND " + notInExtension("pg_proc", "p.oid") + " ORDER BY 2", rs -> {
                    List<String> options = new ArrayList<>();
                    options.add("SFUNC = " + rs.getString(6));
                    options.add("STYPE = " + rs.getString(7));
                    option(options, "SSPACE", rs.getInt(8) == 0 ? null : rs.getString(8));
                    finalFunction(options, "", rs.getString(9), rs.getBoolean(10), rs.getString(11));
                    option(options, "COMBINEFUNC", rs.getString(12));
                    option(options, "SERIALFUNC", rs.getString(13));
                    option(options, "DESERIALFUNC", rs.getString(14));
                    option(options, "INITCOND", rs.getString(15) == null ? null : Catalog.literal(rs.getString(15)));
                    option(options, "MSFUNC", rs.getString(16));
                    option(options, "MINVFUNC", rs.getString(17));
                    option(options, "MSTYPE", rs.getString(18));
                    option(options, "MSSPACE", rs.getInt(19) == 0 ? null : rs.getString(19));
                    finalFunction(options, "M", rs.getString(20), rs.getBoolean(21), rs.getString(22));
                    option(options, "MINITCOND", rs.getString(23) == null ? null : Catalog.literal(rs.getString(23)));
                    option(options, "SORTOP", rs.getString(24) == null ? null : "OPERATOR(" + operatorName(rs) + ")");
                    option(options, "PARALLEL", parallel(rs.getString(25)));
                    if ("h".equals(rs.getString(5))) {
                        options.add("HYPOTHETICAL");
                    }
                    String arguments = rs.getString(3).isEmpty() ? "*" : rs.getString(3);
                    String name = rs.getString(2) + "(" + rs.getString(4) + ")";
                    reading.add(rs.getString(1), Kind.AGGREGATE, name, "CREATE AGGREGATE " + rs.getString(2) + "("
                            + arguments + ") (" + String.join(", ", options) + ")");
                });
    }

    /** {@code regoperator} text is {@code name(left,right)}: the name, qualified as printed. */
    private static String operatorName(ResultSet rs) throws SQLException {
        String signature = rs.getString(24);
        return signature.substring(0, signature.lastIndexOf('('));
    }

    private static void option(List<String> options, String name, String value) {
        if (value != null) {
            options.add(name + " = " + value);
        }
    }

    /** The final function of the plain ({@code prefix} "") or moving ("M") mode, if it has one. */
    private static void finalFunction(List<String> options, String prefix, String function, boolean extra,
                                      String modify) {
        if (function == null) {
            return;
        }
        options.add(prefix + "FINALFUNC = " + function);
        if (extra) {
            options.add(prefix + "FINALFUNC_EXTRA");
        }
        options.add(prefix + "FINALFUNC_MODIFY = " + modify(modify));
    }

    private static String modify(String code) {
        return switch (code) {
            case "s" -> "SHAREABLE";
            case "w" -> "READ_WRITE";
            default -> "READ_ONLY";
        };
    }

    private static String parallel(String code) {
        return switch (code) {
            case "s" -> "SAFE";
            case "r" -> "RESTRICTED";
            default -> null;
        };
    }

    private void operators() throws SQLException {
        catalog.each("SELECT " + address("pg_operator", "o.oid") + ", format('%I.%s', n.nspname, o.oprname),"
                + " o.oid::regoperator::text, o.oprcode::regproc::text,"
                + " CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) END,"
                + " CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) END,"
                + " (SELECT format('OPERATOR(%I.%s)', cn.nspname, c.oprname) FROM pg_operator c"
                + "   JOIN pg_namespace cn ON cn.oid = c.oprnamespace WHERE c.oid = o.oprcom),"
                + " (SELECT format('OPERATOR(%I.%s)', nn.nspname, ng.oprname) FROM pg_operator ng"
                + "   JOIN pg_namespace nn ON nn.oid = ng.oprnamespace WHERE ng.oid = o.oprnegate),"
                + " nullif(o.oprrest, 0)::regproc::text, nullif(o.oprjoin, 0)::regproc::text, o.oprcanhash, o.oprcanmerge"
                + " FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE " + IN_APP
                + " AND " + notInExtension("pg_operator", "o.oid") + " AND o.oprcode <> 0 ORDER BY 3", rs -> {
                    List<String> options = new ArrayList<>();
                    options.add("FUNCTION = " + rs.getString(4));
                    option(options, "LEFTARG", rs.getString(5));
                    option(options, "RIGHTARG", rs.getString(6));
                    option(options, "COMMUTATOR", rs.getString(7));
                    option(options, "NEGATOR", rs.getString(8));
                    option(options, "RESTRICT", rs.getString(9));
                    option(options, "JOIN", rs.getString(10));
                    if (rs.getBoolean(11)) {
                        options.add("HASHES");
                    }
                    if (rs.getBoolean(12)) {
                        options.add("MERGES");
                    }
                    reading.add(rs.getString(1), Kind.OPERATOR, rs.getString(3),
                            "CREATE OPERATOR " + rs.getString(2) + " (" + String.join(", ", options) + ")");
                });
    }

    /** Casts of the application's types or through its functions; PostgreSQL's own are always there. */
    private void casts() throws SQLException {
        catalog.each("SELECT " + address("pg_cast", "k.oid") + ", format('(%s AS %s)', format_type(k.castsource, NULL),"
                + " format_type(k.casttarget, NULL)), k.castmethod, CASE WHEN k.castfunc <> 0 THEN k.castfunc::regprocedure::text END,"
                + " k.castcontext FROM pg_cast k WHERE k.oid >= 16384 AND " + notInExtension("pg_cast", "k.oid")
                + " AND " + notImplicit("pg_cast", "k.oid")
                + " AND EXISTS (SELECT 1 FROM pg_namespace n WHERE " + IN_APP + " AND n.oid IN ("
                + "   (SELECT typnamespace FROM pg_type WHERE oid = k.castsource), (SELECT typnamespace FROM pg_type WHERE oid = k.casttarget),"
                + "   (SELECT pronamespace FROM pg_proc WHERE oid = k.castfunc))) ORDER BY 2", rs -> {
                    String how = switch (rs.getString(3)) {
                        case "f" -> "WITH FUNCTION " + rs.getString(4);
                        case "i" -> "WITH INOUT";
                        default -> "WITHOUT FUNCTION";
                    };
                    String context = switch (rs.getString(5)) {
                        case "a" -> " AS ASSIGNMENT";
                        case "i" -> " AS IMPLICIT";
                        default -> "";
                    };
                    reading.add(rs.getString(1), Kind.CAST, rs.getString(2),
                            "CREATE CAST " + rs.getString(2) + " " + how + context);
                });
    }
}
