package dev.pitstop.procedure;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who runs an operation, as the journal and the audit log record it.
 *
 * @param actor  {@code user@host}
 * @param origin the command line that runs it (commands never carry secrets: they are passed in files)
 */
public record Operator(String actor, String origin) {

    /** The user of this process on this host, running {@code command}. */
    public static Operator current(String command) {
        return new Operator(System.getProperty("user.name") + "@" + hostName(), command);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
