package dev.pitstop.home;

/**
 * The {@code kubernetes:} section of {@code pitstop.yml}, for {@code nodes: kubernetes}: the
 * application is a Deployment (see {@code deploy/kubernetes/}), and the CLI reaches the cluster
 * through this section instead of a local supervisor's {@code cluster.json}.
 *
 * <pre>
 * kubernetes:
 *   deployment: pitstop-app             # required
 *   namespace: shop                     # default: the client's (the pod's own inside the cluster, else kubeconfig's)
 *   container: app                      # default: the Deployment's first container
 *   image: registry.example.com/app     # required: a release's image is this, tagged with its version
 *   url: http://pitstop-app:8080        # default: http://DEPLOYMENT:8080, the Service of that name
 *   releases: /releases                 # default: /releases; a directory per release version, as the tags name them
 *   database:                           # required: the cluster's database, as the nodes reach it
 *     url: jdbc:postgresql://postgres:5432/app
 *     user: app
 *     password-file: /etc/pitstop/secret/db-password
 *   service: pitstop-app                # traffic: kubernetes; default: DEPLOYMENT
 *   status-page: pitstop-app-status-page  # traffic: kubernetes; default: DEPLOYMENT-status-page
 * </pre>
 *
 * @param url        how Pitstop reaches the nodes (the Service) to verify them
 * @param releases   where the CLI finds a release by its version: the running one, to roll back to
 * @param service    the Service clients reach, which {@code traffic: kubernetes} points at the
 *                   application's pods or at the status page's
 * @param statusPage the Deployment whose pods serve the status page ({@code pitstop gateway})
 */
public record KubernetesSettings(String deployment, String namespace, String container, String image, String url,
                                 String releases, Database database, String service, String statusPage) {

    public static final String DEFAULT_RELEASES = "/releases";

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
        if (database == null) {
            throw new IllegalArgumentException("config key 'kubernetes.database' is required: the cluster's database "
                    + "(url, user, password-file), as the nodes reach it");
        }
        url = url == null ? "http://" + deployment + ":8080" : url;
        releases = releases == null ? DEFAULT_RELEASES : releases;
        service = service == null ? deployment : service;
        statusPage = statusPage == null ? deployment + "-status-page" : statusPage;
    }

    /**
     * @param passwordFile a file holding the password (a mounted Secret); passwords are never
     *                     written into pitstop.yml
     */
    public record Database(String url, String user, String passwordFile) {

        public Database {
            if (url == null || !url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("config key 'kubernetes.database.url' must look like "
                        + "jdbc:postgresql://HOST:PORT/DATABASE, got " + (url == null ? "nothing" : "'" + url + "'"));
            }
        }
    }
}
