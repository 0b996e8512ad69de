package dev.pitstop.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The CLI's own logging configuration (src/main/resources/logback.xml), as a command starts it. */
class LogFormatTest {

    @Test
    void jsonLinesCarryTheProcedureAndTheStepTheyWereWrittenIn() throws Exception {
        String written = logWithFormat("json");

        JsonNode line = new ObjectMapper().readTree(written.lines().filter(l -> l.contains("node-1 stopped"))
                .findFirst().orElseThrow());
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.pitstop.procedure.Upgrade");
        assertThat(line.path("mdc").path("procedure").asText()).isEqualTo("7");
        assertThat(line.path("mdc").path("step").asText()).isEqualTo("stop the nodes");
    }

    @Test
    void configuringWarnsOfNothing() throws Exception {
        // Logback prints its whole status at a command's start when configuring warned of anything.
        for (String format : new String[] {null, "json"}) {
            LoggerContext context = configured(format);
            assertThat(context.getStatusManager().getCopyOfStatusList())
                    .allSatisfy(status -> assertThat(status.getLevel()).as(status.getMessage()).isZero());
            context.stop();
        }
    }

    @Test
    void textIsTheDefault() throws Exception {
        assertThat(logWithFormat(null)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[Upgrade] node-1 stopped\\R");
    }

    /** Configures a logging context from the CLI's file, as Logback does at start, and logs one line in a step. */
    private static String logWithFormat(String format) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, UTF_8));
        try {
            LoggerContext context = configured(format);
            try (MDC.MDCCloseable procedure = MDC.putCloseable("procedure", "7");
                 MDC.MDCCloseable step = MDC.putCloseable("step", "stop the nodes")) {
                context.getLogger("dev.pitstop.procedure.Upgrade").info("node-1 stopped");
            }
            context.stop();
        } finally {
            System.setErr(original);
        }
        return err.toString(UTF_8);
    }

    private static LoggerContext configured(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        if (format != null) {
            context.putProperty("PITSTOP_LOG_FORMAT", format);
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
        return context;
    }
}
