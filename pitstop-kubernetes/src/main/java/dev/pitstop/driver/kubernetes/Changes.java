package dev.pitstop.driver.kubernetes;

import dev.pitstop.procedure.OperationException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** How the Kubernetes drivers change an object: each change recorded on it, and made again after a conflict. */
final class Changes {

    private static final int HTTP_CONFLICT = 409;
    private static final int ATTEMPTS = 10;

    private Changes() {
    }

    /**
     * Runs {@code change}, an edit that reads the object and changes it. The API server refuses a
     * change to an object modified since it was read (controllers write the status all the time):
     * then it is read and changed again.
     *
     * @throws OperationException (failed) for any other refusal, or after {@value #ATTEMPTS} conflicts
     */
    static void retryingConflicts(String action, String target, Runnable change) {
        for (int attempt = 1; ; attempt++) {
            try {
                change.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw OperationException.failed("Kubernetes refused to " + action + " on " + target + ": "
                            + e.getMessage());
                }
            }
        }
    }

    /** The object's annotations, for reading and writing: an object may come without any. */
    static Map<String, String> annotations(HasMetadata object) {
        if (object.getMetadata().getAnnotations() == null) {
            object.getMetadata().setAnnotations(new HashMap<>());
        }
        return object.getMetadata().getAnnotations();
    }

    /** Records on the object what Pitstop did and when, for whoever looks at it. */
    static void record(HasMetadata object, String action) {
        annotations(object).put(KubernetesNodeDriver.ACTION, action);
        annotations(object).put(KubernetesNodeDriver.ACTION_AT, Instant.now().toString());
    }
}
