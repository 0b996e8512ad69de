package dev.pitstop.console;

import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureKind;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The history page's filter, from its query: {@code kind} (a procedure kind), {@code outcome} (a
 * procedure state), {@code from} and {@code to} (UTC days, both included). An empty field matches any.
 */
record HistoryFilter(String kind, String outcome, String from, String to) {

    /** @throws OperationException (invalid) naming the field and what it accepts */
    ProcedureJournal.Filter journalFilter() {
        String kindLabel = blank(kind) ? null : Arrays.stream(ProcedureKind.values()).map(ProcedureKind::label)
                .filter(kind::equals).findFirst().orElseThrow(() -> OperationException.invalid("history filter: no "
                        + "procedure kind '" + kind + "'; choose one of the list"));
        ProcedureState state = blank(outcome) ? null : Arrays.stream(ProcedureState.values())
                .filter(s -> s.label().equals(outcome)).findFirst().orElseThrow(() -> OperationException.invalid(
                        "history filter: no outcome '" + outcome + "'; choose one of the list"));
        LocalDate first = day(from, "from");
        LocalDate last = day(to, "to");
        if (first != null && last != null && last.isBefore(first)) {
            throw OperationException.invalid("history filter: 'to' (" + last + ") is before 'from' (" + first + ")");
        }
        return new ProcedureJournal.Filter(kindLabel, state,
                first == null ? null : first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                last == null ? null : last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The form that sets the filter, showing its current values. */
    String form() {
        StringBuilder html = new StringBuilder("<form method=\"get\" action=\"/.pitstop/history\" id=\"history-filter\">"
                + "<label for=\"kind\">Kind</label><select id=\"kind\" name=\"kind\"><option value=\"\">any</option>");
        for (ProcedureKind k : ProcedureKind.values()) {
            html.append(option(k.label(), kind));
        }
        html.append("</select><label for=\"outcome\">Outcome</label><select id=\"outcome\" name=\"outcome\">"
                + "<option value=\"\">any</option>");
        for (ProcedureState s : ProcedureState.values()) {
            html.append(option(s.label(), outcome));
        }
        return html.append("</select><label for=\"from\">From</label><input type=\"date\" id=\"from\" name=\"from\" "
                        + "value=\"").append(Html.text(from)).append("\"><label for=\"to\">to</label><input type=\"date\" "
                        + "id=\"to\" name=\"to\" value=\"").append(Html.text(to)).append("\"><button type=\"submit\">"
                        + "Filter</button><a href=\"/.pitstop/history\">all</a></form>").toString();
    }

    private static String option(String value, String chosen) {
        return "<option" + (value.equals(chosen) ? " selected" : "") + ">" + Html.text(value) + "</option>";
    }

    private static LocalDate day(String value, String field) {
        if (blank(value)) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw OperationException.invalid("history filter: '" + field + "' must be a day as YYYY-MM-DD, got '"
                    + value + "'");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
