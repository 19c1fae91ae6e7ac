package vaultmcp.vault;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * KV version 1 (vault-api.md 3.4): a write replaces the whole object, a read reports the mount's
 * default TTL as lease_duration, LIST shows direct children with folders ending in "/", and
 * "nothing here" is 404 {"errors":[]}.
 */
final class FakeKv1 implements Mount.Engine {
    private final TreeMap<String, JsonObject> store = new TreeMap<>();

    Map<String, JsonObject> entries() {
        return store;
    }

    @Override
    public Reply handle(Call call) {
        String path = call.path();
        switch (call.op()) {
            case READ -> {
                JsonObject value = store.get(path);
                if (value == null) {
                    return Reply.notFound();
                }
                return Reply.json(200, Reply.envelope(value.deepCopy(), null, null, call.mount().type(),
                        call.mount().effectiveDefaultTtl()), true);
            }
            case LIST -> {
                return call.keys(children(store.keySet(), path));
            }
            case WRITE -> {
                if (call.data().size() == 0) {
                    return Reply.errors(400, "missing data fields");
                }
                store.put(path, FakeSys.sorted(call.data()));
                return Reply.noContent();
            }
            case DELETE -> {
                store.remove(path);
                return Reply.noContent();
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    /** The direct children of folder {@code dir} ("" or ending in "/") among {@code keys}, folders with "/". */
    static TreeSet<String> children(Iterable<String> keys, String dir) {
        TreeSet<String> out = new TreeSet<>();
        for (String key : keys) {
            if (key.startsWith(dir) && key.length() > dir.length()) {
                String rest = key.substring(dir.length());
                int slash = rest.indexOf('/');
                out.add(slash < 0 ? rest : rest.substring(0, slash + 1));
            }
        }
        return out;
    }
}
