package dev.pitstop.driver.kubernetes;

import dev.pitstop.driver.Proxy;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.OperationException;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Traffic through the Kubernetes Service clients reach ({@code kubernetes.service}): its selector
 * is switched between the application's pods and the pods of the status page Deployment
 * ({@code kubernetes.status-page}), which run {@code pitstop gateway}. Those pods read the
 * maintenance mode, the page and {@code Retry-After} from the control schema and pass bypass and
 * admin requests on to the nodes they find in the node registry, so the Service never holds a page
 * or a secret. Each selector is the Deployment's own {@code spec.selector.matchLabels}, read at
 * every switch, so there is no copy of the labels to keep in sync. Every change records what
 * Pitstop did and when ({@value KubernetesNodeDriver#ACTION}, {@value KubernetesNodeDriver#ACTION_AT}).
 *
 * <p>The methods return once the API server has accepted the new selector: that is as far as a
 * Service "acts". The endpoints controller and then kube-proxy on every node follow within their
 * sync periods (typically within seconds), and connections already open stay with the pods they reach.
 * That is safe in both directions because the cluster mode in the database is switched first on
 * the way into maintenance (so the nodes themselves answer with the status page until they stop)
 * and last on the way out (so the status page pods pass requests on to the nodes meanwhile).
 */
public final class KubernetesService implements Proxy {

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final String namespace;

    public KubernetesService(KubernetesClient client, KubernetesSettings settings) {
        this.client = client;
        this.settings = settings;
        this.namespace = settings.namespace() != null ? settings.namespace() : client.getNamespace();
    }

    /**
     * Selects the application's pods. The node URLs are not needed: the Service finds the pods by
     * their labels itself and sends traffic only to those whose readiness probe passes.
     */
    @Override
    public void route(List<String> nodeUrls) {
        Deployment app = deployment(settings.deployment(), "kubernetes.deployment");
        select("route to " + settings.deployment(), matchLabels(app));
    }

    /**
     * Selects the status page's pods, once at least one of them is ready: else clients would reach
     * nothing. The page and {@code Retry-After} are not needed: those pods read them from the
     * database, where {@code ProxyTraffic} has written them before calling this; the node URLs
     * neither, since they find the nodes in the node registry.
     */
    @Override
    public void showStatusPage(String pageHtml, int retryAfterSeconds, List<String> nodeUrls) {
        Deployment page = deployment(settings.statusPage(), "kubernetes.status-page");
        Integer ready = page.getStatus() == null ? null : page.getStatus().getReadyReplicas();
        if (ready == null || ready < 1) {
            throw OperationException.failed("no pod of " + describe("deployment", settings.statusPage())
                    + " is ready, so clients of " + this + " would reach nothing; nothing was changed. "
                    + "See: kubectl -n " + namespace + " describe deployment " + settings.statusPage());
        }
        Deployment app = deployment(settings.deployment(), "kubernetes.deployment");
        requireApart(app, page);
        requireApart(page, app);
        select("status page (" + settings.statusPage() + ")", matchLabels(page));
    }

    /** A selector that also matched the other Deployment's pods would mix them behind the Service. */
    private void requireApart(Deployment selecting, Deployment other) {
        Map<String, String> podLabels = other.getSpec().getTemplate().getMetadata() == null ? null
                : other.getSpec().getTemplate().getMetadata().getLabels();
        if (podLabels != null && podLabels.entrySet().containsAll(matchLabels(selecting).entrySet())) {
            throw OperationException.failed("the selector of " + describe("deployment",
                    selecting.getMetadata().getName()) + " " + matchLabels(selecting) + " also matches the pods of "
                    + describe("deployment", other.getMetadata().getName()) + ", so " + this + " could not tell "
                    + "them apart; give the two Deployments different labels. Nothing was changed");
        }
    }

    /** Sets the Service's selector, recording the action; no write when it is already that one. */
    private void select(String action, Map<String, String> labels) {
        ApiObjects.retryingConflicts(action, toString(), () -> {
            if (labels.equals(service().getSpec().getSelector())) {
                return;
            }
            resource().edit(s -> {
                s.getSpec().setSelector(new HashMap<>(labels));
                ApiObjects.record(s, action);
                return s;
            });
        });
    }

    private Service service() {
        return ApiObjects.read(resource(), toString(), "kubernetes.service");
    }

    private Deployment deployment(String name, String key) {
        return ApiObjects.read(client.apps().deployments().inNamespace(namespace).withName(name),
                describe("deployment", name), key);
    }

    /** A Service selects by equality of labels only, so a Deployment selecting by expressions cannot be used. */
    private Map<String, String> matchLabels(Deployment deployment) {
        Map<String, String> labels = deployment.getSpec().getSelector() == null ? null
                : deployment.getSpec().getSelector().getMatchLabels();
        if (labels == null || labels.isEmpty()) {
            throw OperationException.failed(describe("deployment", deployment.getMetadata().getName())
                    + " has no spec.selector.matchLabels, which " + this + " needs to select its pods");
        }
        return labels;
    }

    private ServiceResource<Service> resource() {
        return client.services().inNamespace(namespace).withName(settings.service());
    }

    private String describe(String kind, String name) {
        return kind + " " + namespace + "/" + name;
    }

    @Override
    public String toString() {
        return describe("service", settings.service());
    }
}
