package dev.pitstop.driver;

/** A node did not become ready; the message says what it did instead and where its log is. */
public class NodeFailedException extends RuntimeException {

    private final String nodeId;
    private final boolean configurationError;

    public NodeFailedException(String nodeId, String message, boolean configurationError) {
        super(message);
        this.nodeId = nodeId;
        this.configurationError = configurationError;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Whether the node rejected its configuration: starting it again cannot help. */
    public boolean configurationError() {
        return configurationError;
    }
}
