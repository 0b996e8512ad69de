package dev.pitstop.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryFilterTest {

    @Test
    void emptyFieldsMatchAnything() {
        assertThat(new HistoryFilter(null, "", " ", null).journalFilter()).isEqualTo(ProcedureJournal.Filter.ANY);
    }

    @Test
    void daysAreUtcAndBothIncluded() {
        ProcedureJournal.Filter filter = new HistoryFilter("upgrade", "rolled-back", "2026-11-01", "2026-11-30")
                .journalFilter();
        assertThat(filter).isEqualTo(new ProcedureJournal.Filter("upgrade", ProcedureState.ROLLED_BACK,
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
    }

    @Test
    void aBadFieldIsNamedWithWhatItAccepts() {
        assertThatThrownBy(() -> new HistoryFilter("upgrad", null, null, null).journalFilter())
                .hasMessage("history filter: no procedure kind 'upgrad'; choose one of the list");
        assertThatThrownBy(() -> new HistoryFilter(null, "done", null, null).journalFilter())
                .hasMessage("history filter: no outcome 'done'; choose one of the list");
        assertThatThrownBy(() -> new HistoryFilter(null, null, "1/11/2026", null).journalFilter())
                .hasMessage("history filter: 'from' must be a day as YYYY-MM-DD, got '1/11/2026'");
        assertThatThrownBy(() -> new HistoryFilter(null, null, "2026-11-02", "2026-11-01").journalFilter())
                .hasMessage("history filter: 'to' (2026-11-01) is before 'from' (2026-11-02)");
    }

    @Test
    void theFormKeepsTheChosenValuesEscaped() {
        String form = new HistoryFilter("restore", "failed", "2026-11-01", "\"><script>").form();
        assertThat(form).contains("<option selected>restore</option>", "<option selected>failed</option>",
                "value=\"2026-11-01\"", "value=\"&quot;&gt;&lt;script&gt;\"");
    }
}
