package vaultmcp.tools;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The transit tools (toolset "transit", off by default): encryption, signing and HMACs with keys
 * that stay in Vault. The model sends and gets text; base64 is done here, as {@code encoding} says.
 * The arguments in {@link #VAULT_ARGS} that a tool's input schema has go to Vault under their own
 * names; {@code exportable} and {@code allow_plaintext_backup}, which cannot be undone, are in neither.
 * transit_encrypt reads the key first: Vault creates a missing key on encrypt for a token that may create.
 */
final class TransitTools {
    /** The arguments Vault gets, under their own names (never exportable or allow_plaintext_backup). */
    private static final String[] VAULT_ARGS = {"plaintext", "input", "context", "ciphertext", "key_version",
            "signature", "hmac", "hash_algorithm", "signature_algorithm", "algorithm", "type", "derived",
            "convergent_encryption", "auto_rotate_period", "key_size"};
    private static final Set<String> ENCODED = Set.of("plaintext", "input", "context");
    /** What a key's description shows besides its versions: metadata, never key material. */
    private static final List<String> KEY_FIELDS = List.of("type", "latest_version", "min_available_version",
            "min_decryption_version", "min_encryption_version", "derived", "convergent_encryption", "exportable",
            "allow_plaintext_backup", "deletion_allowed", "imported_key", "supports_encryption", "supports_decryption",
            "supports_signing", "supports_derivation", "auto_rotate_period", "key_size");

    static ToolResult list(Args args, Guard vault) throws ToolException, VaultException {
        JsonArray keys = vault.send("LIST {mount}/keys").keys();
        keys.asList().removeIf(k -> !vault.shows(vault.named("mount") + "/keys/" + Field.text(k)));
        return ToolResult.json(vault.located("mount"), "keys", keys);
    }

    static ToolResult read(Args args, Guard vault) throws ToolException, VaultException {
        return described(vault, key(vault));
    }

    static ToolResult encrypt(Args args, Guard vault) throws ToolException, VaultException {
        key(vault); // refuses a missing key, which Vault would create
        return send(args, vault, "encrypt", "ciphertext", "key_version");
    }

    /** A missing key is Vault's "key not found": rotate creates none. */
    static ToolResult rotate(Args args, Guard vault) throws ToolException, VaultException {
        return described(vault, vault.send("POST {mount}/keys/{name}/rotate", new JsonObject()).data());
    }

    static ToolResult create(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse existing = vault.send("GET {mount}/keys/{name}");
        if (!existing.notFound()) { // Vault would answer with the existing key, whatever its type
            throw new ToolException("There is already a key \"" + vault.named("name") + "\" (type "
                    + Field.text(existing.data().get("type")) + "); nothing was changed.");
        }
        return described(vault, vault.send("POST {mount}/keys/{name}", body(args)).data());
    }

    static ToolResult decrypt(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.secret("POST {mount}/decrypt/{name}", body(args));
        JsonObject out = vault.located("mount", "name");
        if (answer.wrapInfo() != null) {
            return Delivery.wrapped(out, answer.wrapInfo());
        }
        JsonObject secret = new JsonObject();
        secret.addProperty("plaintext", Field.text(answer.data().get("plaintext")));
        String text = args.string("encoding").equals("utf8") ? text(secret.get("plaintext").getAsString()) : null;
        if (text != null) {
            secret.addProperty("plaintext", text);
        } else if (args.string("encoding").equals("utf8")) {
            out.addProperty("note", "The plaintext is not UTF-8 text, so it is given in base64.");
        }
        out.add("plaintext", (vault.redacting() ? Delivery.redacted(secret) : secret).get("plaintext"));
        out.addProperty("encoding", text == null ? "base64" : "utf8");
        return ToolResult.json(out);
    }

    /** Sends {@code api} for the key and returns {@code fields} of Vault's answer. */
    static ToolResult send(Args args, Guard vault, String api, String... fields)
            throws ToolException, VaultException {
        JsonObject data = vault.send("POST {mount}/" + api + "/{name}", body(args)).data();
        JsonObject out = vault.located("mount", "name");
        Stream.of(fields).filter(data::has).forEach(field -> out.add(field, data.get(field)));
        return ToolResult.json(out);
    }

    /** Vault's description of the key; refuses a missing one. */
    private static JsonObject key(Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.send("GET {mount}/keys/{name}");
        if (answer.notFound()) {
            throw new ToolException("There is no key \"" + vault.named("name") + "\" in the transit mount \""
                    + vault.named("mount") + "\"; nothing was sent for it. Call "
                    + "{tool:list_transit_keys} to see the keys, or {tool:create_transit_key} to make one.");
        }
        return answer.data();
    }

    /** The request body: the arguments Vault gets, the text ones in base64 (unless given so). */
    private static JsonObject body(Args args) {
        JsonObject body = args.copy(VAULT_ARGS);
        if ("utf8".equals(args.string("encoding"))) {
            ENCODED.stream().filter(body::has).forEach(name -> body.addProperty(name,
                    Base64.getEncoder().encodeToString(args.string(name).getBytes(UTF_8))));
        }
        return body;
    }

    /** The key's metadata and its versions as Vault lists them (creation times; public keys of signing keys). */
    private static ToolResult described(Guard vault, JsonObject data) {
        JsonObject out = vault.located("mount", "name");
        KEY_FIELDS.stream().filter(data::has).forEach(field -> out.add(field, data.get(field)));
        return ToolResult.json(out, "versions", Field.object(data.get("keys")));
    }

    /** The UTF-8 text {@code base64} encodes, or null when it is not UTF-8 (or not base64). */
    private static String text(String base64) {
        try {
            return UTF_8.newDecoder().decode(ByteBuffer.wrap(Base64.getDecoder().decode(base64))).toString();
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return null;
        }
    }
}
