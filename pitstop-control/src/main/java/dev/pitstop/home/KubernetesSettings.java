package dev.pitstop.home;

/**
 * The {@code kubernetes:} section of {@code pitstop.yml}, for {@code nodes: kubernetes}: the
 * application is a Deployment (see {@code deploy/kubernetes/}).
 *
 * <pre>
 * kubernetes:
 *   deployment: pitstop-app             # required
 *   namespace: shop                     # default: the client's (the pod's own inside the cluster, else kubeconfig's)
 *   container: app                      # default: the Deployment's first container
 *   image: registry.example.com/app     # required: a release's image is this, tagged with its version
 *   url: http://pitstop-app:8080        # default: http://DEPLOYMENT:8080, the Service of that name
 * </pre>
 *
 * @param url how Pitstop reaches the nodes (the Service) to verify them
 */
public record KubernetesSettings(String deployment, String namespace, String container, String image, String url) {

    public KubernetesSettings {
        if (deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("config key 'kubernetes.deployment' is required: the name of the "
                    + "application's Deployment");
        }
        if (image == null || image.isBlank() || image.contains("@") || image.matches(".*:[^/]*")) {
            throw new IllegalArgumentException("config key 'kubernetes.image' must be an image repository without a "
                    + "tag (Pitstop tags it with the release version), e.g. registry.example.com/app, got "
                    + (image == null ? "nothing" : "'" + image + "'"));
        }
        url = url == null ? "http://" + deployment + ":8080" : url;
    }
}
