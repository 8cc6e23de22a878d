package dev.layercake.source;

import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.store.ReleaseStore;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Security review 2026-12-07, findings 6, 10, 11 and 12 for git capture (glob.jsh, git.jsh). The timeout is a hang
 * guard, not a benchmark: the glob below took about 100 s against one 40-character name on the code before.
 */
class GitCaptureSecurityTest {

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();

    private final ProgressListener listener = new ProgressListener() {
        @Override
        public void info(String message) {
            infos.add(message);
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };

    private SourceSection capture(SourceOptions options) {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
             GitSource git = GitSource.open(options, listener)) {
            return git.capture(store, options);
        }
    }

    private static SourceOptions opts(Path dir, String... include) {
        return new SourceOptions(dir.toString(), null, List.of(include), List.of(), false);
    }

    @Test
    void aBacktrackingGlobIsMatchedInLinearTimeAndInvalidGlobsAreNamedNotThrown() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write(".gitlab-ci.yml", String.join("\n",
                    "include:",
                    "  - local: '*a*a*a*a*a*a*a*a*a*b.yml'",
                    "  - local: 'ci/*[.yml'",
                    "  - local: '{a,{b}}*.yml'",
                    "  - local: 'ci/**.yml'",
                    "job:",
                    "  script: [true]", ""));
            repo.write("a".repeat(40) + ".yml", "x: 1\n");
            repo.write("ci/deep/build.yml", "build:\n  image: alpine:3.20\n  script: [true]\n");
            repo.commit("globs");
            SourceSection s = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> capture(opts(repo.dir())));
            assertThat(s.includes()).containsExactly("ci/deep/build.yml");
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("3 include(s) not followed",
                    "*a*a*a*a*a*a*a*a*a*b.yml (the glob matches no file)",
                    "ci/*[.yml (glob syntax '[' is not supported, only * and **)",
                    "{a,{b}}*.yml (glob syntax '{' is not supported, only * and **)"));
        }
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "*.yml, a.yml, true", "*.yml, ci/a.yml, false", "*.yml, .hidden.yml, true",
            "ci/*.yml, ci/a.yml, true", "ci/*.yml, ci/d/a.yml, false",
            "ci/**.yml, ci/a.yml, true", "ci/**.yml, ci/d/e/a.yml, true", "ci/**.yml, other/a.yml, false",
            "ci/**/*.yml, ci/d/a.yml, true", "ci/**/*.yml, ci/a.yml, false",
            "**, any/thing.yml, true", "ci/a*b*.yml, ci/axxbyy.yml, true", "ci/a*b*.yml, ci/axx/byy.yml, false",
            "*a*a*a*a*a*a*a*a*a*b.yml, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yml, false",
            "*a*a*b.yml, xaxaxb.yml, true", "ci/build.yml, ci/build.yml, true", "ci/build.yml, ci/build.yaml, false"})
    void includeGlobsFollowGitLabsStarAndDoubleStar(String glob, String path, boolean matches) {
        assertThat(IncludeGlob.parse(glob).matches(path)).isEqualTo(matches);
        // the same answers as the JDK glob the capture used before (not for the backtracking one: that is the hang)
        if (glob.chars().filter(c -> c == '*').count() <= 4) {
            assertThat(java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path))).isEqualTo(matches);
        }
    }

    @Test
    void includeEntriesPerFileAreCapped() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            StringBuilder ci = new StringBuilder("include:\n");
            for (int i = 0; i < GitSource.MAX_CI_INCLUDE_SPECS + 20; i++) {
                ci.append("  - local: ci/missing-").append(i).append(".yml\n");
            }
            repo.write(".gitlab-ci.yml", ci.toString());
            repo.commit("many");
            capture(opts(repo.dir()));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains((GitSource.MAX_CI_INCLUDE_SPECS + 1) + " include(s) not followed",
                    "20 more include entries of .gitlab-ci.yml (more than 100 in one file)"));
        }
    }

    @Test
    void controlCharactersFromGitReachNoMessageRaw() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write(".gitlab-ci.yml", "include:\n  - local: .gitlab/x.yml\n  - \"ci/\\e]0;PWNED\\a\\e[31mred.yml\"\n  - \"ci/\\e(B\\u202eevil.yml\"\njob:\n  script: [true]\n");
            repo.write("ci/\u001b\u0007linked.yml", "job2:\n  script: [true]\n");
            repo.write(".gitlab/x.yml", "include:\n  - local: 'ci/*linked.yml'\n");
            repo.commit("escapes");
            capture(opts(repo.dir()));
            assertThat(warnings).anyMatch(w -> w.contains("ci/?]0;PWNED??[31mred.yml") && w.contains("ci/?(B?evil.yml (not in the commit)"));
            assertThat(infos).anyMatch(i -> i.contains("included file(s) followed and captured") && i.contains("ci/??linked.yml"));
            List<String> all = new ArrayList<>(warnings);
            all.addAll(infos);
            assertThat(all).noneMatch(m -> m.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == 0x202e));
        }
    }

    @Test
    void aLinkOutOfTheRepositoryIsNotCapturedEvenWithInclude() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("deploy.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
            repo.symlink("passwd.yml", "/etc/passwd");
            repo.symlink("ci/up.yml", "../../../../etc/shadow");
            repo.symlink("ci/in-tree.yml", "../deploy.yml");
            repo.commit("links");
            SourceSection s = capture(opts(repo.dir(), "**/*.yml", "*.yml"));
            assertThat(s.files()).extracting(SourceFile::path).contains("deploy.yml", "ci/in-tree.yml")
                    .doesNotContain("passwd.yml", "ci/up.yml");
            assertThat(warnings).anyMatch(w -> w.contains("2 symlink(s) point out of the repository and are not captured (not even with --include)"));
        }
    }

    @Test
    void aLinkBackToTheRootCiFileDoesNotQueueItAgain() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write(".gitlab-ci.yml", "include:\n  - local: ci/loop.yml\n  - local: ci/build.yml\njob:\n  image: alpine:3.19\n  script: [true]\n");
            repo.symlink("ci/loop.yml", "../.gitlab-ci.yml");
            repo.write("ci/build.yml", "include:\n  - local: ci/loop.yml\nbuild:\n  script: [true]\n");
            repo.commit("loop");
            SourceSection s = capture(opts(repo.dir()));
            assertThat(s.includes()).containsExactly("ci/build.yml");
            assertThat(s.files()).extracting(SourceFile::path).contains(".gitlab-ci.yml", "ci/loop.yml", "ci/build.yml");
        }
    }

    @Test
    void aCloneUrlLosesAPasswordWithASlash() {
        assertThat(GitSource.redact("https://user:pa/ss@git.example.com/x.git")).isEqualTo("https://***@git.example.com/x.git");
        assertThat(GitSource.redact("cannot clone https://u:p@ss/w@git.example.com/x.git: auth failed"))
                .isEqualTo("cannot clone https://***@git.example.com/x.git: auth failed");
    }
}
