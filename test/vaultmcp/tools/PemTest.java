package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";
    /** What create_pki_issuer used before: right on ordinary input, quadratic on hostile input. */
    private static final Pattern REGEX = Pattern.compile(BEGIN + ".+?" + END, Pattern.DOTALL);

    private static String pem(String name) {
        try (InputStream in = PemTest.class.getResourceAsStream("/vaultmcp/vault/pki/" + name + ".pem")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new AssertionError(name, e);
        }
    }

    private static JsonArray regex(String text) {
        JsonArray out = new JsonArray();
        Matcher m = REGEX.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static JsonArray array(String... items) {
        JsonArray out = new JsonArray();
        for (String item : items) {
            out.add(item);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no certificate here", "root", "chain", "around", "crlf", "private key first",
        "adjacent", "truncated last", BEGIN + "x" + END, BEGIN + END, BEGIN + "-" + END,
        "-----BEGIN CERTIFICATE----END CERTIFICATE-----"})
    void findsWhatTheOldRegexFoundInOrdinaryText(String name) {
        String root = pem("root");
        String intermediate = pem("intermediate");
        String leaf = pem("leaf");
        String text = switch (name) {
            case "root" -> root;
            case "chain" -> leaf + "\n" + intermediate + "\n" + root + "\n";
            case "around" -> "issuer: root-2024\n" + root + "\nserial: 3f:aa\n" + leaf + "\ntrailing text";
            case "crlf" -> (leaf + "\n" + root).replace("\n", "\r\n") + "\r\n";
            case "private key first" -> "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n" + leaf;
            case "adjacent" -> leaf + root;
            case "truncated last" -> leaf + "\n" + root.substring(0, 200);
            default -> name;
        };
        JsonArray expected = regex(text);
        assertEquals(expected, Pem.certificates(text));
        if (name.equals("chain")) {
            assertEquals(array(leaf, intermediate, root), expected);
        }
        if (name.equals("crlf")) {
            assertEquals(array(leaf.replace("\n", "\r\n"), root.replace("\n", "\r\n")), expected);
        }
    }

    @Test
    void keepsOnlyTheLastBeginBeforeAnEndSoEachBlockIsWhole() {
        String leaf = pem("leaf");
        String root = pem("root");
        // The regex would return one block from the first BEGIN to the END, the cut-off one inside it.
        String text = root.substring(0, 300) + "\n" + leaf + "\n" + BEGIN + "\nMIIB\n" + root;
        assertEquals(array(leaf, root), Pem.certificates(text));
    }

    @Test
    void answersAHostileMegabyteOfBeginMarkersQuickly() {
        String hostile = BEGIN.repeat(1024 * 1024 / BEGIN.length() + 1);
        String withOneEnd = hostile + "x" + END + hostile;
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(new JsonArray(), Pem.certificates(hostile));
            assertEquals(array(BEGIN + "x" + END), Pem.certificates(withOneEnd));
            assertEquals(new JsonArray(), Pem.certificates("-".repeat(1024 * 1024)));
        });
    }
}
