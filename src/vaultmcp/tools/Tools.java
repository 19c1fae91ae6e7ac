package vaultmcp.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every handler by tool name: an explicit table, no scanning. */
public final class Tools {
    private Tools() {}

    public static Map<String, ToolHandler> handlers() {
        Map<String, ToolHandler> handlers = new LinkedHashMap<>();
        handlers.put("create_mount", MountWriteTools::createMount);
        handlers.put("delete_mount", MountWriteTools::deleteMount);
        handlers.put("enable_pki", MountWriteTools::enablePki);
        handlers.put("list_secrets", KvTools::listSecrets);
        handlers.put("read_secret", KvTools::readSecret);
        handlers.put("write_secret", KvTools::writeSecret);
        handlers.put("delete_secret", KvTools::deleteSecret);
        handlers.put("patch_secret", KvTools::patchSecret);
        handlers.put("list_pki_issuers", PkiTools::listIssuers);
        handlers.put("read_pki_issuer", PkiTools::readIssuer);
        handlers.put("list_pki_roles", PkiTools::listRoles);
        handlers.put("read_pki_role", PkiTools::readRole);
        handlers.put("create_pki_role", PkiTools::createRole);
        handlers.put("delete_pki_role", PkiTools::deleteRole);
        handlers.put("issue_pki_certificate", PkiTools::issue);
        handlers.put("create_pki_issuer", PkiTools::createIssuer);
        handlers.put("read_secret_metadata", KvVersionTools::readMetadata);
        handlers.put("write_secret_metadata", KvVersionTools::writeMetadata);
        handlers.put("delete_secret_versions", (a, v) -> KvVersionTools.versions(a, v, "delete"));
        handlers.put("undelete_secret_versions", (a, v) -> KvVersionTools.versions(a, v, "undelete"));
        handlers.put("destroy_secret_versions", (a, v) -> KvVersionTools.versions(a, v, "destroy"));
        handlers.put("list_mounts", SysInfoTools::listMounts);
        handlers.put("lookup_self", SysInfoTools::lookupSelf);
        handlers.put("check_capabilities", SysInfoTools::checkCapabilities);
        handlers.put("read_cluster_health", SysInfoTools::health);
        handlers.put("list_policies", SysInfoTools::listPolicies);
        handlers.put("read_policy", SysInfoTools::readPolicy);
        handlers.put("list_auth_methods", SysInfoTools::listAuthMethods);
        handlers.put("read_auth_method", SysInfoTools::readAuthMethod);
        handlers.put("list_transit_keys", TransitTools::list);
        handlers.put("read_transit_key", TransitTools::read);
        handlers.put("transit_encrypt", TransitTools::encrypt);
        handlers.put("transit_decrypt", TransitTools::decrypt);
        handlers.put("transit_rewrap", (a, v) -> TransitTools.send(a, v, "rewrap", "ciphertext", "key_version"));
        handlers.put("transit_verify", (a, v) -> TransitTools.send(a, v, "verify", "valid"));
        handlers.put("transit_sign", (a, v) -> TransitTools.send(a, v, "sign", "signature", "key_version"));
        handlers.put("transit_hmac", (a, v) -> TransitTools.send(a, v, "hmac", "hmac"));
        handlers.put("create_transit_key", TransitTools::create);
        handlers.put("rotate_transit_key", TransitTools::rotate);
        return handlers;
    }
}
