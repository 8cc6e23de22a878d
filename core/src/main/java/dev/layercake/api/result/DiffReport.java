package dev.layercake.api.result;

import dev.layercake.model.DriftEntry;

import java.util.List;

/** The comparison: left and right named ("shop/r1", "live (context prod)"), changes in a stable order. */
public record DiffReport(String left, String right, int compared, List<DiffChange> changes, List<String> notes) {

    public boolean identical() {
        return changes.isEmpty();
    }

    public long count(String change) {
        return changes.stream().filter(c -> c.change().equals(change)).count();
    }

    /** The readable form, as {@code layercake diff} prints it. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("diff ").append(left).append(" -> ").append(right).append(": ").append(compared).append(" object(s) compared, ")
                .append(count(DriftEntry.CHANGED)).append(" changed, ").append(count(DriftEntry.ADDED)).append(" added, ")
                .append(count(DriftEntry.REMOVED)).append(" removed\n");
        for (DiffChange c : changes) {
            String mark = switch (c.change()) {
                case DriftEntry.ADDED -> "+";
                case DriftEntry.REMOVED -> "-";
                default -> "~";
            };
            sb.append(mark).append(' ').append(c.object()).append('\n');
            for (DriftEntry.Field f : c.fields()) {
                if (!f.lines().isEmpty()) {
                    sb.append("    ~ ").append(f.pointer()).append(":\n");
                    f.lines().forEach(l -> sb.append("        ").append(l).append('\n'));
                    continue;
                }
                sb.append("    ").append(switch (f.change()) {
                    case DriftEntry.ADDED -> "+ " + f.pointer() + ": " + f.live();
                    case DriftEntry.REMOVED -> "- " + f.pointer() + ": " + f.declared();
                    default -> "~ " + f.pointer() + ": " + f.declared() + " -> " + f.live();
                }).append('\n');
            }
        }
        for (String note : notes) {
            sb.append("note: ").append(note).append('\n');
        }
        return sb.toString();
    }
}
