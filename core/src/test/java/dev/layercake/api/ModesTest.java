package dev.layercake.api;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.RestoreRequest.KubernetesTarget;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Modes are enums parsed once from what users type; a wrong word names the option and the choices. */
class ModesTest {

    @Test
    void wordsParseToModesAndBack() {
        assertThat(ImageOptions.Mode.parse("digest-only")).isEqualTo(ImageOptions.Mode.DIGEST_ONLY);
        assertThat(ImageOptions.Mode.parse(" none ")).isEqualTo(ImageOptions.Mode.NONE);
        assertThat(ImageOptions.Mode.parse(null)).isEqualTo(ImageOptions.Mode.COPY);
        assertThat(KubernetesOptions.Secrets.parse("")).isEqualTo(KubernetesOptions.Secrets.ENCRYPT);
        assertThat(KubernetesTarget.Existing.parse("update")).isEqualTo(KubernetesTarget.Existing.UPDATE);
        assertThat(ImageOptions.Mode.DIGEST_ONLY.word()).isEqualTo("digest-only");
        assertThat(new ImageOptions(List.of(), "none", null, List.of()).mode()).isEqualTo(ImageOptions.NONE);
        assertThat(new KubernetesOptions(null, null, List.of("ns"), List.of(), "plain", null, null).secrets())
                .isEqualTo(KubernetesOptions.PLAIN);
    }

    @Test
    void aWrongWordNamesTheOptionAndTheChoices() {
        assertThatThrownBy(() -> new ImageOptions(List.of(), "mirror", null, List.of())).isInstanceOf(LayercakeException.class)
                .hasMessage("--image-mode 'mirror' is not one of copy, digest-only, none");
        assertThatThrownBy(() -> KubernetesOptions.Secrets.parse("clear")).hasMessage("--secrets 'clear' is not one of encrypt, plain, skip");
        assertThatThrownBy(() -> KubernetesTarget.Existing.parse("replace")).hasMessage("--existing 'replace' is not one of skip, update, fail");
    }
}
