package dev.pitstop.driver.kubernetes;

import dev.pitstop.procedure.OperationException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How the Kubernetes drivers read and change API objects: a missing one named with the
 * pitstop.yml key that names it, each change recorded on the object, and made again after a conflict.
 */
final class ApiObjects {

    private static final int HTTP_CONFLICT = 409;
    private static final int ATTEMPTS = 10;

    private ApiObjects() {
    }

    /**
     * @param what how to name the object in a message, e.g. "deployment shop/app"
     * @param key  the pitstop.yml key that names it
     * @throws OperationException (failed) when it cannot be read or does not exist
     */
    static <T> T read(Resource<T> resource, String what, String key) {
        T object;
        try {
            object = resource.get();
        } catch (KubernetesClientException e) {
            throw OperationException.failed("cannot read " + what + ": " + e.getMessage());
        }
        if (object == null) {
            throw OperationException.failed(what + " does not exist; apply deploy/kubernetes/ first, or set " + key
                    + " and kubernetes.namespace in pitstop.yml");
        }
        return object;
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
