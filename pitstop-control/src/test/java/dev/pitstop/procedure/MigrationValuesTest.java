package dev.pitstop.procedure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationValuesTest {

    @Test
    void linesGiveValuesInOrderSkippingBlanksAndComments() {
        MigrationValues values = new MigrationValues().addLines(List.of("# staging's", "", "  API_URL=https://x/?a=b  ",
                "EMPTY="), "values").add("MODE=fast", "--set");
        assertThat(values.asMap()).containsExactly(java.util.Map.entry("API_URL", "https://x/?a=b"),
                java.util.Map.entry("EMPTY", ""), java.util.Map.entry("MODE", "fast"));
    }

    @Test
    void aLineWithoutANameIsInvalidAndNamesItsPlace() {
        assertThatThrownBy(() -> new MigrationValues().addLines(List.of("A=1", "=secret"), "values.txt"))
                .isInstanceOf(OperationException.class).hasMessage("values.txt line 2: '...' is not NAME=VALUE")
                .extracting(e -> ((OperationException) e).kind()).isEqualTo(OperationException.Kind.INVALID);
        assertThatThrownBy(() -> new MigrationValues().add("TOKEN", "--set"))
                .hasMessage("--set: 'TOKEN...' is not NAME=VALUE");
    }

    @Test
    void aNameGivenTwiceIsInvalid() {
        assertThatThrownBy(() -> new MigrationValues().addLines(List.of("A=1"), "f").add("A=2", "--set"))
                .hasMessage("--set: A is given twice");
    }
}
