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
        // a malformed path in a table fails here, not in the middle of a backup
        podSpecReferences.forEach(r -> FieldPath.parse(r.path()));
        imagePaths.forEach(FieldPath::parse);
        references.forEach(r -> FieldPath.parse(r.path()));
        pulledIn.stream().flatMap(List::stream).forEach(p -> {
            if (p instanceof KubeRules.SelectsPods s) {
                FieldPath.parse(s.path());
            } else if (p instanceof KubeRules.RefersTo r) {
                r.paths().forEach(FieldPath::parse);
            }
        });
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
