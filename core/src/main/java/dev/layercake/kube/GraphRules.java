package dev.layercake.kube;

import java.util.List;

/**
 * The rules the application graph ({@link AppPlanner}) follows, as data: {@link #DEFAULT} is {@link KubeRules}'
 * tables; a test may hand the planner others.
 */
public record GraphRules(List<KubeRules.PodTemplate> podTemplates, List<KubeRules.PodReference> podSpecReferences,
                         List<String> imagePaths, List<KubeRules.Reference> references,
                         List<KubeRules.SubjectBinding> subjectBindings, List<List<KubeRules.Pull>> pulledIn,
                         List<KubeRules.Generated> generated, List<KubeRules.Implicit> implicit) {

    public static final GraphRules DEFAULT = new GraphRules(KubeRules.POD_TEMPLATES, KubeRules.POD_SPEC_REFERENCES,
            KubeRules.IMAGE_PATHS, KubeRules.REFERENCES, KubeRules.SUBJECT_BINDINGS, KubeRules.PULLED_IN,
            KubeRules.GENERATED_WITHOUT_OWNER, KubeRules.IMPLICIT);

    public GraphRules {
        podTemplates = List.copyOf(podTemplates);
        podSpecReferences = List.copyOf(podSpecReferences);
        imagePaths = List.copyOf(imagePaths);
        references = List.copyOf(references);
        subjectBindings = List.copyOf(subjectBindings);
        pulledIn = pulledIn.stream().map(List::copyOf).toList();
        generated = List.copyOf(generated);
        implicit = List.copyOf(implicit);
    }

    KubeRules.PodTemplate podTemplate(KubeRules.GroupKind type) {
        for (KubeRules.PodTemplate t : podTemplates) {
            if (t.type().matches(type)) {
                return t;
            }
        }
        return null;
    }
}
