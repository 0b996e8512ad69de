package dev.pitstop.procedure;

import dev.pitstop.driver.NodeDriver;
import dev.pitstop.release.ProcessNode;
import java.time.Duration;
import java.util.List;

/**
 * Runs a plugin command of a release whose nodes are processes ({@link ProcessNode.Commands}) in
 * the setting of one node: its working directory and environment, as the node itself was launched,
 * so that the application's CLI finds that node's running application (NocoBase's through its IPC
 * socket). The supervisor, which launched the nodes, is the one that can: in its own process
 * directly, from another through its control API.
 */
public interface ProcessPluginCommands {

    /** How long a plugin command may run before it is stopped: NocoBase restarts its application within it. */
    Duration COMMAND_TIMEOUT = Duration.ofMinutes(15);

    /**
     * Runs the command for {@code change} to its end, {@code plugin} standing for {@code ${plugin}}
     * (null for {@link ProcessNode.PluginCommand#LIST}). Its output goes to the node's log.
     *
     * @return the command's output, at most its last {@link #OUTPUT_LINES} lines
     * @throws OperationException failed when it exits with another code than 0 (the message has its
     *                            last lines and the node's log), or does not end within {@link #COMMAND_TIMEOUT};
     *                            refused when the release declares no such command
     */
    List<String> run(String nodeId, ProcessNode.PluginCommand change, String plugin);

    /** How many lines of a command's output are kept for the operator; all of it is in the node's log. */
    int OUTPUT_LINES = 200;

    /**
     * The commands as {@code nodes} runs them: a local cluster's supervisor does; nodes elsewhere (pods
     * on Kubernetes) have no supervisor to run a command beside them, and every call is refused.
     */
    static ProcessPluginCommands of(NodeDriver nodes) {
        if (nodes instanceof ProcessPluginCommands commands) {
            return commands;
        }
        return (nodeId, change, plugin) -> {
            throw OperationException.refused("the release's plugin commands run beside a node, by the supervisor of "
                    + "a local cluster; " + nodes.getClass().getSimpleName() + " runs them nowhere: open a "
                    + "maintenance window and run node.commands." + change.key() + " in the pod that serves "
                    + "(kubectl exec), then end the window; nothing was changed");
        };
    }
}
