package netsense;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's library example is the program LibraryExampleIT compiles and runs, to the letter. */
class ReadmeExampleTest {
    @Test
    void theReadmeQuotesTheExampleVerbatim() throws Exception {
        String example = Files.readString(Path.of("src/test/resources/example/MyApp.java"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md must quote src/test/resources/example/MyApp.java in a ```java block, unchanged");
    }
}
