package dev.pitstop.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void textIsEscapedForElementsAndQuotedAttributes() {
        assertThat(Html.text("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.text(null)).isEmpty();
    }

    @Test
    void aBannerRepeatsTheMessageEscaped() {
        assertThat(Html.Banner.error("refused: <policy>").html()).contains("role=\"alert\"")
                .contains("refused: &lt;policy&gt;");
    }
}
