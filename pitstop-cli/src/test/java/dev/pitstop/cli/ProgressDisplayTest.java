package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.ProgressUpdate;
import dev.pitstop.backup.ProgressUpdate.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final CurrentLine line = new CurrentLine(outBytes);

    @Test
    void onATerminalDrawsBelowAnUnfinishedStepAndReturnsToItsEnd() {
        new PrintStream(line, true).print("  4. restore x ... ");
        ProgressDisplay display = new ProgressDisplay(new PrintStream(err, true), line, true, 80);

        display.update(new ProgressUpdate(Stage.VERIFYING, List.of(), 0, 100, 0, false));
        display.update(new ProgressUpdate(Stage.VERIFYING, List.of(), 100, 100, 50, true));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("\n\r\033[Kverifying: 0 B of 100 B (0%), 0 B/s"
                + "\r\033[K\033[1A\033[20G");
    }

    @Test
    void elsewherePrintsPlainLinesEndingWithTheStage() {
        ProgressDisplay display = new ProgressDisplay(new PrintStream(err, true), null, false, 80);

        display.update(new ProgressUpdate(Stage.BACKING_UP, List.of("app.items"), 10, -1, 5, false));
        display.update(new ProgressUpdate(Stage.BACKING_UP, List.of(), 2048, -1, 1024, true));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("backed up: 2.0 KiB, 1.0 KiB/s\n");
    }
}
