package vaultmcp.tools;

import java.util.Set;

/**
 * The logical path of a request, which the operator's path rules are matched against: the Vault
 * path, except that on KV v2 the API segment after the mount ({@code data/}, {@code metadata/},
 * {@code delete/}, ...) is left out (a rule names a secret, not an API), on PKI {@code issue/<role>}
 * counts as {@code roles/<role>} and {@code issuer/<id>} as {@code issuers/<id>}, on transit every
 * API ({@code encrypt/<key>}, {@code sign/<key>}, ...) counts as {@code keys/<key>} (a rule names the key),
 * and the mount tools' paths are {@code sys/mounts/<path>} as sent.
 */
final class Scope {
    /** The KV v2 API segments after the mount; a rule names the secret, whichever API reaches it. */
    private static final Set<String> KV2_APIS = Set.of("data", "metadata", "delete", "undelete", "destroy");

    private Scope() {}

    /**
     * @param type the declared type of the request's mount ({@code kv}, {@code pki}, {@code new}, {@code any})
     * @param condition the request's KV condition ({@code kv1}, {@code kv2}) or null
     * @param mount the resolved mount path
     * @param path the whole Vault path of the request
     */
    static String logical(String type, String condition, String mount, String path) {
        if (!path.startsWith(mount) || type.equals("new") || type.equals("any")) {
            return path;
        }
        String rest = path.length() > mount.length() ? path.substring(mount.length() + 1) : "";
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash);
        String renamed = switch (type) {
            case "kv" -> "kv2".equals(condition) && KV2_APIS.contains(first) ? "" : first;
            case "pki" -> first.equals("issue") ? "roles" : first.equals("issuer") ? "issuers" : first;
            case "transit" -> "keys";
            default -> first;
        };
        String logical = renamed.isEmpty() ? tail.replaceFirst("^/", "") : renamed + tail;
        return logical.isEmpty() ? mount : mount + "/" + logical;
    }
}
