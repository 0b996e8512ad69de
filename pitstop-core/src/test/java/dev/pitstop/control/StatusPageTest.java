package dev.pitstop.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusPageTest {

    @Test
    void theOperatorsTextReplacesTheDefaultParagraphsAParagraphALineEscaped() {
        String html = StatusPage.withText("  Back at 14:00 UTC.\n\n<script>alert(1)</script> & more  \n");
        assertThat(html).contains("<h1>Down for maintenance</h1>\n<p>Back at 14:00 UTC.</p>\n"
                + "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>\n</body>");
        assertThat(html).doesNotContain("We are updating this service").doesNotContain("<script>");
    }
}
