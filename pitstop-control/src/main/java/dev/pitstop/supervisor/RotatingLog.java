package dev.pitstop.supervisor;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.pitstop.home.ClusterConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A log file that rotates by size, with Logback's rolling appender: when {@code FILE} passes the
 * size limit it becomes {@code FILE.1}, {@code FILE.1} becomes {@code FILE.2} and so on, and the
 * oldest beyond the number of files kept is deleted. A process's output is copied into it line by
 * line, so everything the process prints (its log, a crash's stack trace) is kept and rotated alike.
 */
public final class RotatingLog implements AutoCloseable {

    private final Path file;
    private final RollingFileAppender<String> appender = new RollingFileAppender<>();

    public RotatingLog(Path file, ClusterConfig.LogsSettings limits) {
        this.file = file;
        ContextBase context = new ContextBase();
        appender.setContext(context);
        appender.setName(file.getFileName().toString());
        appender.setFile(file.toString());
        appender.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(limits.files() - 1);
        SizeBasedTriggeringPolicy<String> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(new FileSize(limits.maxFileBytes()));
        // Logback looks at the file's size once a minute by default: a burst could overrun the limit
        // many times. Looking at every line costs a stat, which these logs' rate affords.
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
        Lines encoder = new Lines();
        encoder.setContext(context);
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder);
        rolling.start();
        trigger.start();
        encoder.start();
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException("cannot write the log " + file + ": " + context.getStatusManager()
                    .getCopyOfStatusList().stream().filter(s -> s.getLevel() == Status.ERROR)
                    .map(Status::getMessage).collect(Collectors.joining("; ")));
        }
    }

    Path file() {
        return file;
    }

    /** Copies {@code output} into the log on a thread of its own, until the stream ends. */
    Thread copy(InputStream output, String threadName) {
        Thread copier = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    appender.doAppend(line);
                }
            } catch (IOException e) {
                // The process's end closed its output: nothing more to copy.
            }
        }, threadName);
        copier.setDaemon(true);
        copier.start();
        return copier;
    }

    /** Adds one line, among those of the process it copies: for a command run in a node's setting. */
    void append(String line) {
        appender.doAppend(line);
    }

    /**
     * A stream whose every line goes into the log: for a process that writes its own output there,
     * as the supervisor does with its {@code System.out} and {@code System.err}.
     */
    public PrintStream printStream() {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    appender.doAppend(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        appender.stop();
    }

    /** Each line as it came, in UTF-8. */
    private static final class Lines extends EncoderBase<String> {
        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(String line) {
            return (line + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }
}
