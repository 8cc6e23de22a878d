package dev.layercake.tekton;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tekton's {@code $(…)} variables: finding them in a model object, the way the controller does. */
final class TektonVariables {

    /** A Tekton variable; bash's own {@code $(command)} never starts with one of these roots and a dot. */
    static final Pattern VARIABLE = Pattern.compile(
            "\\$\\((params|workspaces|results|context|tasks|steps|step|finally)([.\\[])([^)]*)\\)");

    private TektonVariables() {
    }

    /** Every variable in the object's serialized form, as written between the parentheses. */
    static Set<String> in(Object model) {
        try {
            return in(TektonDocuments.JSON.writeValueAsString(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> in(String text) {
        Set<String> found = new LinkedHashSet<>();
        if (text == null) {
            return found;
        }
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            found.add(m.group(1) + m.group(2) + m.group(3));
        }
        return found;
    }
}
