package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The logical paths the operator's rules are matched against. */
class ScopeTest {

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
        "kv, kv2, secret, secret/data/app/config, secret/app/config",
        "kv, kv2, secret, secret/metadata/app, secret/app",
        "kv, kv2, secret, secret/metadata, secret",
        "kv, kv2, secret, secret/destroy/app/x, secret/app/x",
        "kv, kv2, secret, secret/delete/app/x, secret/app/x",
        "kv, kv2, secret, secret/undelete/app/x, secret/app/x",
        "kv, kv1, kv1, kv1/data/x, kv1/data/x",
        "kv, kv1, team/kv, team/kv/app, team/kv/app",
        "pki, -, pki, pki/issue/web, pki/roles/web",
        "pki, -, pki, pki/issuer/root, pki/issuers/root",
        "pki, -, pki, pki/roles/web, pki/roles/web",
        "pki, -, pki, pki/config/urls, pki/config/urls",
        "transit, -, transit, transit/encrypt/app, transit/keys/app",
        "transit, -, transit, transit/sign/app, transit/keys/app",
        "transit, -, team/transit, team/transit/keys/app/rotate, team/transit/keys/app/rotate",
        "transit, -, transit, transit/keys, transit/keys",
        "new, -, team, sys/mounts/team, sys/mounts/team",
        "any, -, team, sys/mounts/team, sys/mounts/team",
    })
    void aRequestIsMatchedByItsLogicalPath(String type, String condition, String mount, String path, String logical) {
        assertEquals(logical, Reach.logical(type, condition, mount, path));
    }
}
