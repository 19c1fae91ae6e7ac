package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Dependencies between the packages of src/ flow one way, as the design's layer list says. */
class PackageDependenciesTest {
    /** An import or a qualified name of a class in another vaultmcp package. */
    private static final Pattern REFERENCE = Pattern.compile("\\bvaultmcp\\.([a-z]+)\\.[A-Z]");

    /** Each package (by its last name; the root is "vaultmcp") and the other packages its sources name. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Path root = Path.of("src", "vaultmcp");
        assertTrue(Files.isDirectory(root), "tests run from the repository root: " + root.toAbsolutePath());
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = file.getParent().equals(root) ? "vaultmcp" : file.getParent().getFileName().toString();
                Set<String> uses = graph.computeIfAbsent(name, n -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(name)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        for (String name : graph.keySet()) {
            Set<String> reached = new TreeSet<>();
            Deque<String> todo = new ArrayDeque<>(graph.get(name));
            while (!todo.isEmpty()) {
                String next = todo.pop();
                if (reached.add(next)) {
                    todo.addAll(graph.getOrDefault(next, Set.of()));
                }
            }
            assertFalse(reached.contains(name), () -> name + " is in a cycle: " + graph);
        }
    }

    @Test
    void securityKnowsOnlyTheConfigurationNotJsonRpc() throws IOException {
        // The rate limiter says "refused, retry after n ms"; the transports turn that into JSON-RPC and HTTP.
        assertEquals(Set.of("config"), dependencies().get("security"));
    }
}
